"""Which quiz questions and graded exercise items assess which objective, and what the core track may ask.

Every objective in ``lessons.yaml`` is assessed by at least :data:`MIN_QUIZ` self-check questions (their
``objective`` field in ``quiz-NN.yaml``) and at least :data:`MIN_CORE` graded item of the core track. A graded
item is a cell of ``solutions/NN-<stem>.ipynb`` with ``nbgrader.grade`` true (an autograded test cell or a written
answer graded by hand); it carries ``metadata.usvn``::

    {"objectives": ["03-c"], "track": "core"}        # or "track": "data-skills"

Core items never ask students to program: the code a student writes for them (the solution's answer cells) holds
no ``def``, ``lambda``, ``class``, loop or comprehension (:func:`core_code_problems`). Data-skills items are
optional, graded separately, and labelled so in the notebook ("Optional: data-skills track, graded separately").

The functions take plain data (lessons, bank records, notebooks), so tests run them on synthetic examples;
:func:`module_problems` and :func:`lesson_coverage` read the module's own files.

>>> from usvn.data import Lesson, Objective
>>> lesson = Lesson(9, "09-demo", "Demo", 10, "A demo.", (Objective("09-a", "Do a thing."),))
>>> coverage = lesson_coverage(lesson, [{"id": "q1", "objective": "09-a"}], None)
>>> coverage.problems()
['09-a: 1 quiz question (needs 2)', '09-a: no core graded item (needs 1)', 'no solutions notebook for lesson 09']
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from usvn.data import Lesson, Objective, data_files, load_data, load_lessons
from usvn.grading.source import SourceError, cell_role, grade_meta, read_source

__all__ = [
    "DATA_SKILLS_LABEL",
    "MIN_CORE",
    "MIN_QUIZ",
    "TRACKS",
    "GradedItem",
    "LessonCoverage",
    "ObjectiveCoverage",
    "core_code_problems",
    "graded_items",
    "lesson_coverage",
    "lesson_problems",
    "module_coverage",
    "module_problems",
]

MIN_QUIZ = 2
MIN_CORE = 1
TRACKS = ("core", "data-skills")
#: The words that must introduce each data-skills item in a solutions notebook (case does not matter).
DATA_SKILLS_LABEL = "Optional: data-skills track, graded separately"
#: Python that counts as programming, which core items never ask for.
_PROGRAMMING = {
    ast.FunctionDef: "a function definition (def)",
    ast.AsyncFunctionDef: "a function definition (async def)",
    ast.Lambda: "a lambda",
    ast.ClassDef: "a class definition",
    ast.For: "a for loop",
    ast.AsyncFor: "a for loop",
    ast.While: "a while loop",
    ast.ListComp: "a list comprehension",
    ast.SetComp: "a set comprehension",
    ast.DictComp: "a dict comprehension",
    ast.GeneratorExp: "a generator expression",
}


@dataclass(frozen=True)
class GradedItem:
    """One graded cell of a solutions notebook and what its ``usvn`` metadata says it assesses."""

    grade_id: str
    kind: str  # "test" (autograded) or "written" (graded by hand)
    points: float
    objectives: tuple[str, ...]
    track: str | None  # None: no valid metadata (reported as a problem)


@dataclass
class ObjectiveCoverage:
    objective: Objective
    quiz: list[str] = field(default_factory=list)
    core: list[str] = field(default_factory=list)
    data_skills: list[str] = field(default_factory=list)

    @property
    def gaps(self) -> list[str]:
        gaps = []
        if len(self.quiz) < MIN_QUIZ:
            gaps.append(f"{len(self.quiz)} quiz question{'' if len(self.quiz) == 1 else 's'} (needs {MIN_QUIZ})")
        if len(self.core) < MIN_CORE:
            gaps.append(f"no core graded item (needs {MIN_CORE})")
        return gaps


@dataclass
class LessonCoverage:
    lesson: Lesson
    objectives: list[ObjectiveCoverage]
    items: list[GradedItem]
    metadata_problems: list[str]
    has_solutions: bool

    def problems(self) -> list[str]:
        """Every gap and metadata problem, each naming the objective or the cell."""
        found = [f"{entry.objective.id}: {gap}" for entry in self.objectives for gap in entry.gaps]
        if not self.has_solutions:
            found.append(f"no solutions notebook for lesson {self.lesson.number:02d}")
        return found + self.metadata_problems


def _objectives_of(meta: object) -> tuple[tuple[str, ...], str | None, list[str]]:
    """(objectives, track, problems) from a cell's ``usvn`` metadata."""
    if not isinstance(meta, dict):
        return (), None, ['has no usvn metadata (add `{"objectives": [...], "track": "core"}`)']
    problems = []
    objectives = meta.get("objectives")
    if not isinstance(objectives, list) or not objectives or not all(isinstance(item, str) for item in objectives):
        problems.append("usvn.objectives must be a non-empty list of objective ids")
        objectives = []
    track = meta.get("track")
    if track not in TRACKS:
        problems.append(f"usvn.track is {track!r}; use one of {', '.join(TRACKS)}")
        track = None
    return tuple(objectives), track, problems


