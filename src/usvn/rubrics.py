"""Rubrics (criteria x levels) as plain, schema-validated data, for students, instructors and grading tools.

>>> rubric = load_rubric("memo")
>>> [level.label for level in rubric.levels]
['Beginning', 'Developing', 'Proficient', 'Exemplary']
>>> rubric.max_points
24.0
>>> result = self_score(rubric, {"evidence": "proficient"})
>>> result.ok, result.problems[0].split(".")[0]
(False, 'Choose a level for every criterion')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from html import escape

from usvn.loader import DataError, UnknownIdError, build, checked_data, load_records

__all__ = [
    "Criterion",
    "Level",
    "Rubric",
    "SelfScore",
    "load_rubric",
    "rubric_html",
    "rubric_ids",
    "rubric_markdown",
    "self_score",
]


@dataclass(frozen=True)
class Level:
    id: str
    label: str
    points: float


@dataclass(frozen=True)
class Criterion:
    id: str
    name: str
    descriptors: Mapping[str, str]
    weight: float = 1.0

    def descriptor(self, level_id: str) -> str:
        return self.descriptors[level_id]


@dataclass(frozen=True)
class Rubric:
    id: str
    title: str
    purpose: str
    levels: tuple[Level, ...]
    criteria: tuple[Criterion, ...]

    @property
    def max_points(self) -> float:
        top = self.levels[-1].points
        return float(sum(criterion.weight * top for criterion in self.criteria))

    def level(self, level_id: str) -> Level:
        for level in self.levels:
            if level.id == level_id:
                return level
        raise UnknownIdError(
            f"Rubric '{self.id}' has no level '{level_id}'; levels are {', '.join(level.id for level in self.levels)}."
        )

    def criterion(self, criterion_id: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        raise UnknownIdError(
            f"Rubric '{self.id}' has no criterion '{criterion_id}'; criteria are "
            f"{', '.join(criterion.id for criterion in self.criteria)}."
        )

    def next_level(self, level_id: str) -> Level | None:
        ids = [level.id for level in self.levels]
        index = ids.index(level_id)
        return self.levels[index + 1] if index + 1 < len(self.levels) else None


def rubric_ids() -> list[str]:
    return [record["id"] for record in checked_data("rubrics.yaml")["rubrics"]]


def _build(record: dict) -> Rubric:
    levels = load_records(
        "rubrics.yaml", record["levels"], lambda level: build(Level, level, points=float(level["points"]))
    )
    if any(low.points >= high.points for low, high in zip(levels, levels[1:])):
        raise DataError("levels must run from lowest to highest with increasing points.")
    level_ids = [level.id for level in levels]

    def criterion(item: dict) -> Criterion:
        if set(item["descriptors"]) != set(level_ids):
            missing = sorted(set(level_ids) - set(item["descriptors"]))
            extra = sorted(set(item["descriptors"]) - set(level_ids))
            raise DataError(
                f"criterion '{item['id']}' needs exactly one descriptor per level "
                f"(missing: {missing or 'none'}; unknown: {extra or 'none'})."
            )
        descriptors = {level_id: item["descriptors"][level_id] for level_id in level_ids}
        return build(Criterion, item, weight=float(item.get("weight", 1.0)), descriptors=descriptors)

    criteria = load_records("rubrics.yaml", record["criteria"], criterion)
    return build(Rubric, record, levels=levels, criteria=criteria)


@cache
def _all_rubrics() -> dict[str, Rubric]:
    return {rubric.id: rubric for rubric in load_records("rubrics.yaml", "rubrics", _build)}


def load_rubric(rubric_id: str) -> Rubric:
    """One rubric from ``rubrics.yaml``, checked for a descriptor in every cell and levels in order."""
    rubrics = _all_rubrics()
    if rubric_id not in rubrics:
        raise UnknownIdError(f"No rubric '{rubric_id}' in rubrics.yaml; rubrics are {', '.join(rubrics)}.")
    return rubrics[rubric_id]


def rubric_html(rubric: Rubric) -> str:
    """The rubric as an accessible HTML table: criteria as row headers, levels (with points) as column headers."""
    head = "".join(f'<th scope="col">{escape(level.label)} ({level.points:g})</th>' for level in rubric.levels)
    rows = "".join(
        f'<tr><th scope="row">{escape(criterion.name)}'
        + (f" (x{criterion.weight:g})" if criterion.weight != 1 else "")
        + "</th>"
        + "".join(f"<td>{escape(criterion.descriptor(level.id))}</td>" for level in rubric.levels)
        + "</tr>"
        for criterion in rubric.criteria
    )
    return (
        f'<table class="usvn-rubric"><caption>Rubric: {escape(rubric.title)} '
        f'(maximum {rubric.max_points:g} points)</caption><thead><tr><th scope="col">Criterion</th>{head}'
        f"</tr></thead><tbody>{rows}</tbody></table><p>{escape(rubric.purpose)}</p>"
    )


def rubric_markdown(rubric: Rubric) -> str:
    """The same table in Markdown, for instructors' documents and grading sheets.

    >>> rubric_markdown(load_rubric("memo")).splitlines()[0]
    '| Criterion | Beginning (1) | Developing (2) | Proficient (3) | Exemplary (4) |'
    """
    lines = [
        "| Criterion | " + " | ".join(f"{level.label} ({level.points:g})" for level in rubric.levels) + " |",
        "|---" * (len(rubric.levels) + 1) + "|",
    ]
    for criterion in rubric.criteria:
        cells = [criterion.descriptor(level.id).replace("|", "/") for level in rubric.levels]
        lines.append(f"| {criterion.name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


@dataclass(frozen=True)
class SelfScore:
    """A self-assessment: total points, and for each criterion below the top what the next level asks."""

    ok: bool
    problems: tuple[str, ...]
    points: float = 0.0
    max_points: float = 0.0
    next_steps: tuple[tuple[str, str, str], ...] = ()  # (criterion name, next level label, its descriptor)

    def summary(self) -> str:
        if not self.ok:
            return "Not scored yet. " + " ".join(self.problems)
        return f"Your self-assessment: {self.points:g} of {self.max_points:g} points."


def self_score(rubric: Rubric, choices: Mapping[str, object]) -> SelfScore:
    """Score chosen levels (criterion id -> level id); every criterion needs a valid level."""
    unchosen, unknown = [], []
    level_ids = {level.id for level in rubric.levels}
    for criterion in rubric.criteria:
        choice = choices.get(criterion.id)
        if choice is None or choice == "":
            unchosen.append(criterion.name)
        elif choice not in level_ids:
            unknown.append(f"{criterion.name} ('{choice}')")
    problems = []
    if unchosen:
        problems.append(f"Choose a level for every criterion. Still to choose: {', '.join(unchosen)}.")
    if unknown:
        problems.append(
            f"These are not levels of this rubric: {', '.join(unknown)}; levels are "
            f"{', '.join(level.label for level in rubric.levels)}."
        )
    if problems:
        return SelfScore(False, tuple(problems))
    points, steps = 0.0, []
    for criterion in rubric.criteria:
        level = rubric.level(str(choices[criterion.id]))
        points += criterion.weight * level.points
        following = rubric.next_level(level.id)
        if following is not None:
            steps.append((criterion.name, following.label, criterion.descriptor(following.id)))
    return SelfScore(True, (), points, rubric.max_points, tuple(steps))
