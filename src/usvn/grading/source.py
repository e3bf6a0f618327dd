"""Read an nbgrader-format source notebook: its graded items, locked cells and answer names.

The format is nbgrader's own: cell metadata ``nbgrader`` with ``grade_id``, ``points``, ``solution``,
``grade``, ``locked`` (and ``task``), and the markers ``### BEGIN SOLUTION`` / ``### END SOLUTION`` and
``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS``. A source notebook of this module is therefore also
an nbgrader source notebook.

What this module adds is the reading the grader needs, so that the key never enters a student's kernel:

- a *test cell* is split into public and hidden segments, which the grader runs in its own process;
- the source's locked code cells (and the imports of its other instructor cells) are the *setup* the
  grader runs in its own process, so test code sees the instructor's data (``COUNTRIES``, ``WEIGHTS``);
- the names a test cell reads that neither the setup nor an earlier test cell defines (or that an answer
  cell assigns) are the *answers*: the student's values, or stand-ins that call the student's function
  in the student's kernel (see :mod:`usvn.grading.wire`).

>>> from nbformat.v4 import new_code_cell, new_notebook
>>> answer = new_code_cell("x = 1", metadata={"nbgrader": {"grade_id": "q1", "solution": True,
...     "grade": False, "locked": False, "points": 0, "schema_version": 3}})
>>> test = new_code_cell("assert isinstance(x, int)\\n### BEGIN HIDDEN TESTS\\nassert x == 2\\n### END HIDDEN TESTS",
...     metadata={"nbgrader": {"grade_id": "q1-test", "solution": False, "grade": True, "locked": True,
...     "points": 2, "schema_version": 3}})
>>> spec = read_source(new_notebook(cells=[answer, test]))
>>> [(item.grade_id, item.kind, item.points, item.answers) for item in spec.items]
[('q1-test', 'auto', 2.0, ('x',))]
>>> [segment.hidden for segment in spec.items[0].segments]
[False, True]
"""

from __future__ import annotations

import ast
import builtins
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

__all__ = [
    "BEGIN_HIDDEN",
    "BEGIN_SOLUTION",
    "CODE_STUB",
    "END_HIDDEN",
    "END_SOLUTION",
    "Item",
    "Segment",
    "SourceError",
    "SourceSpec",
    "TEXT_STUB",
    "cell_role",
    "grade_meta",
    "read_source",
]

BEGIN_SOLUTION, END_SOLUTION = "BEGIN SOLUTION", "END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"
BEGIN_MARK_SCHEME, END_MARK_SCHEME = "BEGIN MARK SCHEME", "END MARK SCHEME"
#: What replaces a solution region in a student's copy. nbgrader's default adds ``raise NotImplementedError()``;
#: this module's exercises leave the starter line above the region to run, so a student sees a check's message.
CODE_STUB = "# YOUR CODE HERE"
TEXT_STUB = "YOUR ANSWER HERE"
_RUBRIC_HEADING = re.compile(r"^\s*(\*\*Rubric\.?\*\*|#+\s*Rubric|Rubric:)", re.I)


class SourceError(ValueError):
    """A source notebook breaks the format; the message names the cell and the fix."""


@dataclass(frozen=True)
class Segment:
    """A run of test code, public (students see it) or hidden (only the grader has it)."""

    code: str
    hidden: bool


@dataclass(frozen=True)
class Item:
    """One graded item: an autograded test cell, or a manually graded answer or task."""

    grade_id: str
    points: float
    kind: str  # "auto" or "manual"
    cell_id: str
    segments: tuple[Segment, ...] = ()
    answers: tuple[str, ...] = ()  # the student's names the test reads
    prompt: str = ""
    rubric: str = ""
    model_answer: str = ""
    track: str = "core"  # "data-skills": an optional track, totalled apart in the gradebook


#: Where a graded cell may name its track: ``metadata.usvn.track`` ("core" or "data-skills"); no metadata is core.
TRACK_KEY = ("usvn", "track")


