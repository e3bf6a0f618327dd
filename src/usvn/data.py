"""Course data: the source registry, the timeline and the learning path.

Loading, schema validation and citation checks are :mod:`usvn.loader`'s job; its names used across the
package (``DataError``, ``load_data``, ``data_files``, ...) are re-exported here.

>>> sources = load_sources()
>>> sources["tran-2021"].publisher
'Air University'
>>> [event.year for event in load_timeline()][:1]
[1994]
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

from usvn.loader import (
    DataError,
    UnknownIdError,
    build,
    check_citations,
    cited_source_ids,
    data_files,
    load_data,
    load_records,
    schema_errors,
    schema_name,
)
from usvn.loader import validate as validate_data

__all__ = [
    "DataError",
    "Event",
    "Lesson",
    "Objective",
    "Source",
    "THEMES",
    "check_citations",
    "cited_source_ids",
    "data_files",
    "lesson",
    "load_data",
    "load_lessons",
    "load_sources",
    "load_timeline",
    "schema_errors",
    "schema_name",
    "validate_data",
]

THEMES = ("diplomacy", "security", "trade", "rights")


@dataclass(frozen=True)
class Source:
    id: str
    authors: tuple[str, ...]
    title: str
    publisher: str
    date: str
    url: str
    accessed: str
    licence: str
    kind: str
    annotation: str
    via: str | None = None
    label: str = ""

    @property
    def short(self) -> str:
        """Author-year label for citations: ``Tran 2021``, ``Swanton and Altman-Lupu 2024``.

        People are written ``Surname, Given`` in the registry; organisations as their name.
        """
        names = [author.split(",")[0] for author in self.authors]
        if len(names) > 2:
            label = f"{names[0]} et al."
        else:
            label = " and ".join(names)
        return f"{label} {self.date[:4]}"

    def reference(self) -> str:
        """A full reference in plain text."""
        authors = "; ".join(self.authors)
        via = f" Read via {self.via}." if self.via else ""
        return (
            f"{authors} ({self.date}). {self.title}. {self.publisher}. {self.url}"
            f" (accessed {self.accessed}; licence: {self.licence}).{via}"
        )


@dataclass(frozen=True)
class Event:
    id: str
    date: str
    title: str
    summary: str
    themes: tuple[str, ...]
    sources: tuple[str, ...]
    date_note: str | None = None
    checked: str | None = None  # the date this record's content was last confirmed against its sources

    @property
    def year(self) -> int:
        return int(self.date[:4])

    @property
    def decimal_year(self) -> float:
        """Position on a time axis: mid-month when the day is unknown, mid-year when the month is."""
        parts = [int(part) for part in self.date.split("-")]
        if len(parts) == 1:
            return parts[0] + 0.5
        month_start = parts[0] + (parts[1] - 1) / 12
        day_fraction = (parts[2] - 1) / 31 if len(parts) == 3 else 0.5
        return month_start + day_fraction / 12


@dataclass(frozen=True)
class Objective:
    id: str
    text: str


@dataclass(frozen=True)
class Lesson:
    number: int
    stem: str
    title: str
    minutes: int
    summary: str
    objectives: tuple[Objective, ...]

    @property
    def notebook(self) -> str:
        return f"{self.stem}.ipynb"


@cache
def load_sources() -> dict[str, Source]:
    """The source registry, keyed by source id."""
    sources = load_records("sources.yaml", "sources", lambda record: build(Source, record))
    return _with_unique_labels({source.id: source for source in sources})


def _with_unique_labels(registry: dict[str, Source]) -> dict[str, Source]:
    """Label each source for citation; same author and year get a, b, ... in date order (``2000a``)."""
    by_short: dict[str, list[Source]] = {}
    for source in registry.values():
        by_short.setdefault(source.short, []).append(source)
    labelled = {}
    for short, sources in by_short.items():
        ordered = sorted(sources, key=lambda source: (source.date, source.id))
        for index, source in enumerate(ordered):
            suffix = chr(ord("a") + index) if len(ordered) > 1 else ""
            labelled[source.id] = replace(source, label=f"{short}{suffix}")
    return {source_id: labelled[source_id] for source_id in registry}


@cache
def load_timeline() -> tuple[Event, ...]:
    """Timeline events in date order."""
    events = load_records("timeline.yaml", "events", lambda record: build(Event, record))
    return tuple(sorted(events, key=lambda event: (event.decimal_year, event.id)))


@cache
def load_lessons() -> tuple[Lesson, ...]:
    """The learning path, in order."""
    lessons = load_records(
        "lessons.yaml",
        "lessons",
        lambda record: build(Lesson, record, objectives=tuple(build(Objective, item) for item in record["objectives"])),
        key=lambda lesson: lesson.number,
    )
    return tuple(sorted(lessons, key=lambda lesson: lesson.number))


def lesson(number: int) -> Lesson:
    """One lesson of the learning path by its number."""
    for candidate in load_lessons():
        if candidate.number == number:
            return candidate
    known = ", ".join(str(item.number) for item in load_lessons())
    raise UnknownIdError(f"There is no lesson {number}; lessons are numbered {known}.")
