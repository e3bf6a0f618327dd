"""Print the module's timings: package import, each notebook in a fresh kernel, widget interactions.

Run with `make benchmark` (or `.venv/bin/python benchmarks/run_all.py`; name parts to run only those, e.g.
`run_all.py notebook_times`). Aims: every lesson executes, kernel
start included, within 10% of the floor (a fresh kernel that imports only matplotlib and ipywidgets, timed in
the same run); a widget interaction under 100 ms at the 95th percentile. `benchmarks/lesson_cells.py` shows
where one lesson's time goes: each cell's time and the widgets open after it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def import_time(repeats: int = 5) -> None:
    def run(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - start

    baseline = statistics.median(run("pass") for _ in range(repeats))
    for module in ("matplotlib, ipywidgets", "usvn", "usvn.quiz.widgets, usvn.widgets"):
        total = statistics.median(run(f"import {module}") for _ in range(repeats))
        print(
            f"import {module:<32} {1000 * (total - baseline):7.0f} ms  (median of {repeats}, interpreter start excluded)"
        )


#: The floor every lesson is measured against: a fresh kernel that imports only what any widget lesson needs.
FLOOR_CELL = "import matplotlib\nimport ipywidgets"


def _run_in_fresh_kernel(notebook, folder: Path) -> tuple[float, float]:
    """Seconds to start a kernel, and to execute every cell after that, for one notebook run in ``folder``."""
    from nbclient import NotebookClient

    client = NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}})
    started = time.perf_counter()
    # The kernel's own log (a warning per start that it listens over TCP without encryption) would bury the
    # numbers; a failing cell still raises here, through the kernel's messages, not its log.
    with client.setup_kernel(stderr=subprocess.DEVNULL):
        ready = time.perf_counter()
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
        done = time.perf_counter()
    return ready - started, done - ready


def _compile_package() -> None:
    """Write the bytecode of the ``usvn`` package, as its first import in a student's kernel does.

    The floor's libraries come with their bytecode compiled by pip. With ``PYTHONDONTWRITEBYTECODE`` set, an
    editable install of ``usvn`` would be compiled from source again in every kernel, a cost no student pays
    after their first run; compiling it here measures every lesson as a student meets it the second time.
    """
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("usvn")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("The usvn package is not installed in this environment: run `make .venv/.installed-dev`.")
    for folder in spec.submodule_search_locations:
        if not compileall.compile_dir(folder, quiet=1):
            raise SystemExit(f"Some of {folder} does not compile; the timings would not be the lessons'.")


def notebook_times(repeats: int = 5, aim: float = 1.10) -> None:
    """Each lesson's total (kernel start included) beside the floor, timed in turn in the same run.

    Floor and lessons alternate round by round, so a change in machine load touches both alike; the
    median of ``repeats`` rounds is reported.
    """
    import nbformat

    _compile_package()
    floor_notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR_CELL)])
    paths = [
        path for folder in ("notebooks", "solutions") for path in sorted((ROOT / folder).glob("[0-9][0-9]-*.ipynb"))
    ]
    if not paths:
        raise SystemExit("No lesson notebooks found under notebooks/ or solutions/.")
    floors: list[float] = []
    timings: dict[Path, list[tuple[float, float]]] = {path: [] for path in paths}
    for _ in range(repeats):
        for path in paths:
            floors.append(sum(_run_in_fresh_kernel(nbformat.from_dict(floor_notebook), path.parent)))
            timings[path].append(_run_in_fresh_kernel(nbformat.read(path, as_version=4), path.parent))
    floor = statistics.median(floors)
    print(
        f"floor: fresh kernel + `{FLOOR_CELL.replace(chr(10), '; ')}`   {floor:5.2f} s"
        f"   (median of {len(floors)}, load average {os.getloadavg()[0]:.2f})"
    )
    for path, runs in timings.items():
        start = statistics.median(run[0] for run in runs)
        cells = statistics.median(run[1] for run in runs)
        total = statistics.median(sum(run) for run in runs)
        ratio = total / floor
        if path.parent.name != "notebooks":
            # The answer keys are not lessons: they build the matplotlib figures the graded work asks students
            # to build, so they import matplotlib (the floor's own cost) and draw. Shown for reference.
            verdict = "answer key, for reference"
        else:
            verdict = "ok" if ratio <= aim else f"over {aim:.2f}x"
        print(
            f"{path.parent.name}/{path.name:<44} kernel start {start:5.2f} s   cells {cells:5.2f} s"
            f"   total {total:5.2f} s   {ratio:4.2f}x floor  {verdict}"
        )


def widget_interactions(rounds: int = 60) -> None:
    """Lessons 01-03: every interaction that answers a change or a button, timed in the kernel."""
    import tempfile

    from usvn.claims import EVIDENCE_KINDS, RATINGS
    from usvn.leverage import CHANNELS, OUTCOMES
    from usvn.quiz.model import load_quiz
    from usvn.quiz.widgets import QuestionView
    from usvn.widgets.claims import claim_views
    from usvn.widgets.leverage import CaseExplorer, RateExplorer
    from usvn.widgets.timeline import TimelineExplorer

    def timed(action) -> float:
        start = time.perf_counter()
        action()
        return 1000 * (time.perf_counter() - start)

    def report(label: str, timings: list[float], what: str) -> None:
        print(
            f"{label:<48} median {statistics.median(timings):6.1f} ms   p95 {percentile(timings, 0.95):6.1f} ms"
            f"   ({len(timings)} {what})"
        )

    with tempfile.TemporaryDirectory() as folder:
        notes = Path(folder)
        explorer = TimelineExplorer(notes_folder=notes)
        themes = list(explorer.theme_boxes)
        first, last = explorer.first_year, explorer.last_year
        filters, resets = [], []
        for round_number in range(rounds):
            if round_number % 2:
                box = explorer.theme_boxes[themes[round_number % len(themes)]]
                filters.append(timed(lambda box=box: setattr(box, "value", not box.value)))
            else:
                span = (first + round_number % 10, last - round_number % 7)
                filters.append(timed(lambda span=span: setattr(explorer.years, "value", span)))
            if round_number % 4 == 3:
                resets.append(timed(explorer.reset_button.click))
        report("timeline filter change -> redrawn figure", filters, "changes")
        report('timeline "Show everything" -> redrawn figure', resets, "clicks")

        view = QuestionView(load_quiz(1).questions[0], 1, notes_folder=notes)
        answers = [view.question.correct_answer(), view.question.wrong_answer()]
        checks, explanations = [], []
        for round_number in range(rounds):
            view.answer_control.value = answers[round_number % 2]
            checks.append(timed(view.check_button.click))
            explanations.append(timed(view.explain_button.click))
        report("quiz answer -> feedback", checks, "checks")
        report('quiz "Show explanation"', explanations, "clicks")

        view = claim_views("tran-2021", notes_folder=notes)[0]
        kinds = list(EVIDENCE_KINDS)
        timings = []
        for round_number in range(rounds):
            view.kind.value = kinds[round_number % len(kinds)]
            view.rating.value = RATINGS[round_number % len(RATINGS)]
            timings.append(timed(view.compare_button.click))
        report("claim reading -> module's annotation", timings, "comparisons")

        cases = CaseExplorer(notes_folder=notes)
        every_case, one_case = [], []
        for round_number in range(rounds // 3):
            for index, case in enumerate(cases.cases):
                cases.code(
                    case.id,
                    CHANNELS[(round_number + index) % len(CHANNELS)],
                    OUTCOMES[(round_number * 2 + index) % len(OUTCOMES)],
                )
            every_case.append(timed(cases.compare_button.click))
            # The usual step: recode one case, compare again.
            case = cases.cases[round_number % len(cases.cases)]
            cases.code(case.id, CHANNELS[round_number % len(CHANNELS)], OUTCOMES[(round_number + 1) % len(OUTCOMES)])
            one_case.append(timed(cases.compare_button.click))
        report("case coding (all recoded) -> chart and reasons", every_case, "comparisons")
        report("case coding (one recoded) -> chart and reasons", one_case, "comparisons")

        rates = RateExplorer(cases, notes_folder=notes)
        timings = []
        for round_number in range(rounds // 2):
            (rates.original_button if round_number % 2 else rates.all_button).click()
            timings.append(timed(rates.draw_button.click))
        report('rate explorer "Show the rates" -> chart, table', timings, "clicks")


def lesson_04_05_interactions(rounds: int = 30) -> None:
    import tempfile

    from usvn.widgets.margin import MarginCalculator
    from usvn.widgets.memo import MemoEditor
    from usvn.widgets.scorecard import EvidenceScorecard

    def timed(action) -> float:
        start = time.perf_counter()
        action()
        return 1000 * (time.perf_counter() - start)

    def report(label: str, timings: list[float], what: str) -> None:
        print(
            f"{label:<48} median {statistics.median(timings):6.1f} ms   p95 {percentile(timings, 0.95):6.1f} ms"
            f"   ({len(timings)} {what})"
        )

    with tempfile.TemporaryDirectory() as folder:
        notes = Path(folder)
        calculator = MarginCalculator(notes_folder=notes)
        surrogates = [value for _, value in calculator.surrogate.options]
        timings = []
        for round_number in range(rounds):
            surrogate = surrogates[round_number % len(surrogates)]
            timings.append(timed(lambda surrogate=surrogate: setattr(calculator.surrogate, "value", surrogate)))
        report("margin surrogate change -> table + chart", timings, "changes")

        price = float(calculator.export_price.value)
        timings = []
        for round_number in range(rounds):
            # Typing saves the note; Calculate answers with the table and chart.
            typed = f"{price * (0.8 + 0.02 * (round_number % 20)):.2f}"
            timings.append(
                timed(
                    lambda typed=typed: (
                        setattr(calculator.export_price, "value", typed),
                        calculator.calculate_button.click(),
                    )
                )
            )
        report("margin export price typed + Calculate", timings, "calculations")

        scorecard = EvidenceScorecard(notes_folder=notes)
        for factor_id in scorecard.ratings:
            scorecard.justifications[factor_id].value = "benchmark"
        shows, compares = [], []
        for round_number in range(rounds):
            for offset, box in enumerate(scorecard.ratings.values()):
                box.value = 1 + (round_number + offset) % 5
            shows.append(timed(scorecard.show_button.click))
            compares.append(timed(scorecard.compare_button.click))
        report('scorecard "Show my scorecard" -> chart', shows, "clicks")
        report('scorecard "Compare with Commerce"', compares, "clicks")

        editor = MemoEditor(notes / "05-memo.md")
        for area in editor.areas.values():
            area.value = "word " * 60
        timings = [timed(editor.check_button.click) for _ in range(rounds)]
        report("memo check -> saved + structure verdict", timings, "clicks")


def main(parts: list[str]) -> None:
    """Run the named parts (all of them when none is named), e.g. ``run_all.py notebook_times``."""
    known = {
        part.__name__: part for part in (import_time, notebook_times, widget_interactions, lesson_04_05_interactions)
    }
    unknown = [name for name in parts if name not in known]
    if unknown:
        raise SystemExit(f"Unknown part {unknown[0]!r}; parts are {', '.join(known)}.")
    print(f"Python {sys.version.split()[0]} on {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")
    for name in parts or known:
        known[name]()


if __name__ == "__main__":
    main(sys.argv[1:])