def _track(cell) -> str:
    holder = cell.get("metadata", {}).get(TRACK_KEY[0])
    track = holder.get(TRACK_KEY[1]) if isinstance(holder, dict) else None
    return track if track in ("core", "data-skills") else "core"


@dataclass
class SourceSpec:
    """Everything the generator and the grader read from one source notebook."""

    notebook: NotebookNode
    items: list[Item]
    locked: dict[str, NotebookNode] = field(default_factory=dict)  # grade_id -> source cell (locked or test)
    answer_cells: dict[str, NotebookNode] = field(default_factory=dict)  # grade_id -> solution cell
    digest: str = ""
    path: Path | None = None
    setup: list[tuple[str, str]] = field(default_factory=list)  # (cell label, code) the grader runs first

    @property
    def max_points(self) -> float:
        return sum(item.points for item in self.items)

    @property
    def auto_items(self) -> list[Item]:
        return [item for item in self.items if item.kind == "auto"]

    @property
    def manual_items(self) -> list[Item]:
        return [item for item in self.items if item.kind == "manual"]

    def answer_names(self) -> list[str]:
        names: dict[str, None] = {}
        for item in self.auto_items:
            names.update(dict.fromkeys(item.answers))
        return list(names)


def grade_meta(cell: NotebookNode) -> dict:
    """The cell's ``nbgrader`` metadata, or an empty dict."""
    meta = cell.get("metadata", {}).get("nbgrader")
    return meta if isinstance(meta, dict) else {}


def cell_role(cell: NotebookNode) -> str | None:
    """``answer`` (autograded answer), ``test``, ``manual`` (manually graded answer), ``task``, ``locked`` or None.

    >>> from nbformat.v4 import new_markdown_cell
    >>> cell_role(new_markdown_cell("x", metadata={"nbgrader": {"solution": True, "grade": True, "locked": False,
    ...     "grade_id": "q", "points": 1}}))
    'manual'
    """
    meta = grade_meta(cell)
    if not meta:
        return None
    if meta.get("task"):
        return "task"
    solution, grade = bool(meta.get("solution")), bool(meta.get("grade"))
    if solution and grade:
        return "manual"
    if solution:
        return "answer"
    if grade:
        return "test"
    if meta.get("locked"):
        return "locked"
    return None


def split_regions(source: str, begin: str, end: str, where: str) -> list[tuple[str, bool]]:
    """Split text into ``(text, inside)`` runs between marker lines (marker lines dropped).

    >>> split_regions("a\\n### BEGIN HIDDEN TESTS\\nb\\n### END HIDDEN TESTS\\nc", BEGIN_HIDDEN, END_HIDDEN, "cell")
    [('a', False), ('b', True), ('c', False)]
    """
    runs: list[tuple[list[str], bool]] = [([], False)]
    for line in source.split("\n"):
        if begin in line:
            if runs[-1][1]:
                raise SourceError(f"{where}: '{begin}' inside another '{begin}' region; close the first one.")
            runs.append(([], True))
        elif end in line:
            if not runs[-1][1]:
                raise SourceError(f"{where}: '{end}' without a '{begin}' above it.")
            runs.append(([], False))
        else:
            runs[-1][0].append(line)
    if runs[-1][1]:
        raise SourceError(f"{where}: '{begin}' is never closed with '{end}'.")
    return [("\n".join(lines), inside) for lines, inside in runs if lines or inside]


def strip_regions(source: str, begin: str, end: str, stub: str | None, where: str = "cell") -> str:
    r"""Replace each marked region with ``stub`` (indented like its marker), or drop it when ``stub`` is None.

    >>> strip_regions("a\n### BEGIN HIDDEN TESTS\nb\n### END HIDDEN TESTS", BEGIN_HIDDEN, END_HIDDEN, None)
    'a'
    """
    indent = ""
    for line in source.split("\n"):
        if begin in line:
            indent = line[: len(line) - len(line.lstrip())]
            break
    lines: list[str] = []
    for text, inside in split_regions(source, begin, end, where):
        if inside:
            if stub is not None:
                lines.extend(indent + line for line in stub.split("\n"))
        elif text or not lines:
            lines.append(text)
    return "\n".join(lines).strip("\n")