def graded_items(notebook: NotebookNode, lesson: Lesson) -> tuple[list[GradedItem], list[str]]:
    """The graded cells of a solutions notebook, and problems with their ``usvn`` metadata (naming the cell)."""
    known = {objective.id for objective in lesson.objectives}
    items, problems = [], []
    for index, cell in enumerate(notebook.cells):
        meta = grade_meta(cell)
        if not meta.get("grade"):
            continue
        grade_id = str(meta.get("grade_id") or f"cell {index + 1}")
        objectives, track, found = _objectives_of(cell.get("metadata", {}).get("usvn"))
        stray = [objective for objective in objectives if objective not in known]
        if stray:
            found.append(f"names objectives lesson {lesson.number:02d} does not state: {', '.join(stray)}")
            objectives = tuple(objective for objective in objectives if objective in known)
        problems += [f"graded item {grade_id}: {problem}" for problem in found]
        kind = "test" if cell.cell_type == "code" and not meta.get("solution") else "written"
        items.append(GradedItem(grade_id, kind, float(meta.get("points", 0) or 0), objectives, track))
    problems += _label_problems(notebook)
    return items, problems


def _label_problems(notebook: NotebookNode) -> list[str]:
    """Data-skills items with no :data:`DATA_SKILLS_LABEL` in any markdown cell before them.

    The label opens the optional part of the notebook; the items after it may sit under headings of their own
    ("## D1. ... (optional)"), so any earlier markdown cell that carries the label counts.
    """
    problems, labelled = [], False
    label = DATA_SKILLS_LABEL.casefold()
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and label in " ".join(cell.source.split()).casefold():
            labelled = True
        meta = grade_meta(cell)
        usvn = cell.get("metadata", {}).get("usvn")
        if meta.get("grade") and isinstance(usvn, dict) and usvn.get("track") == "data-skills" and not labelled:
            problems.append(
                f"graded item {meta.get('grade_id')}: a data-skills item, but no cell before it says "
                f'"{DATA_SKILLS_LABEL}"'
            )
    return problems


def lesson_coverage(lesson: Lesson, quiz_records: Iterable[dict], notebook: NotebookNode | None) -> LessonCoverage:
    """Per objective: its quiz questions, core items and data-skills items (``notebook`` None: no solutions)."""
    entries = {objective.id: ObjectiveCoverage(objective) for objective in lesson.objectives}
    for record in quiz_records:
        if record.get("objective") in entries:
            entries[record["objective"]].quiz.append(record["id"])
    items, problems = graded_items(notebook, lesson) if notebook is not None else ([], [])
    for item in items:
        for objective in item.objectives:
            target = entries[objective].core if item.track == "core" else entries[objective].data_skills
            if item.track is not None:
                target.append(item.grade_id)
    return LessonCoverage(lesson, list(entries.values()), items, problems, notebook is not None)


