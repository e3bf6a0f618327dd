"""One way to load course data, and the errors for bad data and bad student input.

Every data file lives in ``usvn/data/`` as YAML and has a JSON Schema of the same name in
``usvn/data/schemas/`` (a numbered file such as ``quiz-01.yaml`` uses ``quiz.schema.json``). Every record
that states a fact carries the ids of the sources it rests on, and those ids must exist in ``sources.yaml``.

:func:`checked_data` reads a file, validates it against its schema, and checks its citations; a fault is a
:class:`DataError` naming the file and, where there is one, the record. :func:`load_records` then builds one
frozen record per entry and refuses a repeated id. Loaders cache what they build, so a file is read once
per process.

Validation needs jsonschema and YAML parsing, which cost a kernel a few tenths of a second. So the validated data is also kept in a small JSON file in the user's cache folder,
keyed by a hash of the data file, its schema and the source registry: a later kernel reads that file and skips both the YAML
parser and the validator. A change to any of them changes the key, so a stale copy is never read.
:func:`validate` always checks the file itself, bypassing that copy; the test suite and ``usvn check`` use it.

>>> checked_data("timeline.yaml")["events"][0]["id"]
'1994-trade-embargo-lifted'
>>> str(DataError("a record cites nothing", file="claims.yaml", record="c87-delayed"))
"claims.yaml, record 'c87-delayed': a record cites nothing"
>>> str(UnknownIdError("There is no lesson 9; lessons are numbered 0, 1, 2, 3, 4, 5."))
'There is no lesson 9; lessons are numbered 0, 1, 2, 3, 4, 5.'
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields, is_dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

__all__ = [
    "DataError",
    "InputError",
    "UnknownIdError",
    "build",
    "cache_folder",
    "check_citations",
    "checked_data",
    "cited_source_ids",
    "data_files",
    "frozen",
    "in_record",
    "load_data",
    "load_records",
    "schema_errors",
    "schema_name",
    "validate",
    "warm_cache",
]

T = TypeVar("T")

_NUMBERED_STEM = re.compile(r"^(?P<schema>.+?)-\d{2}$")
#: Bump when the cached form changes, so old cache files are never read.
_CACHE_FORMAT = "usvn-validated-data-1"
#: Files that cite nothing, or are the registry citations are checked against.
_NOT_CITING = frozenset({"sources.yaml"})


class DataError(ValueError):
    """A data file is missing, malformed, or breaks its schema, the source registry or a rule of its own.

    ``file`` and ``record`` (the id of the record at fault, if any) are kept as attributes and lead the message.
    """

    def __init__(self, message: str, *, file: str | None = None, record: str | None = None) -> None:
        self.file, self.record, self.detail = file, record, message
        where = ", ".join(part for part in (file, f"record '{record}'" if record else None) if part)
        super().__init__(f"{where}: {message}" if where else message)


class InputError(ValueError):
    """Something a student typed or passed that the module cannot use; the message says why in plain words."""


class UnknownIdError(KeyError):
    """A look-up by an id the data does not hold; the message lists what there is.

    A :class:`KeyError`, as for a dictionary look-up, but shown as a sentence rather than a quoted key.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@cache
def _data_folder():
    return resources.files("usvn") / "data"


def data_files() -> list[str]:
    """Names of every YAML data file shipped with the package."""
    return sorted(entry.name for entry in _data_folder().iterdir() if entry.name.endswith(".yaml"))


def schema_name(data_file: str) -> str:
    """The schema a data file is checked against.

    >>> schema_name("quiz-01.yaml"), schema_name("timeline.yaml")
    ('quiz', 'timeline')
    """
    stem = data_file.removesuffix(".yaml")
    numbered = _NUMBERED_STEM.match(stem)
    return numbered["schema"] if numbered else stem


def _data_bytes(data_file: str) -> bytes:
    path = _data_folder() / data_file
    if not path.is_file():
        raise DataError(f"not found in usvn/data/ (have: {', '.join(data_files())}).", file=data_file)
    return path.read_bytes()


