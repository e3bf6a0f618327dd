"""Start a new lesson with every file the module and its tests expect of one (``usvn new-lesson NN slug``).

:func:`new_lesson` adds, for lesson ``NN-slug``:

- its entry in ``src/usvn/data/lessons.yaml`` (title, minutes, summary, objectives);
- ``notebooks/NN-slug.ipynb``: the shared opening and closing headings, the import cell, the quiz with its
  instructor-only key check, and the generated header, download and navigation cells;
- ``solutions/NN-slug.ipynb``: an nbgrader source with one autograded item per objective and one answer graded
  by hand, each naming its objective and track (see :mod:`usvn.coverage`);
- ``src/usvn/data/quiz-NN.yaml``: a question bank with two questions per objective;
- its entry in ``LESSONS`` of ``tests/browser/lessons.py``;

then refreshes what a new lesson changes elsewhere: every notebook's header ("Lesson 04 of 06") and navigation,
``exercises/``, and the generated parts of the README and ``docs/`` (which starts the lesson's instructor page,
``docs/instructor/NN-slug.md``).

Everything a writer must still write is marked ``TO WRITE:``; :func:`unfinished` lists where such marks remain,
and the test suite fails while any does. Then: write the content, run ``usvn refresh`` on the two notebooks,
``usvn generate`` and ``usvn guide``.

>>> check_new_lesson(6, "compare-trade-deals", {"00-start", "01-trace"})
'06-compare-trade-deals'
>>> check_new_lesson(1, "again", {"00-start", "01-trace"})
Traceback (most recent call last):
...
ValueError: lesson 01 exists already (01-trace); pick a free number
"""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

__all__ = ["PLACEHOLDER", "check_new_lesson", "new_lesson", "unfinished"]

#: The mark on everything a writer still has to write (the instructor pages use the same: usvn.guide).
PLACEHOLDER = "TO WRITE:"
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
#: Files and folders searched for a PLACEHOLDER left behind.
_WRITTEN = ("notebooks", "solutions", "src/usvn/data")
LESSONS_FILE = Path("src/usvn/data/lessons.yaml")
BROWSER_LESSONS = Path("tests/browser/lessons.py")
OBJECTIVES = 2


def check_new_lesson(number: int, slug: str, taken: set[str]) -> str:
    """The new lesson's stem, or ``ValueError`` saying why ``number`` and ``slug`` cannot make one beside the
    lessons (or files) whose stems are ``taken``."""
    if not 0 <= number <= 99:
        raise ValueError(f"the lesson number must be 0 to 99, not {number}")
    if not _SLUG.match(slug):
        raise ValueError(f"'{slug}' is not a slug: lowercase words joined by hyphens, such as compare-trade-deals")
    same_number = sorted(stem for stem in taken if stem[:2] == f"{number:02d}")
    if same_number:
        raise ValueError(f"lesson {number:02d} exists already ({', '.join(same_number)}); pick a free number")
    same_slug = sorted(stem for stem in taken if stem[3:] == slug)
    if same_slug:
        raise ValueError(f"the slug '{slug}' is taken by lesson {same_slug[0]}; pick another")
    return f"{number:02d}-{slug}"


def _taken(root: Path) -> set[str]:
    """Stems of the lessons in lessons.yaml and of any lesson file already on disk."""
    import yaml

    records = yaml.safe_load((root / LESSONS_FILE).read_text(encoding="utf-8"))["lessons"]
    stems = {record["stem"] for record in records}
    for folder in ("notebooks", "solutions", "exercises", "docs/instructor"):
        stems |= {path.stem for path in (root / folder).glob("[0-9][0-9]-*.*")}
    stems |= {f"{path.stem[5:]} ({path.name})" for path in (root / "src/usvn/data").glob("quiz-[0-9][0-9].yaml")}
    return stems


def _title(slug: str) -> str:
    """A first title from the slug ("compare-trade-deals" gives "Compare trade deals").

    >>> _title("compare-trade-deals")
    'Compare trade deals'
    """
    return slug.replace("-", " ").capitalize()