def public_source(cell: NotebookNode) -> str:
    """What students see of a locked, test or task cell: hidden tests and mark schemes removed."""
    role = cell_role(cell)
    if role == "test":
        return strip_regions(cell.source, BEGIN_HIDDEN, END_HIDDEN, None)
    if role == "task":
        return strip_regions(cell.source, BEGIN_MARK_SCHEME, END_MARK_SCHEME, None)
    return cell.source


def _defined(tree: ast.AST) -> set[str]:
    """Names a piece of code binds at any level (assignments, imports, functions, classes, loop targets)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names if alias.name != "*")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return names


def _reads(tree: ast.AST, defined: set[str]) -> list[str]:
    """Names the code reads that it does not bind itself, in order of first use."""
    builtin = set(dir(builtins))
    reads: dict[str, None] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Load)
            and node.id not in defined
            and node.id not in builtin
        ):
            reads.setdefault(node.id, None)
    return list(reads)


def without_magics(code: str) -> str:
    """Code with IPython magics and shell lines (``%matplotlib inline``, ``!pip ...``) dropped."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in code.split("\n"))


def _parse(code: str, where: str, what: str) -> ast.AST:
    try:
        return ast.parse(without_magics(code))
    except SyntaxError as error:
        raise SourceError(f"{where}: the {what} is not valid Python ({error.msg}, line {error.lineno}).") from None


