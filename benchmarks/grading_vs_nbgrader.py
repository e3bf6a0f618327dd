"""Throughput of `usvn grade` against `nbgrader autograde` on the same submissions, for two kinds of assignment.

    .venv/bin/python benchmarks/grading_vs_nbgrader.py [--students 24] [--lesson 1] [--jobs 3] [--prestart 1]
        [--only lesson|ordinary]

1. this module's exercise (``exercises/NN-*.ipynb`` with answers varied per student: right, wrong value,
   wrong type, wrong function), graded against ``solutions/NN-*.ipynb``;
2. an ordinary nbgrader problem set (``tests/problemset.py``: setup-cell data, loops and helpers in the tests,
   hidden tests, a hand-graded answer), with honest answers varied per student.

nbgrader autogrades each class (serially, as it does), this grader grades it (in parallel, bubblewrap
isolation); the script prints both throughputs, their ratio, the load average, and every score that differs.
``--prestart 0`` grades without starting kernels ahead of their turn, to measure what that brings.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

VARIANTS = {  # lesson 01: grade_id -> answers (index 0 is right)
    "q1": ['first_event = "c"', 'first_event = "a"', "first_event = 2"],
    "q2": ["years_to_security = 8", "years_to_security = 21", "years_to_security = 8.0"],
    "q3": [
        'rights_ids = ["2024-nguyen-van-binh-arrested", "2024-fourth-upr", "2025-human-rights-dialogue-28", '
        '"2025-molisa-merged-into-home-affairs", "2025-hrc-reelection"]',
        'rights_ids = ["2024-fourth-upr"]',
    ],
    "q4": ['cutter_themes = ["security"]', 'cutter_themes = ["trade"]', 'cutter_themes = "security"'],
    "q4-reason": [
        "A ship transfer and a defence plan are security; trade does not fit a transfer between governments."
    ],
    "q5": [
        "security_figure = timeline_figure(security_events, (2003, 2026))\n"
        'security_alt = "Timeline chart of nine security events from 2003 to 2023, by date and theme."',
        "security_figure = timeline_figure(security_events, (2003, 2026))\n"
        'security_alt = "A chart of the security events from 2003 to 2019, by date."',
    ],
    "q6": ['unattributed = "b"', 'unattributed = "a"'],
    "q7": ["Xinhua stresses a shared future; Voice of America stresses that Hanoi had declined that wording."],
    "q8": ["The upgrade happened in 2023, so the obstacles were set aside; Directive 24 shows they remained."],
    "q9": ["tariff_claim_rating = 1", "tariff_claim_rating = 3"],
    "q9-reason": ["2025-reciprocal-tariff-announced set 46% in April 2025, against the prediction."],
    "d1": ['n_trade_recent = len(filter_events(events, {"trade"}, (2025, 2026)))', "n_trade_recent = 4"],
    "d2": [
        "def weighted_score(counts, weights):\n    return sum(c * weights.get(t, 0.0) for t, c in counts.items())",
        "def weighted_score(counts, weights):\n    return float(sum(counts.values()))",
    ],
}


def lesson_class(exercise: Path, students: int) -> dict:
    """This module's exercise, answered variously (``{student: notebook}``)."""
    notebooks = {}
    for number in range(students):
        notebook = nbformat.read(exercise, as_version=4)
        notebook.cells = [cell for cell in notebook.cells if cell.metadata.get("usvn", {}).get("generated") != "check"]
        for position, cell in enumerate(notebook.cells):
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in VARIANTS and cell.metadata["nbgrader"].get("solution"):
                options = VARIANTS[grade_id]
                cell.source = options[(number + position) % len(options)] if number % 3 else options[0]
        notebooks[f"student{number:03d}"] = notebook
    return notebooks


def ordinary_class(students: int) -> dict:
    import problemset

    return {f"student{number:03d}": problemset.submission(number) for number in range(students)}


