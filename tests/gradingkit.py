"""Synthetic nbgrader-format source notebooks and submissions, built in memory with nbformat.v4."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def meta(grade_id, *, solution=False, grade=False, locked=False, points=0, task=False):
    data = {"grade_id": grade_id, "solution": solution, "grade": grade, "locked": locked, "schema_version": 3}
    if grade or task:
        data["points"] = points
    if task:
        data["task"] = True
    return {"nbgrader": data}


def cell(kind, source, grade_id=None, cell_id=None, **flags):
    make = new_code_cell if kind == "code" else new_markdown_cell
    made = make(source, metadata=meta(grade_id, **flags) if grade_id else {})
    made["id"] = cell_id or (grade_id or f"c{abs(hash(source)) % 10**8}")
    return made


def notebook_of(cells):
    """A notebook of ``cells`` for the Python 3 kernel, as a grading source or submission."""
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


def source_notebook():
    """Four autograded items (a choice, a number, a list of event ids, a function) and one by hand."""
    cells = [
        cell("markdown", "# Practice set", "intro", locked=True),
        cell("code", "from usvn.grading.checks import same, one_of, close, same_items, answered", "setup", locked=True),
        cell("markdown", "**Q1.** Which letter? Options: a, b, c."),
        cell(
            "code",
            'choice = None  # your letter\n### BEGIN SOLUTION\nchoice = "b"\n### END SOLUTION',
            "q1",
            solution=True,
        ),
        cell(
            "code",
            'from usvn.grading.checks import one_of\none_of(choice, ["a", "b", "c"], "choice")\n'
            '### BEGIN HIDDEN TESTS\nfrom usvn.grading.checks import same\nsame(choice, "b", "choice")\n'
            "### END HIDDEN TESTS",
            "q1-test",
            grade=True,
            locked=True,
            points=1,
        ),
        cell("markdown", "**Q2.** How many?"),
        cell("code", "count = None\n### BEGIN SOLUTION\ncount = 6\n### END SOLUTION", "q2", solution=True),
        cell(
            "code",
            'from usvn.grading.checks import is_instance\nis_instance(count, int, "count")\n'
            '### BEGIN HIDDEN TESTS\nfrom usvn.grading.checks import same\nsame(count, 6, "count")\n'
            "### END HIDDEN TESTS",
            "q2-test",
            grade=True,
            locked=True,
            points=2,
        ),
        cell("markdown", "**Q3.** Which events?"),
        cell("code", 'ids = []\n### BEGIN SOLUTION\nids = ["a-1", "b-2"]\n### END SOLUTION', "q3", solution=True),
        cell(
            "code",
            'from usvn.grading.checks import is_instance\nis_instance(ids, list, "ids")\n'
            "### BEGIN HIDDEN TESTS\nfrom usvn.grading.checks import same_items\n"
            'same_items(ids, ["a-1", "b-2"], "ids")\n### END HIDDEN TESTS',
            "q3-test",
            grade=True,
            locked=True,
            points=2,
        ),
        cell("markdown", "**Q4.** Write `weighted(scores, weights)`."),
        cell(
            "code",
            "def weighted(scores, weights):\n    ### BEGIN SOLUTION\n"
            "    return sum(s * w for s, w in zip(scores, weights)) / sum(weights)\n    ### END SOLUTION",
            "q4",
            solution=True,
        ),
        cell(
            "code",
            'from usvn.grading.checks import close\nclose(weighted([1, 3], [1, 1]), 2.0, "weighted([1, 3], [1, 1])")\n'
            '### BEGIN HIDDEN TESTS\nclose(weighted([2, 0, 4], [1, 2, 1]), 1.5, "weighted")\n'
            "### END HIDDEN TESTS",
            "q4-test",
            grade=True,
            locked=True,
            points=3,
        ),
        cell("markdown", "**Q5.** Explain in two sentences."),
        cell(
            "markdown",
            "### BEGIN SOLUTION\nA model answer.\n\n**Rubric**\n- 2: two reasons\n- 1: one reason\n### END SOLUTION",
            "q5",
            solution=True,
            grade=True,
            points=2,
        ),
    ]
    return notebook_of(cells)


CORRECT = {
    "q1": 'choice = "b"',
    "q2": "count = 6",
    "q3": 'ids = ["b-2", "a-1"]',
    "q4": "def weighted(scores, weights):\n    return sum(s * w for s, w in zip(scores, weights)) / sum(weights)",
    "q5": "Because of A. And because of B.",
}


def submission(answers=None, *, edit=None, extra_cells=(), kernelspec=None, drop=()):
    """A student's notebook from the source: answers by grade_id (defaults: correct), optional edits."""
    from usvn.assignments import student_version

    answers = {**CORRECT, **(answers or {})}
    notebook = student_version(source_notebook(), "ps")
    cells = []
    for item in notebook.cells:
        grade_id = item.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in drop:
            continue
        if grade_id in answers and item.metadata["nbgrader"]["solution"]:
            item.source = answers[grade_id]
        if edit and grade_id in edit:
            item.source = edit[grade_id]
        cells.append(item)
        for after, extra in extra_cells:
            if after == grade_id:
                cells.append(new_code_cell(extra))
    notebook.cells = cells
    if kernelspec is not None:
        notebook.metadata["kernelspec"] = kernelspec
    return notebook


def write(notebook, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


def nbgrader_scores(
    source: Path, notebooks: dict, work: Path, timing: dict | None = None
) -> dict[str, dict[str, float]]:
    """Autograde ``{student: notebook}`` with nbgrader itself; ``{student: {grade_id: auto score}}``.

    ``timing["seconds"]`` receives the time ``nbgrader autograde`` took (setup not counted).

    The notebooks are written as ``submitted/<student>/ps/<source name>``, as nbgrader's exchange leaves them.
    """
    import os
    import shutil
    import subprocess
    import sys

    course = work / "course"
    (course / "source" / "ps").mkdir(parents=True)
    shutil.copy(source, course / "source" / "ps" / source.name)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
    db = f"sqlite:///{work / 'gradebook.db'}"
    common = [f"--CourseDirectory.root={course}", f"--db={db}"]
    base = [sys.executable, "-m", "nbgrader"]
    subprocess.run(
        [*base, "generate_assignment", "ps", "--force", *common], check=True, env=env, cwd=course, capture_output=True
    )
    for student, notebook in notebooks.items():
        write(notebook, course / "submitted" / student / "ps" / source.name)
    import time

    started = time.perf_counter()
    done = subprocess.run(
        [*base, "autograde", "ps", "--create", "--force", *common], env=env, cwd=course, capture_output=True, text=True
    )
    if timing is not None:
        timing["seconds"] = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader autograde failed:\n{done.stderr[-3000:]}")
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(db) as gradebook:
        for student in notebooks:
            found = gradebook.find_submission_notebook(source.stem, "ps", student)
            scores[student] = {grade.name: grade.auto_score for grade in found.grades if grade.auto_score is not None}
    return scores