def _rubric_parts(text: str) -> tuple[str, str]:
    """Split a manually graded cell's source into its model answer and its rubric."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if _RUBRIC_HEADING.match(line):
            return "\n".join(lines[:index]).strip(), "\n".join(lines[index:]).strip()
    runs = split_regions(text, BEGIN_MARK_SCHEME, END_MARK_SCHEME, "task cell")
    scheme = "\n".join(part for part, inside in runs if inside).strip()
    if scheme:
        return "\n".join(part for part, inside in runs if not inside).strip(), scheme
    return text.strip(), ""


def read_source(notebook: NotebookNode | str | Path) -> SourceSpec:
    """Parse a source notebook (a path or a notebook) into a :class:`SourceSpec`; raises :class:`SourceError`."""
    path = None
    if not isinstance(notebook, NotebookNode):
        path = Path(notebook)
        try:
            notebook = nbformat.read(path, as_version=4)
        except FileNotFoundError:
            raise SourceError(f"Source notebook not found: {path}") from None
        except Exception as error:  # noqa: BLE001 - nbformat raises several kinds for a broken file
            raise SourceError(f"Source notebook {path} cannot be read: {error}") from None
    items: list[Item] = []
    locked: dict[str, NotebookNode] = {}
    answer_cells: dict[str, NotebookNode] = {}
    seen: set[str] = set()
    previous_markdown = ""
    setup, setup_names, solution_names = _setup(notebook)
    test_names: set[str] = set()
    for index, cell in enumerate(notebook.cells):
        role = cell_role(cell)
        meta = grade_meta(cell)
        where = f"cell {index + 1}"
        if role is None:
            if cell.cell_type == "markdown":
                previous_markdown = cell.source
            continue
        grade_id = str(meta.get("grade_id") or "").strip()
        if not grade_id:
            raise SourceError(f"{where}: an nbgrader cell needs a grade_id.")
        where = f"cell {index + 1} ('{grade_id}')"
        if grade_id in seen:
            raise SourceError(f"{where}: grade_id '{grade_id}' is used twice; each must be unique.")
        seen.add(grade_id)
        try:
            points = float(meta.get("points", 0) or 0)
        except (TypeError, ValueError):
            raise SourceError(f"{where}: points must be a number.") from None
        if role in ("test", "manual", "task") and points <= 0:
            raise SourceError(f"{where}: a graded cell needs points > 0.")
        cell_id = cell.get("id", "")
        if role == "answer":
            answer_cells[grade_id] = cell
            split_regions(cell.source, BEGIN_SOLUTION, END_SOLUTION, where)
        elif role == "test":
            if cell.cell_type != "code":
                raise SourceError(f"{where}: a test cell must be a code cell.")
            locked[grade_id] = cell
            runs = split_regions(cell.source, BEGIN_HIDDEN, END_HIDDEN, where)
            segments = tuple(Segment(code, hidden) for code, hidden in runs if code.strip())
            tree = _parse(cell.source, where, "test code")
            own = _defined(tree)
            reads = [
                name
                for name in _reads(tree, own)
                if name in solution_names or (name not in setup_names and name not in test_names)
            ]
            test_names |= own
            items.append(Item(grade_id, points, "auto", cell_id, segments, tuple(reads), track=_track(cell)))
        elif role in ("manual", "task"):
            answer_cells[grade_id] = cell
            if role == "task":
                locked[grade_id] = cell
            body = (
                "\n".join(
                    part for part, inside in split_regions(cell.source, BEGIN_SOLUTION, END_SOLUTION, where) if inside
                )
                or cell.source
            )
            model, rubric = _rubric_parts(body if role == "manual" else cell.source)
            items.append(
                Item(
                    grade_id,
                    points,
                    "manual",
                    cell_id,
                    prompt=previous_markdown.strip(),
                    rubric=rubric or "(no rubric written in the source)",
                    model_answer=model,
                    track=_track(cell),
                )
            )
        elif role == "locked":
            locked[grade_id] = cell
        if cell.cell_type == "markdown":
            previous_markdown = cell.source
    if not items:
        raise SourceError("The source notebook has no graded cells (nbgrader metadata with grade: true).")
    digest = hashlib.sha256(json.dumps(notebook, sort_keys=True).encode()).hexdigest()
    return SourceSpec(notebook, items, locked, answer_cells, digest, path.resolve() if path else None, setup)


def _setup(notebook: NotebookNode) -> tuple[list[tuple[str, str]], set[str], set[str]]:
    """The instructor code the grader runs before the tests, the names it defines, and the answer cells' names.

    Locked code cells run whole, in order, unless they use a name an answer cell sets (a cell that shows the
    student's chart, say: it needs the student's values, so only the student's kernel runs it). Other
    instructor cells (code cells without nbgrader metadata, which students could edit) give only their imports.
    """
    solution_names: set[str] = set()
    for index, cell in enumerate(notebook.cells):
        if cell.get("cell_type") == "code" and cell_role(cell) == "answer":
            solution_names |= _defined(_parse(cell.source, f"cell {index + 1}", "answer cell"))
    setup: list[tuple[str, str]] = []
    names: set[str] = set()
    imports = []
    for index, cell in enumerate(notebook.cells):
        if cell.get("cell_type") != "code":
            continue
        role = cell_role(cell)
        grade_id = str(grade_meta(cell).get("grade_id") or "")
        where = f"cell {index + 1}" + (f" ('{grade_id}')" if grade_id else "")
        if role == "locked":
            tree = _parse(cell.source, where, "locked cell")
            defined = _defined(tree)
            if set(_reads(tree, defined)) & (solution_names - names):
                continue
            setup.append((where, without_magics(cell.source)))
            names |= defined
        elif role is None:
            try:
                tree = ast.parse(without_magics(cell.source))
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, (ast.Import, ast.ImportFrom)) and not any(
                    alias.name == "*" for alias in node.names
                ):
                    imports.append(ast.unparse(node))
                    names |= _defined(node)
    if imports:
        setup.insert(0, ("the imports of the unlocked cells", "\n".join(imports)))
    return setup, names, solution_names
