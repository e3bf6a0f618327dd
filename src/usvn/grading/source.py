"""Read an nbgrader-format source notebook: its graded items, locked cells and answer names.

The format is nbgrader's own: cell metadata ``nbgrader`` with ``grade_id``, ``points``, ``solution``,
``grade``, ``locked`` (and ``task``), and the markers ``### BEGIN SOLUTION`` / ``### END SOLUTION`` and
``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS``. A source notebook of this module is therefore also
an nbgrader source notebook.

What this module adds is the reading the grader needs, so that the key never enters a student's kernel:

- a *test cell* is split into public and hidden segments, which the grader runs in its own process;
- the names a test cell reads but does not define are the *answers* to pull out of the student's kernel;
- a call in a test cell to such a name with literal arguments, ``share_of([1, 2], 1)``, is a *probe*:
  the student's function is called in the student's kernel on those arguments and only the result returns.

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
    "Probe",
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
class Probe:
    """A call the grader wants made on a student's function: ``name(*args)`` with literal arguments."""

    name: str
    args: tuple

    @property
    def key(self) -> str:
        from usvn.grading.wire import call_key

        return call_key(self.args)


@dataclass(frozen=True)
class Item:
    """One graded item: an autograded test cell, or a manually graded answer or task."""

    grade_id: str
    points: float
    kind: str  # "auto" or "manual"
    cell_id: str
    segments: tuple[Segment, ...] = ()
    answers: tuple[str, ...] = ()
    probes: tuple[Probe, ...] = ()
    prompt: str = ""
    rubric: str = ""
    model_answer: str = ""


@dataclass
class SourceSpec:
    """Everything the generator and the grader read from one source notebook."""

    notebook: NotebookNode
    items: list[Item]
    locked: dict[str, NotebookNode] = field(default_factory=dict)  # grade_id -> source cell (locked or test)
    answer_cells: dict[str, NotebookNode] = field(default_factory=dict)  # grade_id -> solution cell
    digest: str = ""
    path: Path | None = None
    preamble: str = ""  # import statements of the locked cells, run before each test cell in the grader

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

    def probes(self) -> list[Probe]:
        found: dict[tuple[str, str], Probe] = {}
        for item in self.auto_items:
            for probe in item.probes:
                found.setdefault((probe.name, probe.key), probe)
        return list(found.values())


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


def _imports(cells: list[NotebookNode]) -> tuple[str, set[str]]:
    """The import statements of locked code cells: test cells may use what they import (checks, data loaders)."""
    statements, names = [], set()
    for cell in cells:
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)) and not any(alias.name == "*" for alias in node.names):
                statements.append(ast.unparse(node))
                names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return "\n".join(statements), names


def _free_names(code: str, where: str, known: set[str] = frozenset()) -> tuple[list[str], list[Probe]]:
    """Names the test code reads without defining them, and literal calls on them (probes)."""
    try:
        tree = ast.parse(code)
    except SyntaxError as error:
        raise SourceError(f"{where}: the test code is not valid Python ({error.msg}, line {error.lineno}).") from None
    defined = set(dir(builtins)) | set(known)
    constants: dict[str, object] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            defined.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            defined.add(node.id)
        elif isinstance(node, ast.arg):
            defined.add(node.arg)
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                constants[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                pass
    reads: dict[str, None] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in defined:
            reads.setdefault(node.id, None)
    probes = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in reads:
            if node.keywords:
                raise SourceError(f"{where}: call {node.func.id}(...) with positional arguments only.")
            args = []
            for arg in node.args:
                if isinstance(arg, ast.Name) and arg.id in constants:
                    args.append(constants[arg.id])
                    continue
                try:
                    args.append(ast.literal_eval(arg))
                except ValueError:
                    raise SourceError(
                        f"{where}: the grader calls a student's function only on literal arguments "
                        f"(numbers, strings, lists, dicts, tuples, or a name assigned one in the same cell); "
                        f"'{ast.unparse(arg)}' in {node.func.id}(...) is not one."
                    ) from None
            probes.append(Probe(node.func.id, tuple(args)))
    return list(reads), probes


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
        except Exception as error:  # nbformat raises several kinds for a broken file
            raise SourceError(f"Source notebook {path} cannot be read: {error}") from None
    items: list[Item] = []
    locked: dict[str, NotebookNode] = {}
    answer_cells: dict[str, NotebookNode] = {}
    seen: set[str] = set()
    previous_markdown = ""
    preamble, imported = _imports([cell for cell in notebook.cells
                                   if cell.get("cell_type") == "code" and cell_role(cell) == "locked"])
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
            reads, probes = _free_names(cell.source, where, imported)
            items.append(Item(grade_id, points, "auto", cell_id, segments, tuple(reads), tuple(probes)))
        elif role in ("manual", "task"):
            answer_cells[grade_id] = cell
            if role == "task":
                locked[grade_id] = cell
            body = "\n".join(part for part, inside in split_regions(cell.source, BEGIN_SOLUTION, END_SOLUTION, where)
                             if inside) or cell.source
            model, rubric = _rubric_parts(body if role == "manual" else cell.source)
            items.append(Item(grade_id, points, "manual", cell_id, prompt=previous_markdown.strip(),
                              rubric=rubric or "(no rubric written in the source)", model_answer=model))
        elif role == "locked":
            locked[grade_id] = cell
        if cell.cell_type == "markdown":
            previous_markdown = cell.source
    if not items:
        raise SourceError("The source notebook has no graded cells (nbgrader metadata with grade: true).")
    digest = hashlib.sha256(json.dumps(notebook, sort_keys=True).encode()).hexdigest()
    return SourceSpec(notebook, items, locked, answer_cells, digest, path.resolve() if path else None, preamble)
