"""Decode answers that left a student's kernel into values the grader's checks can compare.

Everything here runs in the grader's process on data, never on the student's objects. A value that could
not travel (a student's own class, a figure object, a too-large list) decodes to a stand-in that compares
unequal to everything and names its type, so a check fails with a plain message instead of crashing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from usvn.grading.extract import call_key

__all__ = ["FigureFacts", "Missing", "StudentCodeError", "StudentFunction", "Unsupported", "call_key", "decode"]


class StudentCodeError(Exception):
    """A student's function raised (or hung, or crashed the kernel) when the grader called it."""


@dataclass(frozen=True)
class Unsupported:
    """A value of a kind that does not leave the kernel (or was too large to)."""

    type_name: str
    reason: str = "unsupported"

    def __eq__(self, other):
        return False

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        if self.reason == "too-large":
            return f"<a {self.type_name} too large to grade>"
        return f"<a {self.type_name} object>"


class Missing(Unsupported):
    """The name was not defined in the student's kernel."""

    def __init__(self) -> None:
        super().__init__("missing", "missing")

    def __repr__(self) -> str:
        return "<not defined>"


@dataclass(frozen=True)
class FigureFacts:
    """What the grader knows about a student's matplotlib figure."""

    axes: tuple = ()
    suptitle: str = ""

    @property
    def points(self) -> int:
        return sum(axes["points"] for axes in self.axes)

    @property
    def titles(self) -> list[str]:
        return [axes["title"] for axes in self.axes]


@dataclass(frozen=True)
class FigureOutputFacts:
    """A :class:`usvn.display.FigureOutput`: the grader knows its alt text."""

    alt: str


@dataclass
class StudentFunction:
    """Stands for a student's function: returns what the kernel returned for the same arguments."""

    name: str
    results: dict = field(default_factory=dict)  # call key -> ("value", decoded) | ("raised", message)

    def __call__(self, *args, **kwargs):
        if kwargs:
            raise StudentCodeError(f"{self.name}() was called with keyword arguments the grader did not prepare.")
        key = call_key(args)
        if key not in self.results:
            raise StudentCodeError(f"{self.name}() was not run on these inputs (the kernel stopped before it).")
        kind, value = self.results[key]
        if kind == "raised":
            raise StudentCodeError(f"your function {self.name}() {value}")
        return value

    def __repr__(self) -> str:
        return f"<function {self.name}>"


def decode(data):
    """Rebuild a value from its tagged JSON.

    >>> decode({"__t": "tuple", "v": [1, {"__t": "set", "v": ["a"]}]})
    (1, {'a'})
    >>> decode({"__t": "unsupported", "type": "Cheater"})
    <a Cheater object>
    """
    if isinstance(data, list):
        return [decode(element) for element in data]
    if not isinstance(data, dict):
        return data
    tag, value = data.get("__t"), data.get("v")
    if tag == "tuple":
        return tuple(decode(element) for element in value)
    if tag == "set":
        return {decode(element) for element in value}
    if tag == "frozenset":
        return frozenset(decode(element) for element in value)
    if tag == "dict":
        return {decode(key): decode(element) for key, element in value}
    if tag == "float":
        return float(value)
    if tag == "bigint":
        return int(value)
    if tag == "record":
        return _record(data.get("class"), {key: decode(element) for key, element in value.items()})
    if tag == "figure":
        facts = decode(value)
        return FigureFacts(tuple(facts.get("axes", ())), facts.get("suptitle", ""))
    if tag == "figure-output":
        return FigureOutputFacts(decode(data.get("alt")))
    if tag == "missing":
        return Missing()
    if tag == "too-large":
        return Unsupported(str(data.get("type", "value")), "too-large")
    return Unsupported(str(data.get("type", "value")))


def _record(class_name, fields):
    from usvn import data

    classes = {"usvn.data.Event": data.Event, "usvn.data.Source": data.Source}
    if class_name not in classes:
        return Unsupported(str(class_name))
    try:
        rebuilt = {key: tuple(value) if isinstance(value, list) else value for key, value in fields.items()}
        return classes[class_name](**rebuilt)
    except TypeError:
        return Unsupported(str(class_name))