def _schema_bytes(name: str) -> bytes:
    path = _data_folder() / "schemas" / f"{name}.schema.json"
    if not path.is_file():
        raise DataError(f"no schema '{name}.schema.json' for this file; add one to usvn/data/schemas/.")
    return path.read_bytes()


@cache
def _schema(name: str) -> dict[str, Any]:
    return json.loads(_schema_bytes(name))


def _parse(data_file: str, text: bytes) -> Any:
    import yaml  # deferred: only a cache miss parses YAML

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's C parser, where it is built
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as error:
        raise DataError(f"not valid YAML: {error}", file=data_file) from error


def _jsonschema():
    """jsonschema, imported without rfc3987-syntax where that is not loaded yet.

    Jupyter's ``jsonschema[format-nongpl]`` extra installs rfc3987-syntax, which builds a grammar for about a
    second at import, only to check the ``iri`` format; these schemas assert no format, so jsonschema is
    imported as if it were absent (jsonschema skips that check then) and the package stays importable for
    anything that wants it later.
    """
    import sys

    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        import jsonschema

        return jsonschema
    sys.modules["rfc3987_syntax"] = None  # an ImportError for this one import
    try:
        import jsonschema
    finally:
        if sys.modules.get("rfc3987_syntax", ...) is None:
            del sys.modules["rfc3987_syntax"]
    return jsonschema


def schema_errors(data: Any, schema: str) -> list[str]:
    """Every way ``data`` breaks the named schema, as ``at /path: message`` lines (empty if none)."""
    validator = _jsonschema().Draft202012Validator(_schema(schema))
    errors = sorted(validator.iter_errors(data), key=lambda error: list(error.absolute_path))
    return [f"at {_json_path(error.absolute_path)}: {error.message}" for error in errors]


def _json_path(path) -> str:
    return "/" + "/".join(str(part) for part in path) if path else "(top level)"


def _raise_schema_errors(data_file: str, data: Any) -> None:
    errors = schema_errors(data, schema_name(data_file))
    if errors:
        details = "\n".join(f"  {error}" for error in errors[:10])
        raise DataError(f"breaks its schema ({len(errors)} problem(s)):\n{details}", file=data_file)


def validate(data_file: str) -> None:
    """Parse ``data_file`` afresh (no cache) and raise :class:`DataError` naming each place it breaks its schema."""
    _raise_schema_errors(data_file, _parse(data_file, _data_bytes(data_file)))