def _objective_ids(number: int) -> list[str]:
    return [f"{number:02d}-{letter}" for letter in "abcdefgh"[:OBJECTIVES]]


def _objective_text(objective: str) -> str:
    """The placeholder for one objective, the same in lessons.yaml and the notebook (a test compares them)."""
    return f"{PLACEHOLDER} objective {objective}, a checkable statement that starts with a verb"


# --------------------------------------------------------------------------- the registry and the quiz bank


def lessons_entry(number: int, stem: str, title: str, minutes: int) -> str:
    """The new lesson's entry in lessons.yaml, as YAML text (the file's comments and layout stay as they are)."""
    lines = [
        f"  - number: {number}",
        f"    stem: {stem}",
        f"    title: {title}",
        f"    minutes: {minutes}",
        f'    summary: "{PLACEHOLDER} one sentence on what the student does in this lesson."',
        "    objectives:",
    ]
    for objective in _objective_ids(number):
        lines += [
            f"      - id: {objective}",
            f'        text: "{_objective_text(objective)}"',
        ]
    return "\n".join(lines) + "\n"


def _insert_entry(text: str, number: int, entry: str) -> str:
    """``text`` of lessons.yaml with ``entry`` before the first lesson numbered above ``number`` (else last)."""
    for match in re.finditer(r"^  - number: (\d+)\s*$", text, re.M):
        if int(match[1]) > number:
            return text[: match.start()] + entry + text[match.start() :]
    return text.rstrip("\n") + "\n" + entry