def run_ours(source: Path, notebooks: dict, work: Path, jobs: int) -> tuple[float, dict, str]:
    from gradingkit import write

    from usvn.grading.batch import grade_batch
    from usvn.grading.sandbox import Limits

    for name, notebook in notebooks.items():
        write(notebook, work / "submissions" / f"{name}.ipynb")
    log = io.StringIO()
    started = time.perf_counter()
    results = grade_batch(source, work / "submissions", work / "ours", jobs=jobs, limits=Limits(), stream=log)
    elapsed = time.perf_counter() - started
    scores = {
        result.student: {item.grade_id: item.points for item in result.items if item.kind == "auto"}
        for result in results
    }
    return elapsed, scores, log.getvalue().splitlines()[0]


def compare(title: str, source: Path, notebooks: dict, jobs: int) -> dict:
    from gradingkit import nbgrader_scores

    with tempfile.TemporaryDirectory(prefix="usvn-bench-") as folder:
        work = Path(folder)
        load_before = os.getloadavg()
        timing: dict = {}
        their_scores = nbgrader_scores(source, notebooks, work / "nbgrader", timing)
        theirs = timing["seconds"]
        ours, our_scores, isolation = run_ours(source, notebooks, work, jobs)
        load_after = os.getloadavg()
    count = len(notebooks)
    differences = [
        (name, item, their_scores[name].get(item), points)
        for name in notebooks
        for item, points in our_scores[name].items()
        if their_scores[name].get(item) != points
    ]
    print(
        f"\n== {title}: {count} submissions of {source.name}, {os.cpu_count()} cores, "
        f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after"
    )
    print(
        f"nbgrader autograde (serial):   {theirs:6.1f} s  {count / theirs:5.2f} submissions/s  "
        f"({theirs / count:.2f} s each)"
    )
    print(
        f"usvn grade ({jobs} jobs, {_prestart()}):  {ours:6.1f} s  {count / ours:5.2f} submissions/s  "
        f"({ours / count:.2f} s each)"
    )
    print(f"ratio (usvn / nbgrader throughput): {theirs / ours:.2f}x")
    print(f"usvn {isolation}")
    totals = sum(sum(points or 0 for points in scores.values()) for scores in our_scores.values())
    print(f"auto points awarded: usvn {totals:g}, nbgrader {sum(sum(s.values()) for s in their_scores.values()):g}")
    print(f"score differences: {len(differences)}")
    for difference in differences:
        print("  ", *difference)
    return {"ratio": theirs / ours, "differences": len(differences)}


def _prestart() -> str:
    from usvn.grading import batch

    ahead = getattr(batch, "PRESTART_PER_JOB", 0)
    return f"{ahead} kernel(s) started ahead per job" if ahead else "no kernel started ahead"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=24)
    parser.add_argument("--lesson", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=(os.cpu_count() or 1) + 1)
    parser.add_argument("--prestart", type=int, default=None, help="kernels started ahead per job (default: 1)")
    parser.add_argument("--only", choices=["lesson", "ordinary"])
    args = parser.parse_args()
    if args.prestart is not None:
        from usvn.grading import batch

        batch.PRESTART_PER_JOB = args.prestart
    if args.only != "ordinary":
        solution = sorted((ROOT / "solutions").glob(f"{args.lesson:02d}-*.ipynb"))[0]
        compare(
            f"this module's exercise {args.lesson:02d}",
            solution,
            lesson_class(ROOT / "exercises" / solution.name, args.students),
            args.jobs,
        )
    if args.only != "lesson":
        import problemset
        from gradingkit import write

        with tempfile.TemporaryDirectory(prefix="usvn-bench-source-") as folder:
            source = write(problemset.source_notebook(), Path(folder) / "problem-set.ipynb")
            compare("an ordinary nbgrader problem set", source, ordinary_class(args.students), args.jobs)


if __name__ == "__main__":
    main()
