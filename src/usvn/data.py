"""Course data: loading, schema validation and source look-ups.

Every data file lives in ``usvn/data/`` as YAML and has a JSON Schema of the
same name in ``usvn/data/schemas/`` (a numbered file such as ``quiz-01.yaml``
uses ``quiz.schema.json``). Every record that states a fact carries the ids of
the sources it rests on, and those ids must exist in ``sources.yaml``.

The test suite (and ``usvn check``) validates every file with :func:`validate_data`.
Lessons only parse the files: importing jsonschema costs about a second here
(an optional format dependency compiles a grammar at import), and students should
not wait for a check the shipped data has already passed.

>>> sources = load_sources()
>>> sources["tran-2021"].publisher
'Air University'
>>> [event.year for event in load_timeline()][:1]
[1994]
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any

import yaml

__all__ = [
    "DataError",
    "Event",
    "Lesson",
    "Objective",
    "Source",
    "THEMES",
    "cited_source_ids",
    "data_files",
    "load_data",
    "load_lessons",
    "load_sources",
    "load_timeline",
    "schema_errors",
    "validate_data",
]

THEMES = ("diplomacy", "security", "trade", "rights")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NUMBERED_STEM = re.compile(r"^(?P<schema>.+?)-\d{2}$")


class DataError(ValueError):
    """A data file is missing, malformed, or breaks its schema or the source registry."""


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


def data_files() -> list[str]:
    """Names of every YAML data file shipped with the package."""
    folder = resources.files("usvn") / "data"
    return sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".yaml"))


def schema_name(data_file: str) -> str:
    """The schema a data file is checked against.

    >>> schema_name("quiz-01.yaml"), schema_name("timeline.yaml")
    ('quiz', 'timeline')
    """
    stem = data_file.removesuffix(".yaml")
    numbered = _NUMBERED_STEM.match(stem)
    return numbered["schema"] if numbered else stem


@cache
def _schema(name: str) -> dict[str, Any]:
    path = resources.files("usvn") / "data" / "schemas" / f"{name}.schema.json"
    if not path.is_file():
        raise DataError(f"No schema '{name}.schema.json' for this data file; add one to usvn/data/schemas/.")
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def _parsed(data_file: str) -> Any:
    path = resources.files("usvn") / "data" / data_file
    if not path.is_file():
        raise DataError(f"Data file '{data_file}' not found in usvn/data/ (have: {', '.join(data_files())}).")
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except yaml.YAMLError as error:
        raise DataError(f"{data_file} is not valid YAML: {error}") from error


def schema_errors(data: Any, schema: str) -> list[str]:
    """Every way ``data`` breaks the named schema, as ``at /path: message`` lines (empty if none)."""
    import jsonschema  # deferred: see the module docstring

    validator = jsonschema.Draft202012Validator(_schema(schema))
    errors = sorted(validator.iter_errors(data), key=lambda error: list(error.absolute_path))
    return [f"at {_json_path(error.absolute_path)}: {error.message}" for error in errors]


def validate_data(data_file: str) -> None:
    """Raise :class:`DataError` naming each place where ``data_file`` breaks its schema."""
    errors = schema_errors(_parsed(data_file), schema_name(data_file))
    if errors:
        details = "\n".join(f"  {error}" for error in errors[:10])
        raise DataError(f"{data_file} breaks its schema ({len(errors)} problem(s)):\n{details}")


def _json_path(path) -> str:
    return "/" + "/".join(str(part) for part in path) if path else "(top level)"


def load_data(data_file: str) -> Any:
    """Load one data file as plain Python data. Every call returns a fresh copy, safe to change."""
    return json.loads(json.dumps(_parsed(data_file)))


def cited_source_ids(data: Any, record_id: str = "(top level)") -> Iterator[tuple[str, str]]:
    """Yield ``(record id, source id)`` for every ``sources`` list at any depth.

    A nested record without an id of its own (an option, a point) is reported under its parent's id.
    """
    if isinstance(data, dict):
        record_id = str(data.get("id", record_id))
        if isinstance(data.get("sources"), list):
            for source_id in data["sources"]:
                yield record_id, source_id
        for key, value in data.items():
            if key != "sources":
                yield from cited_source_ids(value, record_id)
    elif isinstance(data, list):
        for item in data:
            yield from cited_source_ids(item, record_id)


@cache
def load_sources() -> dict[str, Source]:
    """The source registry, keyed by source id."""
    records = load_data("sources.yaml")["sources"]
    registry: dict[str, Source] = {}
    for record in records:
        if record["id"] in registry:
            raise DataError(f"sources.yaml lists the id '{record['id']}' twice.")
        registry[record["id"]] = Source(**{**record, "authors": tuple(record["authors"])})
    return _with_unique_labels(registry)


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


def check_citations(data_file: str) -> None:
    """Raise :class:`DataError` if a record in ``data_file`` cites a source the registry lacks."""
    registry = load_sources()
    unknown = [(record, source) for record, source in cited_source_ids(load_data(data_file)) if source not in registry]
    if unknown:
        listed = ", ".join(f"{record} -> {source}" for record, source in unknown)
        raise DataError(f"{data_file} cites source ids missing from sources.yaml: {listed}")


@cache
def load_timeline() -> tuple[Event, ...]:
    """Timeline events in date order."""
    check_citations("timeline.yaml")
    events = [
        Event(**{**record, "themes": tuple(record["themes"]), "sources": tuple(record["sources"])})
        for record in load_data("timeline.yaml")["events"]
    ]
    return tuple(sorted(events, key=lambda event: (event.decimal_year, event.id)))


def timeline_as_of() -> str:
    """The date up to which the timeline was checked."""
    return load_data("timeline.yaml")["as_of"]


@cache
def load_lessons() -> tuple[Lesson, ...]:
    """The learning path, in order."""
    lessons = [
        Lesson(**{**record, "objectives": tuple(Objective(**objective) for objective in record["objectives"])})
        for record in load_data("lessons.yaml")["lessons"]
    ]
    return tuple(sorted(lessons, key=lambda lesson: lesson.number))


def lesson(number: int) -> Lesson:
    """One lesson of the learning path by its number."""
    for candidate in load_lessons():
        if candidate.number == number:
            return candidate
    known = ", ".join(str(item.number) for item in load_lessons())
    raise DataError(f"There is no lesson {number}; lessons are numbered {known}.")