def quiz_bank(number: int) -> str:
    """A question bank of placeholder questions (two per objective; four from lesson 01 on, which need eight in
    all): valid in shape, marked to write.

    The questions are short answers, so the shuffled order of options plays no part until the writer chooses
    other types. ``sources`` names a source id to replace: the bank fails ``usvn check`` until it cites real ones.
    """
    lines = [
        f"# Lesson {number} self-check questions. Each objective needs at least two questions (usvn.coverage);",
        "# lessons from 01 on have at least eight (tests/test_quiz_model.py). Types: multiple_choice,",
        "# multiple_select, numeric, short_text (src/usvn/data/schemas/quiz.schema.json).",
        f"lesson: {number}",
        "questions:",
    ]
    per_objective = 2 if number == 0 else 4  # lessons from 01 on: eight questions in all
    for objective in _objective_ids(number):
        for index in range(1, per_objective + 1):
            lines += [
                f"  - id: {objective}-question-{index}",
                "    type: short_text",
                f"    objective: {objective}",
                f'    prompt: "{PLACEHOLDER} a question on objective {objective}."',
                f'    explanation: "{PLACEHOLDER} why the answer is right, citing its sources."',
                "    sources: [to-write-a-source-id-from-sources-yaml]",
                f'    accepted: ["{PLACEHOLDER} the answer"]',
                f'    feedback_correct: "{PLACEHOLDER} what a right answer shows."',
                f'    feedback_wrong: "{PLACEHOLDER} a hint that does not give the answer away."',
            ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- the notebooks


def lesson_notebook(number: int, title: str) -> NotebookNode:
    """The lesson's own cells (the generated ones are added by :func:`usvn.authoring.apply_generated_cells`)."""
    objectives = "\n".join(f"- {_objective_text(objective)}" for objective in _objective_ids(number))
    cells = [
        new_markdown_cell(
            f"# {title}\n\n"
            f"## What you'll do\n{PLACEHOLDER} one sentence.\n\n"
            f"## What you'll learn\n{objectives}\n\n"
            f"## What you'll need\n{PLACEHOLDER} the lessons and ideas this one builds on.\n\n"
            f"{PLACEHOLDER} keep the objectives above word for word as in `lessons.yaml` (a test compares "
            "them), then delete this line."
        ),
        new_code_cell("from usvn.quiz.model import load_quiz\nfrom usvn.quiz.widgets import show_quiz"),
        new_markdown_cell(
            f"## {PLACEHOLDER} the first section's heading\n\n"
            f"{PLACEHOLDER} short paragraphs, one sentence per line; every factual sentence cites a source "
            "registered in `src/usvn/data/sources.yaml`, as `[any text](#src-<id>)`. "
            "Introduce each code cell with a sentence saying what the reader will see."
        ),
        new_markdown_cell(
            "## Check your understanding\n\n"
            "Answer each question, press **Check answer**, and open **Show explanation** once you have an answer."
        ),
        new_code_cell(f"show_quiz({number})"),
        new_markdown_cell("For instructors: this line checks the answer key without showing it."),
        new_code_cell(f"print(load_quiz({number}).key_check())"),
        new_markdown_cell(f"## Discuss\n\n1. {PLACEHOLDER} a question with more than one defensible answer."),
    ]
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    return notebook


def _grader(grade_id: str, *, solution: bool = False, grade: bool = False, points: float = 0) -> dict:
    data = {"grade": grade, "grade_id": grade_id, "locked": not solution, "schema_version": 3, "solution": solution}
    if grade:
        data["points"] = points
    return {"nbgrader": data}


def _graded(grade_id: str, objective: str, **flags) -> dict:
    return {**_grader(grade_id, grade=True, **flags), "usvn": {"objectives": [objective], "track": "core"}}


def solution_notebook(number: int, title: str) -> NotebookNode:
    """The graded exercise's source: an autograded item per objective and one answer graded by hand."""
    objectives = _objective_ids(number)
    cells = [
        new_markdown_cell(
            f"# Exercise: {title}\n\n## What you'll do\n{PLACEHOLDER} one sentence.\n\n"
            "Write your answers where a cell says `YOUR CODE HERE` or `YOUR ANSWER HERE`; the check cells tell "
            "you whether an answer has the right form.",
            metadata=_grader("intro"),
        ),
        new_code_cell("from usvn.grading.checks import is_instance, passed, same", metadata=_grader("setup")),
    ]
    for index, objective in enumerate(objectives, start=1):
        name = f"answer_{index}"
        cells += [
            new_markdown_cell(
                f"## {index}. {PLACEHOLDER} the task's title (1 point)\n\n"
                f"{PLACEHOLDER} the question on objective {objective}; say what to type in `{name}` and how.",
                metadata=_grader(f"q{index}-question"),
            ),
            new_code_cell(
                f"{name} = None  # {PLACEHOLDER} what kind of value, such as a whole number\n"
                f'### BEGIN SOLUTION\n{name} = "{PLACEHOLDER} the answer"\n### END SOLUTION',
                metadata=_grader(f"q{index}", solution=True),
            ),
            new_code_cell(
                f'is_instance({name}, str, "{name}")\npassed("Question {index}")\n'
                f'### BEGIN HIDDEN TESTS\nsame({name}, "{PLACEHOLDER} the answer", "{name}")\n### END HIDDEN TESTS',
                metadata=_graded(f"q{index}-test", objective, points=1),
            ),
        ]
    written = len(objectives) + 1
    cells += [
        new_markdown_cell(
            f"## {written}. {PLACEHOLDER} the written task's title (2 points, graded by hand)\n\n"
            f"{PLACEHOLDER} the question, and how long an answer should be.",
            metadata=_grader(f"q{written}-question"),
        ),
        new_markdown_cell(
            f"{PLACEHOLDER} a model answer.\n\n**Rubric**\n- 1 point: {PLACEHOLDER} what earns it.\n"
            f"- 1 point: {PLACEHOLDER} what earns it.",
            metadata=_graded(f"q{written}", objectives[0], solution=True, points=2),
        ),
    ]
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    for cell in notebook.cells:
        cell["id"] = cell.metadata.get("nbgrader", {}).get("grade_id") or cell["id"]
    return notebook


def _browser_entry(text: str, stem: str) -> str:
    """``tests/browser/lessons.py`` with the new lesson in ``LESSONS`` (its quiz; add its widgets' interactions)."""
    match = re.search(r"^LESSONS: dict\[str, tuple\[str, \.\.\.\]\] = \{\n(.*?)^\}", text, re.M | re.S)
    if match is None:
        raise ValueError(f"{BROWSER_LESSONS} has no `LESSONS: dict[str, tuple[str, ...]] = {{...}}` to add to")
    return text[: match.end(1)] + f'    "{stem}": ("quiz",),\n' + text[match.end(1) :]


# --------------------------------------------------------------------------- the whole step


def _package_root() -> Path:
    return Path(str(resources.files("usvn"))).resolve().parent.parent


def new_lesson(
    root: Path,
    number: int,
    slug: str,
    *,
    title: str | None = None,
    minutes: int = 60,
    progress: Callable[[str], None] = print,
) -> str:
    """Add lesson ``number`` (``NN-slug``) to the module in ``root``; returns its stem.

    ``ValueError`` (nothing written) when the number or the slug is taken, the slug is malformed, or ``root``
    is not the checkout the ``usvn`` package is installed from (the registry is read through the package).
    """
    from usvn import data
    from usvn.assignments import generate_exercises
    from usvn.authoring import apply_generated_cells
    from usvn.guide import refresh_docs
    from usvn.loader import forget_read_files

    root = Path(root).resolve()
    if not (root / LESSONS_FILE).is_file():
        raise ValueError(f"no {LESSONS_FILE} in {root}: run this in the module's top folder or pass --root")
    if _package_root() != root:
        raise ValueError(
            f"the usvn package in use is installed from {_package_root()}, not {root}: "
            f"run the usvn command of that checkout (`pip install -e .` there)"
        )
    stem = check_new_lesson(number, slug, _taken(root))
    title = title or _title(slug)
    if not 5 <= minutes <= 240:
        raise ValueError(f"minutes must be 5 to 240, not {minutes}")
    browser = (root / BROWSER_LESSONS).read_text(encoding="utf-8")
    browser = _browser_entry(browser, stem)  # before anything is written: a failure here leaves no half lesson
    registry = root / LESSONS_FILE
    registry.write_text(
        _insert_entry(registry.read_text(encoding="utf-8"), number, lessons_entry(number, stem, title, minutes)),
        encoding="utf-8",
    )
    forget_read_files()  # the registry just changed under the package's caches
    data.load_lessons.cache_clear()
    written = [str(LESSONS_FILE)]
    quiz = root / "src/usvn/data" / f"quiz-{number:02d}.yaml"
    quiz.write_text(quiz_bank(number), encoding="utf-8")
    written.append(str(quiz.relative_to(root)))
    for folder, build in (("notebooks", lesson_notebook), ("solutions", solution_notebook)):
        nbformat.write(build(number, title), root / folder / f"{stem}.ipynb")
        written.append(f"{folder}/{stem}.ipynb")
    (root / BROWSER_LESSONS).write_text(browser, encoding="utf-8")
    written.append(str(BROWSER_LESSONS))
    for line in written:
        progress(f"wrote {line}")
    # Every header says "Lesson NN of MM" and the lesson before links to this one: regenerate those cells.
    for path in sorted((root / "notebooks").glob("[0-9][0-9]-*.ipynb")) + sorted(
        (root / "solutions").glob("[0-9][0-9]-*.ipynb")
    ):
        notebook = nbformat.read(path, as_version=4)
        before = nbformat.writes(notebook)
        apply_generated_cells(notebook, path.stem)
        if nbformat.writes(notebook) != before:
            nbformat.write(notebook, path)
            progress(f"updated the generated cells of {path.relative_to(root)}")
    generate_exercises(root / "solutions", root / "exercises", progress=progress)
    for line in refresh_docs(root).changed:
        progress(line)
    return stem


def unfinished(root: Path) -> list[str]:
    """Files of the lessons, their exercises and the course data that still hold a ``TO WRITE:`` mark."""
    root = Path(root)
    found = []
    for folder in _WRITTEN:
        for path in sorted((root / folder).iterdir()):
            if path.suffix in (".ipynb", ".yaml") and PLACEHOLDER in path.read_text(encoding="utf-8"):
                found.append(path.relative_to(root).as_posix())
    return found