def _assigned(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def _parse(source: str) -> ast.AST:
    """A cell's code without IPython's ``%magic`` and ``!shell`` lines."""
    lines = [line for line in source.split("\n") if not line.lstrip().startswith(("%", "!"))]
    return ast.parse("\n".join(lines))


def _programming(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        for kind, words in _PROGRAMMING.items():
            if isinstance(node, kind):
                found.append(f"{words} on line {node.lineno}")
    return found


def core_code_problems(notebook: NotebookNode) -> list[str]:
    """Answer cells of core items (or of items with no track: core is the default) that ask for programming.

    An answer cell belongs to the items whose test cells read a name it sets; its own ``usvn.track`` metadata, if
    any, decides instead. Data-skills cells are exempt. An answer cell that no test reads gets a problem too.
    """
    try:
        spec = read_source(notebook)
    except SourceError as error:
        return [f"the notebook cannot be read as a source notebook: {error}"]
    tracks: dict[str, str] = {}
    for cell in notebook.cells:
        meta, usvn = grade_meta(cell), cell.get("metadata", {}).get("usvn")
        if meta.get("grade_id"):
            track = usvn.get("track") if isinstance(usvn, dict) else None
            tracks[str(meta["grade_id"])] = track if track in TRACKS else "core"
    readers: dict[str, set[str]] = {}
    for item in spec.auto_items:
        for name in item.answers:
            readers.setdefault(name, set()).add(tracks.get(item.grade_id, "core"))
    problems = []
    for grade_id, cell in spec.answer_cells.items():
        if cell.cell_type != "code":
            continue
        try:
            tree = _parse(cell.source)
        except SyntaxError as error:
            problems.append(f"answer cell {grade_id}: not valid Python ({error.msg}, line {error.lineno})")
            continue
        usvn = cell.get("metadata", {}).get("usvn")
        own = usvn.get("track") if isinstance(usvn, dict) else None
        if own in TRACKS:
            track = own
        elif cell_role(cell) == "manual":
            track = tracks.get(grade_id, "core")
        else:
            read_by = set().union(*(readers.get(name, set()) for name in _assigned(tree)))
            if not read_by:
                problems.append(
                    f"answer cell {grade_id}: no graded test reads what it sets, so its track is "
                    "unknown (give it a test, or usvn metadata with a track)"
                )
                continue
            track = "core" if "core" in read_by else "data-skills"
        if track == "core":
            problems += [
                f"answer cell {grade_id} (core): {found}; core items ask for values, not programs"
                for found in _programming(tree)
            ]
    return problems


def _solutions(lesson: Lesson, root: Path) -> NotebookNode | None:
    path = Path(root) / "solutions" / lesson.notebook
    return nbformat.read(path, as_version=4) if path.is_file() else None


def _quiz_records(lesson: Lesson) -> list[dict]:
    name = f"quiz-{lesson.number:02d}.yaml"
    return list(load_data(name)["questions"]) if name in data_files() else []


def module_coverage(lesson: Lesson, root: Path) -> LessonCoverage:
    """:func:`lesson_coverage` from the module's own quiz bank and ``root/solutions``."""
    return lesson_coverage(lesson, _quiz_records(lesson), _solutions(lesson, root))


def lesson_problems(lesson: Lesson, root: Path) -> list[str]:
    """A lesson's coverage gaps, metadata problems and core-code problems (an empty list: nothing to fix)."""
    notebook = _solutions(lesson, root)
    problems = lesson_coverage(lesson, _quiz_records(lesson), notebook).problems()
    return problems + (core_code_problems(notebook) if notebook is not None else [])


def module_problems(root: Path) -> dict[str, list[str]]:
    """Every lesson's :func:`lesson_problems`, by lesson stem."""
    return {lesson.stem: lesson_problems(lesson, root) for lesson in load_lessons()}
