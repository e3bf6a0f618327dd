"""Record types: objects of a course's own classes that may leave a student's kernel as data.

The grader sends only plain values across the kernel boundary (see :mod:`usvn.grading.extract`). A course
whose exercises answer with objects of its own classes (a timeline event, a figure with alt text) declares
them here, in the course package itself, so the declaration runs both in the student's kernel (where
:mod:`usvn.grading.extract` reads it) and in the grader (where :mod:`usvn.grading.wire` reads it):

- :func:`register_record_type` names one class and the attributes that travel. By default the grader
  rebuilds the object as that class; with ``rebuild=False`` it gets a :class:`RecordFacts` holding just
  those attributes (for a class that cannot be rebuilt from them, such as a figure without its pixels);
- :func:`register_record_package` lets every dataclass defined in a package's own modules travel, field
  by field, and be rebuilt as its class.

A class is named ``"module:qualname"``, so declaring it imports nothing. Only classes declared in the
grader's own process are ever rebuilt there: what a kernel claims about a class is never trusted.

This module uses the standard library only: it is imported into students' kernels.

>>> register_record_type("fractions:Fraction", fields=("numerator", "denominator"), rebuild=False)
>>> import fractions
>>> record_fields(fractions.Fraction)
('fractions:Fraction', ('numerator', 'denominator'))
>>> rebuild_record("fractions:Fraction", {"numerator": 1, "denominator": 2})
<fractions:Fraction numerator=1 denominator=2>
"""

from __future__ import annotations

import sys

__all__ = ["RecordFacts", "rebuild_record", "record_fields", "register_record_package", "register_record_type"]

#: "module:qualname" -> (the attribute names that travel, or None for a dataclass's fields; rebuild as the class?)
_TYPES: dict[str, tuple[tuple[str, ...] | None, bool]] = {}
_PACKAGES: set[str] = set()


def _name_of(kind) -> str:
    if isinstance(kind, str):
        module, _, qualname = kind.partition(":")
        if not module or not all(part.isidentifier() for part in [*module.split("."), *qualname.split(".")]):
            raise ValueError(f"A record type is named 'module:QualName' (like 'mypackage.data:Event'), not {kind!r}.")
        return kind
    if not isinstance(kind, type):
        raise TypeError(f"register_record_type() takes a class or its 'module:QualName', not {type(kind).__name__}.")
    return f"{kind.__module__}:{kind.__qualname__}"


def register_record_type(kind, *, fields=None, rebuild: bool = True) -> None:
    """Let objects of class ``kind`` (a class, or its ``"module:QualName"``) leave a student's kernel.

    ``fields`` names the attributes that travel (default: the class's dataclass fields). With ``rebuild=True``
    the grader calls ``kind(**fields)``; with ``rebuild=False`` it gets a :class:`RecordFacts`.
    """
    if fields is not None:
        fields = tuple(fields)
        if not fields or not all(isinstance(field, str) and field.isidentifier() for field in fields):
            raise ValueError(f"fields must be attribute names, not {fields!r}.")
    _TYPES[_name_of(kind)] = (fields, bool(rebuild))


def register_record_package(package: str) -> None:
    """Let every dataclass defined in ``package`` or its submodules leave a student's kernel as its fields."""
    if not all(part.isidentifier() for part in str(package).split(".")):
        raise ValueError(f"Not a package name: {package!r}.")
    _PACKAGES.add(package)


def _in_packages(module: str) -> bool:
    return any(module == package or module.startswith(package + ".") for package in _PACKAGES)


def _loaded(name: str):
    """The class named ``module:qualname`` if its module is already imported (imports nothing)."""
    module, _, qualname = name.partition(":")
    found = sys.modules.get(module)
    for part in qualname.split("."):
        found = getattr(found, part, None)
    return found


def _defined_in_own_file(kind) -> bool:
    """The class comes from its module's own source file (not from a notebook posing as that module)."""
    loaded = sys.modules.get(kind.__module__)
    path = str(getattr(loaded, "__file__", "") or "").replace("\\", "/")
    return path.endswith(kind.__module__.replace(".", "/") + ".py") or path.endswith(
        kind.__module__.replace(".", "/") + "/__init__.py"
    )


def record_fields(kind) -> tuple[str, tuple[str, ...]] | None:
    """``(name, attribute names)`` when objects of class ``kind`` travel as records, else None."""
    module = getattr(kind, "__module__", "") or ""
    qualname = getattr(kind, "__qualname__", "") or ""
    name = f"{module}:{qualname}"
    if _loaded(name) is not kind:
        return None
    declared = _TYPES.get(name)
    dataclass_fields = kind.__dict__.get("__dataclass_fields__")
    if declared is not None:
        fields = declared[0] if declared[0] is not None else tuple(dataclass_fields or ())
        return (name, fields) if fields else None
    if _in_packages(module) and dataclass_fields and _defined_in_own_file(kind):
        return name, tuple(dataclass_fields)
    return None


class RecordFacts:
    """What the grader knows of a record it does not rebuild: its type's name and the attributes that travelled.

    >>> facts = RecordFacts("figures:FigureOutput", {"alt": "A chart."})
    >>> facts.alt, facts == RecordFacts("figures:FigureOutput", {"alt": "A chart."})
    ('A chart.', True)
    """

    __slots__ = ("_fields", "_kind")

    def __init__(self, kind: str, fields: dict) -> None:
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "_fields", dict(fields))

    def __getattr__(self, name):
        try:
            return object.__getattribute__(self, "_fields")[name]
        except KeyError:
            raise AttributeError(f"the grader knows no '{name}' of a {self._kind} (only its fields)") from None

    def __setattr__(self, name, value):
        raise AttributeError("a record's facts cannot be changed")

    def __eq__(self, other):
        return type(other) is RecordFacts and (self._kind, self._fields) == (other._kind, other._fields)

    def __hash__(self):
        return hash(self._kind)

    def __repr__(self) -> str:
        shown = " ".join(f"{key}={value!r}" for key, value in self._fields.items())
        return f"<{self._kind} {shown}>"


def rebuild_record(name: str, fields: dict):
    """The grader's copy of a record, or None when ``name`` is no record type declared in this process."""
    import dataclasses
    import importlib

    module, _, qualname = str(name).partition(":")
    declared = _TYPES.get(name)
    if declared is None and not _in_packages(module):
        return None
    if declared is not None and not declared[1]:
        wanted = declared[0]
        if wanted is not None and set(fields) != set(wanted):
            return None
        return RecordFacts(name, fields)
    try:
        importlib.import_module(module)
    except ImportError:
        return None
    kind = _loaded(name)
    if not isinstance(kind, type) or (declared is None and not dataclasses.is_dataclass(kind)):
        return None
    try:
        return kind(**fields)
    except (TypeError, ValueError):
        return None
