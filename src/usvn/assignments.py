"""Exercises, generated from ``solutions/`` (the only hand-edited copies); the student tree is :mod:`usvn.authoring`'s.

A student's copy is the solution notebook passed through small steps, as nbgrader does:
solution regions become stubs, hidden tests and mark schemes are removed, outputs are cleared, and a
"check your work" cell is added at the end. :func:`leaks` proves nothing of the key survived.

>>> from nbformat.v4 import new_code_cell, new_notebook
>>> cell = new_code_cell("x = None\\n### BEGIN SOLUTION\\nx = 42\\n### END SOLUTION",
...     metadata={"nbgrader": {"grade_id": "q1", "solution": True, "grade": False, "locked": False}})
>>> student_version(new_notebook(cells=[cell]), "99-demo").cells[0].source
'x = None\\n# YOUR CODE HERE'
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell

from usvn.grading.source import (
    BEGIN_HIDDEN,
    BEGIN_MARK_SCHEME,
    BEGIN_SOLUTION,
    CODE_STUB,
    END_HIDDEN,
    END_MARK_SCHEME,
    END_SOLUTION,
    TEXT_STUB,
    cell_role,
    read_source,
    split_regions,
    strip_regions,
)

__all__ = ["generate_exercises", "leaks", "student_version"]

MARKERS = (BEGIN_SOLUTION, END_SOLUTION, BEGIN_HIDDEN, END_HIDDEN, BEGIN_MARK_SCHEME, END_MARK_SCHEME)


def check_cells(stem: str) -> list[NotebookNode]:
    """The generated closing cells: how to check, and the check itself."""
    text = new_markdown_cell(
        "## Check your work\n\n"
        "Save the notebook (Ctrl+S), then run the cell below. It runs your saved notebook from the top in a fresh "
        "kernel and applies the **public** checks to each answer. Passing them is a good sign, not a grade: "
        "**hidden tests will also count** when your work is graded, and written answers are graded by hand."
    )
    code = new_code_cell(f'from usvn.grading.student import check_work\ncheck_work("{stem}")')
    for index, cell in enumerate((text, code)):
        cell.metadata["usvn"] = {"generated": "check"}
        cell["id"] = f"usvn-check-{index}"
    return [text, code]


def student_version(source: NotebookNode, stem: str) -> NotebookNode:
    """The exercise notebook students get from a solution notebook."""
    notebook = copy.deepcopy(source)
    cells = []
    for index, cell in enumerate(notebook.cells):
        if cell.get("metadata", {}).get("usvn", {}).get("generated") == "check":
            continue
        where = f"{stem}, cell {index + 1}"
        role = cell_role(cell)
        if role in ("answer", "manual"):
            has_region = any(BEGIN_SOLUTION in line for line in cell.source.split("\n"))
            stub = CODE_STUB if cell.cell_type == "code" else TEXT_STUB
            cell.source = strip_regions(cell.source, BEGIN_SOLUTION, END_SOLUTION, stub, where) if has_region else stub
            if role == "manual" and cell.cell_type == "markdown":
                cell.source = TEXT_STUB
        elif role == "test":
            cell.source = strip_regions(cell.source, BEGIN_HIDDEN, END_HIDDEN, None, where)
        elif role == "task":
            cell.source = strip_regions(cell.source, BEGIN_MARK_SCHEME, END_MARK_SCHEME, None, where)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
        cells.append(cell)
    closing = [
        cell for cell in cells if cell.get("metadata", {}).get("usvn", {}).get("generated") in ("sources", "navigation")
    ]
    for cell in closing:
        if cell.metadata["usvn"]["generated"] == "navigation":  # links between lessons point into notebooks/
            from usvn.data import load_lessons

            title = next(
                (f"{lesson.number:02d} {lesson.title}" for lesson in load_lessons() if lesson.stem == stem), stem
            )
            cell.source = f"Back to the lesson: [{title}](../notebooks/{stem}.ipynb)"
    body = [cell for cell in cells if not any(cell is other for other in closing)]
    notebook.cells = body + check_cells(stem) + closing
    notebook.metadata = {
        key: notebook.metadata[key] for key in ("kernelspec", "language_info") if key in notebook.metadata
    }
    problems = leaks(source, nbformat.writes(notebook))
    if problems:
        raise ValueError(f"{stem}: the student version would leak: {'; '.join(problems[:3])}")
    return notebook


def secret_lines(source: NotebookNode) -> set[str]:
    """Lines that occur only inside solution, hidden-test or mark-scheme regions (or whole manual answers)."""
    secret, public = set(), []
    for cell in source.cells:
        role = cell_role(cell)
        pieces: list[tuple[str, bool]] = [(cell.source, False)]
        if role in ("answer", "manual"):
            has_region = any(BEGIN_SOLUTION in line for line in cell.source.split("\n"))
            pieces = (
                split_regions(cell.source, BEGIN_SOLUTION, END_SOLUTION, "cell")
                if has_region
                else [(cell.source, True)]
            )
        elif role == "test":
            pieces = split_regions(cell.source, BEGIN_HIDDEN, END_HIDDEN, "cell")
        elif role == "task":
            pieces = split_regions(cell.source, BEGIN_MARK_SCHEME, END_MARK_SCHEME, "cell")
        for text, inside in pieces:
            for line in text.split("\n"):
                line = line.strip()
                if inside and len(line) >= 8:
                    secret.add(line)
            if not inside:
                public.append(text)
    public_text = "\n".join(public)
    return {line for line in secret if line not in public_text}


def leaks(source: NotebookNode, text: str) -> list[str]:
    """Solution, hidden-test or mark-scheme text of ``source`` that appears in ``text`` (plus stray markers)."""
    found = [f"marker '{marker}'" for marker in MARKERS if marker in text]
    # JSON escapes quotes and backslashes, so compare with the text as JSON would write it too.
    import json

    for line in sorted(secret_lines(source)):
        if line in text or json.dumps(line)[1:-1] in text:
            found.append(f"line {line[:60]!r}")
    return found


def generate_exercises(solutions: Path, exercises: Path, *, progress: Callable[[str], None] = print) -> list[Path]:
    """Write ``exercises/NN-*.ipynb`` for every ``solutions/NN-*.ipynb``; returns the files written."""
    sources = sorted(Path(solutions).glob("[0-9][0-9]-*.ipynb"))
    if not sources:
        raise FileNotFoundError(f"No solution notebooks (NN-*.ipynb) in {solutions}.")
    Path(exercises).mkdir(parents=True, exist_ok=True)
    written = []
    for path in sources:
        read_source(path)  # refuses a malformed source with a message naming the cell
        notebook = student_version(nbformat.read(path, as_version=4), path.stem)
        target = Path(exercises) / path.name
        text = nbformat.writes(notebook) + "\n"
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            progress(f"wrote {target}")
        written.append(target)
    stale = sorted(set(Path(exercises).glob("[0-9][0-9]-*.ipynb")) - set(written))
    for path in stale:
        progress(f"warning: {path} has no solution notebook; delete it or add solutions/{path.name}")
    return written
