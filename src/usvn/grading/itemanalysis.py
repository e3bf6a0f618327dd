"""Item analysis of a graded class: how hard each item was, whether it separates stronger from weaker students.

A pure model: it reads the folder ``usvn grade --out`` writes (``gradebook.csv`` for the points, hand grades
included; ``results/*.json`` for each item's maximum and kind) and returns numbers. :mod:`usvn.grading.itemreport`
renders them as HTML with plots and CSV.

For each item:

- **difficulty**: the mean share of the item's points the students earned (for a one-point item, the share of
  students who got it right), with the share who earned full marks beside it;
- **discrimination**: the point-biserial correlation of the item's score with the *rest-score* (the student's points
  on the other items, so the item does not correlate with itself), and the upper-minus-lower index: the mean share
  earned by the 27% of students with the highest rest-scores minus that of the 27% with the lowest;
- **flags**: nobody scored, everybody earned full marks, possibly mis-keyed (point-biserial below
  :data:`MISKEY_BELOW` and upper-minus-lower below zero: stronger students do worse on it than weaker ones), weak
  (point-biserial below :data:`WEAK_BELOW`, the usual rule of thumb for an item that barely discriminates).

Classes under :data:`SMALL_CLASS` students get a plain warning (see :data:`SMALL_CLASS_WHY`).

>>> items = (Item("q1", "auto", 1.0), Item("q2", "auto", 1.0), Item("q3", "auto", 1.0))
>>> rows = {"ann": [1, 1, 0], "bo": [1, 1, 0], "cy": [1, 0, 1], "di": [0, 0, 1]}
>>> scores = ClassScores(items, tuple(rows), {s: dict(zip(("q1", "q2", "q3"), map(float, r))) for s, r in rows.items()})
>>> result = analyse(scores)
>>> [(item.grade_id, item.difficulty, item.flags) for item in result.items][2]
('q3', 0.5, ('possibly mis-keyed',))
>>> result.small_class
True
"""

from __future__ import annotations

import csv
import io
import json
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "MISKEY_BELOW",
    "SMALL_CLASS",
    "SMALL_CLASS_WHY",
    "UPPER_LOWER_SHARE",
    "WEAK_BELOW",
    "Analysis",
    "ClassScores",
    "GradebookError",
    "Item",
    "ItemStats",
    "analyse",
    "load_gradebook",
]

SMALL_CLASS = 30
SMALL_CLASS_WHY = (
    f"With fewer than {SMALL_CLASS} students the numbers are rough: the standard error of a discrimination index near "
    "zero is about 1/√(n − 1), at least 0.19, as large as the 0.2 that separates a weak item from a working one, and "
    "the upper and lower 27% groups hold fewer than 8 students each, so one student moves an item's index a lot. "
    "Read the flags as prompts to look at an item, not as verdicts."
)
UPPER_LOWER_SHARE = 0.27
WEAK_BELOW = 0.2
MISKEY_BELOW = -0.1
#: Columns the grader writes around the per-item columns of ``gradebook.csv``.
_BEFORE = ["student", "status"]
_AFTER = ["total", "max_points"]


class GradebookError(ValueError):
    """The gradebook folder cannot be analysed; the message says what is wrong and where."""


@dataclass(frozen=True)
class Item:
    grade_id: str
    kind: str  # "auto" or "manual"
    max_points: float


@dataclass(frozen=True)
class ClassScores:
    """Points per student and item (None: not scored yet, e.g. a hand grade still to merge)."""

    items: tuple[Item, ...]
    students: tuple[str, ...]
    points: dict[str, dict[str, float | None]]
    excluded: tuple[tuple[str, str], ...] = ()  # (student, reason): rows not analysed