def cache_folder() -> Path:
    """Where validated data is kept between kernels: ``$USVN_CACHE_DIR``, else the user's cache folder."""
    chosen = os.environ.get("USVN_CACHE_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = Path.home() / ".cache"
        except RuntimeError:  # no home folder (some containers): any writable place will do
            import tempfile

            base = tempfile.gettempdir()
    return Path(base) / "usvn"


def _cache_path(data_file: str, text: bytes) -> Path:
    digest = hashlib.sha256(_CACHE_FORMAT.encode())
    parts = [text, _schema_bytes(schema_name(data_file))]
    if data_file not in _NOT_CITING:
        parts.append(_data_bytes("sources.yaml"))  # its citations were checked against this registry
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return cache_folder() / f"{data_file.removesuffix('.yaml')}-{digest.hexdigest()[:24]}.json"


def _write_quietly(path: Path, text: str) -> None:
    """Keep a cache file if the folder is writable; a read-only home only costs the next kernel a re-check."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError:
        pass


def forget_read_files() -> None:
    """Read every data file afresh from now on: for a tool that edits a data file while the package is loaded
    (``usvn new-lesson``). Loaders that cache their records (``load_lessons``) are cleared by their callers."""
    _validated.cache_clear()


@cache
def _validated(data_file: str) -> Any:
    text = _data_bytes(data_file)
    cached = _cache_path(data_file, text)
    try:
        return json.loads(cached.read_bytes())
    except (OSError, ValueError):
        pass
    data = _parse(data_file, text)
    _raise_schema_errors(data_file, data)
    if data_file not in _NOT_CITING:
        _raise_unknown_citations(data_file, data)
    _write_quietly(cached, json.dumps(data, ensure_ascii=False))
    return data


def warm_cache() -> list[Path]:
    """Check every data file into the cache (those already there are only read) and return their cache files:
    what a kernel needs to load the course's data without checking it again. The grader copies them into each
    sandboxed kernel's home (:mod:`usvn.grading.homes`); a file that breaks its schema is left out."""
    paths = []
    for data_file in data_files():
        try:
            _validated(data_file)
        except DataError:
            continue
        path = _cache_path(data_file, _data_bytes(data_file))
        if path.is_file():
            paths.append(path)
    return paths


def checked_data(data_file: str) -> Any:
    """The file's data, schema-valid and with every cited source registered. Shared: do not change it."""
    return _validated(data_file)


def load_data(data_file: str) -> Any:
    """Load one data file as plain Python data. Every call returns a fresh copy, safe to change."""
    return json.loads(json.dumps(checked_data(data_file)))


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


def _registered_source_ids() -> set[str]:
    return {record["id"] for record in checked_data("sources.yaml")["sources"]}


def _raise_unknown_citations(data_file: str, data: Any) -> None:
    registry = _registered_source_ids()
    unknown = [(record, source) for record, source in cited_source_ids(data) if source not in registry]
    if unknown:
        listed = ", ".join(f"{record} -> {source}" for record, source in unknown)
        raise DataError(f"cites source ids missing from sources.yaml: {listed}", file=data_file, record=unknown[0][0])


def check_citations(data_file: str) -> None:
    """Raise :class:`DataError` if a record in ``data_file`` cites a source the registry lacks."""
    _raise_unknown_citations(data_file, load_data(data_file))


@contextmanager
def in_record(data_file: str, record_id: str | None = None) -> Iterator[None]:
    """Name the file (and record) in a :class:`DataError` raised inside, if it does not name them already."""
    try:
        yield
    except DataError as error:
        if error.file is not None:
            raise
        raise DataError(error.detail, file=data_file, record=error.record or record_id) from None


def frozen(value: Any) -> Any:
    """Lists become tuples, at any depth, so records built from the data cannot be changed in place.

    >>> frozen({"sources": ["a", "b"], "points": [{"sources": ["c"]}]})
    {'sources': ('a', 'b'), 'points': ({'sources': ('c',)},)}
    """
    if isinstance(value, list):
        return tuple(frozen(item) for item in value)
    if isinstance(value, dict):
        return {key: frozen(item) for key, item in value.items()}
    return value


def build(record_type: Callable[..., T], record: dict[str, Any], *, omit: Collection[str] = (), **derived: Any) -> T:
    """One frozen record: the data's fields (lists as tuples, ``omit`` left out) with ``derived`` set or replaced.

    A field the record type lacks, or a required one the data lacks, is a :class:`DataError` naming both,
    so a schema and its record type cannot drift apart unnoticed.
    """
    values = {key: frozen(value) for key, value in record.items() if key not in derived and key not in omit}
    values.update(derived)
    if is_dataclass(record_type):
        known = {field.name for field in fields(record_type)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise DataError(f"fields {', '.join(unknown)} are not fields of {record_type.__name__}.")
    try:
        return record_type(**values)
    except TypeError as error:
        raise DataError(f"cannot build {getattr(record_type, '__name__', 'a record')}: {error}.") from None


def load_records(
    data_file: str,
    records: Sequence[dict[str, Any]] | str,
    make: Callable[[dict[str, Any]], T],
    *,
    key: Callable[[T], Any] = lambda record: record.id,
) -> tuple[T, ...]:
    """Build one record per entry (``records`` is the top-level key, or the entries themselves).

    Every fault names the file and the record's id: a rule ``make`` enforces, a field the record type
    lacks, or an id used twice.
    """
    entries = checked_data(data_file)[records] if isinstance(records, str) else records
    built: list[T] = []
    seen: set[Any] = set()
    for entry in entries:
        record_id = entry.get("id") if isinstance(entry, dict) else None
        with in_record(data_file, None if record_id is None else str(record_id)):
            item = make(entry)
        identity = key(item)
        if identity in seen:
            raise DataError("this id is used twice; ids must be unique.", file=data_file, record=str(identity))
        seen.add(identity)
        built.append(item)
    return tuple(built)