@dataclass(frozen=True)
class ItemStats:
    grade_id: str
    kind: str
    max_points: float
    scored: int  # students with a score on this item
    mean_points: float | None
    difficulty: float | None  # mean share of the points
    full_marks: float | None  # share of students with full marks
    point_biserial: float | None  # with the rest-score; None when either has no variation
    upper_lower: float | None  # upper 27% minus lower 27% on the rest-score
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Analysis:
    students: int
    items: tuple[ItemStats, ...]
    percents: tuple[float, ...]  # each student's total as a percentage of the maximum
    max_points: float
    alpha: float | None  # Cronbach's alpha over the items every student has a score on
    pending: int  # item scores still missing (hand grades not merged)
    excluded: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def small_class(self) -> bool:
        return self.students < SMALL_CLASS

    def summary(self) -> dict[str, float | None]:
        values = self.percents
        return {
            "mean": statistics.fmean(values) if values else None,
            "median": statistics.median(values) if values else None,
            "sd": statistics.pstdev(values) if len(values) > 1 else None,
            "min": min(values) if values else None,
            "max": max(values) if values else None,
        }

    def distribution(self, width: int = 10) -> list[tuple[str, int]]:
        """Students per band of ``width`` percentage points (the last band includes 100)."""
        bands = list(range(0, 100, width))
        counts = [0] * len(bands)
        for value in self.percents:
            counts[min(int(value // width), len(bands) - 1)] += 1
        return [(f"{low}-{low + width}%", count) for low, count in zip(bands, counts)]

    def flagged(self, flag: str) -> list[str]:
        return [item.grade_id for item in self.items if flag in item.flags]


# --------------------------------------------------------------------------- reading the grader's output


def _number(text: str, where: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise GradebookError(f"{where}: '{text}' is not a number of points.") from None
    if not math.isfinite(value):
        raise GradebookError(f"{where}: '{text}' is not a number of points.")
    return value


def _item_info(folder: Path, ids: list[str]) -> dict[str, Item]:
    results = sorted((folder / "results").glob("*.json"))
    if not results:
        raise GradebookError(
            f"No per-student results in {folder / 'results'}: the item maxima come from there. "
            "Give the folder `usvn grade --out` wrote."
        )
    found: dict[str, Item] = {}
    for path in results:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entries = [(str(item["grade_id"]), str(item["kind"]), float(item["max_points"])) for item in data["items"]]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise GradebookError(
                f"{path}: not a result the grader wrote ({error.__class__.__name__}: {error})."
            ) from None
        for grade_id, kind, maximum in entries:
            known = found.setdefault(grade_id, Item(grade_id, kind, maximum))
            if known.max_points != maximum:
                raise GradebookError(
                    f"{path}: item {grade_id} is out of {maximum:g} here but {known.max_points:g} "
                    "elsewhere; were two different assignments graded into one folder?"
                )
    missing = [grade_id for grade_id in ids if grade_id not in found]
    if missing:
        raise GradebookError(
            f"gradebook.csv has item column(s) {', '.join(missing)} that no result in {folder / 'results'} knows."
        )
    return found


def load_gradebook(folder: Path) -> ClassScores:
    """Read ``gradebook.csv`` and ``results/*.json`` from the folder ``usvn grade --out`` wrote."""
    folder = Path(folder)
    path = folder / "gradebook.csv"
    if not path.is_file():
        raise GradebookError(f"No gradebook.csv in {folder}: give the folder `usvn grade --out` wrote.")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise GradebookError(f"{path} is not UTF-8 text; was it saved by a spreadsheet in another encoding?") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise GradebookError(f"{path} is empty.")
    header = [cell.strip() for cell in rows[0]]
    missing = [column for column in _BEFORE + _AFTER if column not in header]
    if missing or header[:2] != _BEFORE:
        raise GradebookError(
            f"{path} is not a gradebook the grader wrote: it lacks the column(s) "
            f"{', '.join(missing) or 'student, status (first)'}."
        )
    ids = header[2 : header.index("total")]
    if not ids:
        raise GradebookError(f"{path} has no item columns between 'status' and 'total'.")
    if len(set(ids)) != len(ids):
        raise GradebookError(f"{path} repeats an item column.")
    info = _item_info(folder, ids)
    items = tuple(info[grade_id] for grade_id in ids)
    students, points, excluded = [], {}, []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header) - 3:  # the last columns (reason, notes, submission) may be cut by a spreadsheet
            raise GradebookError(f"{path}, row {line}: {len(row)} cells where the header has {len(header)}.")
        student, status = row[0].strip(), row[1].strip()
        if not student:
            raise GradebookError(f"{path}, row {line}: no student name.")
        if student in points or any(student == name for name, _ in excluded):
            raise GradebookError(f"{path}, row {line}: student '{student}' appears twice.")
        if status == "not graded":
            excluded.append((student, "not graded (no notebook, or the grader could not run it)"))
            continue
        scores: dict[str, float | None] = {}
        for item, cell in zip(items, row[2 : 2 + len(items)]):
            value = _number(cell, f"{path}, row {line} ({student}), item {item.grade_id}")
            if value is not None and not 0 <= value <= item.max_points + 1e-9:
                raise GradebookError(
                    f"{path}, row {line} ({student}), item {item.grade_id}: {value:g} points is "
                    f"outside 0-{item.max_points:g}."
                )
            scores[item.grade_id] = value
        students.append(student)
        points[student] = scores
    if not students:
        raise GradebookError(f"{path} has no graded student to analyse.")
    return ClassScores(items, tuple(students), points, tuple(excluded))


# --------------------------------------------------------------------------- the statistics


def _pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r, or None when either variable does not vary (or fewer than 2 pairs)."""
    if len(xs) < 2:
        return None
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / math.sqrt(sxx * syy)


def _upper_lower(pairs: list[tuple[float, str, float]]) -> float | None:
    """Upper 27% minus lower 27% by rest-score; ``pairs`` are (rest-score, student, share). Ties split by name."""
    if len(pairs) < 2 or len({rest for rest, _, _ in pairs}) < 2:
        return None
    ordered = sorted(pairs)
    size = max(1, round(UPPER_LOWER_SHARE * len(ordered)))
    lower, upper = ordered[:size], ordered[-size:]
    return statistics.fmean(share for _, _, share in upper) - statistics.fmean(share for _, _, share in lower)


def _cronbach(columns: list[list[float]]) -> float | None:
    if len(columns) < 2 or len(columns[0]) < 2:
        return None
    totals = [sum(values) for values in zip(*columns)]
    total_variance = statistics.pvariance(totals)
    if total_variance <= 1e-12:
        return None
    k = len(columns)
    return k / (k - 1) * (1 - sum(statistics.pvariance(column) for column in columns) / total_variance)


def _flags(stats: ItemStats) -> tuple[str, ...]:
    flags = []
    if stats.scored and stats.mean_points == 0:
        flags.append("nobody scored")
    if stats.scored and stats.full_marks == 1:
        flags.append("everybody full marks")
    r, d = stats.point_biserial, stats.upper_lower
    if r is not None and r < MISKEY_BELOW and d is not None and d < 0:
        flags.append("possibly mis-keyed")
    elif r is not None and r < WEAK_BELOW:
        flags.append("weak discrimination")
    return tuple(flags)


def analyse(scores: ClassScores) -> Analysis:
    """Difficulty, discrimination and flags per item, and the class's score distribution."""
    students = scores.students
    complete = [
        item
        for item in scores.items
        if all(scores.points[student].get(item.grade_id) is not None for student in students)
    ]
    complete_points = {student: sum(scores.points[student][item.grade_id] for item in complete) for student in students}
    results = []
    for item in scores.items:
        rows = [(student, scores.points[student].get(item.grade_id)) for student in students]
        rows = [(student, value) for student, value in rows if value is not None]
        shares = [value / item.max_points if item.max_points else 0.0 for _, value in rows]
        in_complete = item in complete
        rests = [complete_points[student] - (value if in_complete else 0.0) for student, value in rows]
        stats = ItemStats(
            item.grade_id,
            item.kind,
            item.max_points,
            len(rows),
            statistics.fmean(value for _, value in rows) if rows else None,
            statistics.fmean(shares) if rows else None,
            sum(value >= item.max_points - 1e-9 for _, value in rows) / len(rows) if rows else None,
            _pearson(shares, rests),
            _upper_lower([(rest, student, share) for rest, (student, _), share in zip(rests, rows, shares)]),
        )
        results.append(ItemStats(**{**stats.__dict__, "flags": _flags(stats)}))
    maximum = sum(item.max_points for item in scores.items)
    percents = tuple(
        100 * sum(value or 0 for value in scores.points[student].values()) / maximum if maximum else 0.0
        for student in students
    )
    pending = sum(value is None for student in students for value in scores.points[student].values())
    notes = []
    if pending:
        notes.append(
            f"{pending} item score(s) are still missing (hand grades not merged yet: run `usvn merge-manual`). "
            "They count as 0 in the totals; each item is analysed on the students who have a score for it, "
            "against their points on the items everybody has a score for."
        )
    alpha = _cronbach([[scores.points[student][item.grade_id] for student in students] for item in complete])
    return Analysis(len(students), tuple(results), percents, maximum, alpha, pending, scores.excluded, tuple(notes))
