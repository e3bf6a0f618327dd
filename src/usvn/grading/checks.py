"""Checks that test cells call: plain-language, type-strict, and silent about the right answer.

Test cells in ``solutions/`` use these. They run in two places with the same meaning:

- in a student's notebook (public tests only) and under nbgrader, on the student's live objects;
- in this module's grader, on the answers after they left the student's kernel as data
  (so a student who redefines these functions in the notebook changes nothing the grader runs).

A failed check raises :class:`AssertionError` whose message says which answer is wrong and how
(wrong kind of value, not one of the options, an unknown event id) but never what the right answer is.

>>> same(3, 3, "n_events")
>>> same(3.0, 3, "n_events")
Traceback (most recent call last):
...
AssertionError: `n_events` should be a whole number (like 7), but it is a decimal number.
>>> same_items(["b", "a"], ["a", "b"], "ids")
>>> close(0.3333, 1 / 3, "share", tolerance=0.001)
"""

from __future__ import annotations

import math
from collections.abc import Iterable

__all__ = [
    "answered",
    "close",
    "figure_facts",
    "is_instance",
    "one_of",
    "passed",
    "same",
    "same_items",
    "states_count",
    "strictly_equal",
    "valid_event_ids",
]

_KINDS = {
    str: "text in quotes (like \"b\")",
    int: "a whole number (like 7)",
    float: "a decimal number (like 0.5)",
    bool: "True or False",
    list: "a list in square brackets (like [\"a\", \"b\"])",
    tuple: "a tuple in round brackets",
    dict: "a dictionary in curly brackets (like {\"trade\": 3})",
    set: "a set",
    type(None): "None",
}
_SHORT = {str: "text", int: "a whole number", float: "a decimal number", bool: "True or False", list: "a list",
          tuple: "a tuple", dict: "a dictionary", set: "a set", type(None): "None (no answer yet)"}


def _kind(value) -> str:
    if type(value).__name__ in ("Unsupported", "Missing", "StudentFunction"):
        return repr(value)
    return _SHORT.get(type(value), f"a {type(value).__name__}")


def strictly_equal(actual, expected) -> bool:
    """Equal in value *and* type, all the way down: ``1 != 1.0 != True`` here.

    >>> strictly_equal([1, "a"], [1, "a"]), strictly_equal([1], [1.0]), strictly_equal(True, 1)
    (True, False, False)
    """
    if type(actual) is not type(expected):
        return False
    if isinstance(expected, (list, tuple)):
        return len(actual) == len(expected) and all(map(strictly_equal, actual, expected))
    if isinstance(expected, dict):
        return actual.keys() == expected.keys() and all(strictly_equal(actual[key], expected[key]) for key in expected)
    if isinstance(expected, (set, frozenset)):
        return actual == expected and {(type(item), item) for item in actual} == {(type(i), i) for i in expected}
    if isinstance(expected, float) and math.isnan(expected):
        return math.isnan(actual)
    return bool(actual == expected)


def answered(value, name: str) -> None:
    """The placeholder (``None`` or ``...``) has been replaced."""
    if value is None or value is Ellipsis:
        raise AssertionError(f"`{name}` has no answer yet: replace the placeholder with your answer.")
    if type(value).__name__ == "Missing":
        raise AssertionError(f"`{name}` is not defined: run the cell that sets it (and keep its name).")


def is_instance(value, kind: type, name: str) -> None:
    """``value`` is exactly of type ``kind`` (a ``bool`` is not an ``int`` here)."""
    answered(value, name)
    if type(value) is not kind:
        raise AssertionError(f"`{name}` should be {_KINDS.get(kind, kind.__name__)}, but it is {_kind(value)}.")


def one_of(value, options: Iterable, name: str) -> None:
    """``value`` is one of ``options`` (the options are public: they are printed with the question)."""
    options = list(options)
    is_instance(value, type(options[0]), name)
    if value not in options:
        listed = ", ".join(repr(option) for option in options)
        raise AssertionError(f"`{name}` should be one of {listed}; {value!r} is not one of them.")


def same(value, expected, name: str) -> None:
    """Type-strict equality; the message names the kind of mistake, never the expected value."""
    is_instance(value, type(expected), name)
    if isinstance(expected, (list, tuple)) and len(value) != len(expected):
        raise AssertionError(f"`{name}` does not have the expected number of items.")
    if not strictly_equal(value, expected):
        raise AssertionError(f"`{name}` is not the expected answer.")


def close(value, expected: float, name: str, tolerance: float = 1e-6) -> None:
    """A number (``int`` or ``float``, not ``bool``) within ``tolerance`` of ``expected``."""
    answered(value, name)
    if type(value) not in (int, float):
        raise AssertionError(f"`{name}` should be a number, but it is {_kind(value)}.")
    if not math.isfinite(value) or abs(value - expected) > tolerance:
        raise AssertionError(f"`{name}` is not the expected number (checked to within {tolerance:g}).")


def same_items(value, expected: Iterable, name: str) -> None:
    """A list with the same items as ``expected``, in any order, each once."""
    expected = list(expected)
    is_instance(value, list, name)
    if len(set(map(repr, value))) != len(value):
        raise AssertionError(f"`{name}` lists an item more than once.")
    if expected and not all(type(item) is type(expected[0]) for item in value):
        raise AssertionError(f"`{name}` should hold only {_SHORT.get(type(expected[0]), 'items')}s.")
    if sorted(map(repr, value)) != sorted(map(repr, expected)):
        missing = len({repr(item) for item in expected} - {repr(item) for item in value})
        extra = len({repr(item) for item in value} - {repr(item) for item in expected})
        parts = [f"{missing} expected item(s) missing"] if missing else []
        parts += [f"{extra} item(s) that do not belong"] if extra else []
        raise AssertionError(f"`{name}` is not the expected list: {' and '.join(parts)}.")


def valid_event_ids(value, name: str) -> None:
    """A list of ids, each an event in the module's timeline."""
    from usvn.data import load_timeline

    is_instance(value, list, name)
    if not value:
        raise AssertionError(f"`{name}` is an empty list: put the ids of the events you found in it.")
    known = {event.id for event in load_timeline()}
    for item in value:
        if type(item) is not str:
            raise AssertionError(f"`{name}` should hold event ids as text, but one item is {_kind(item)}.")
        if item not in known:
            raise AssertionError(f"`{name}`: {item!r} is not an event id in the timeline; copy ids exactly.")


def figure_facts(figure) -> dict:
    """Titles, labels and point counts of a figure, from a live matplotlib figure or the grader's copy.

    Returns ``{"axes": [{"title", "xlabel", "ylabel", "points", "bars", "legend"}, ...], "suptitle": str}``.
    """
    if type(figure).__name__ == "FigureFacts":
        return {"axes": [dict(axes) for axes in figure.axes], "suptitle": figure.suptitle}
    if type(figure).__module__ == "matplotlib.figure" and type(figure).__name__ == "Figure":
        from usvn.grading.extract import _figure_facts

        return _figure_facts(figure)
    raise AssertionError(f"expected a matplotlib figure, but got {_kind(figure)}.")


def passed(label: str) -> None:
    """Say that the public checks passed, and that hidden tests will also count."""
    print(f"✓ {label}: passes the public checks. Hidden tests will also count when your work is graded.")


# --- added for lesson 01: alt text that states how many things a chart shows ------------------------------------

_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                 "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS_WORDS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def _count_words(count: int) -> set[str]:
    """Ways a person writes a whole number from 0 to 99: "9", "nine"; "21", "twenty-one", "twenty one"."""
    forms = {str(count)}
    if count < 20:
        forms.add(_NUMBER_WORDS[count])
    elif count < 100:
        tens, units = divmod(count, 10)
        if units == 0:
            forms.add(_TENS_WORDS[tens])
        else:
            forms |= {f"{_TENS_WORDS[tens]}-{_NUMBER_WORDS[units]}", f"{_TENS_WORDS[tens]} {_NUMBER_WORDS[units]}"}
    return forms


def states_count(text, count: int, noun: str, name: str) -> None:
    """Text that says how many ``noun``\\s a figure shows: "eleven events" or "11 security events" pass.

    The number must stand as a count of the noun, within three words before it ("9 numbered security events")
    or just after it ("events: 9"). A number that is only part of a year or of another number does not count,
    so "events from 2003 to 2019" does not state a count of 9 or 19.

    >>> states_count("A chart of eleven events from 2003 to 2023.", 11, "event", "alt")
    >>> states_count("Nine numbered security events, 2003 to 2023.", 9, "event", "alt")
    >>> states_count("Security events from 2011 to 2019.", 11, "event", "alt")
    Traceback (most recent call last):
    ...
    AssertionError: `alt` does not say how many events the figure shows (as a number or in words, next to "events").
    """
    import re

    is_instance(text, str, name)
    numbers = "|".join(sorted((re.escape(form) for form in _count_words(count)), key=len, reverse=True))
    plural = rf"{re.escape(noun)}s?"
    before = rf"(?<![\w.,-])(?:{numbers})(?![\w.,-]|,\d)(?:\s+[A-Za-z-]+){{0,3}}?\s+{plural}\b"
    after = rf"\b{plural}\s*[:=(]\s*(?:{numbers})(?![\w.-])"
    if not re.search(before, text, flags=re.IGNORECASE) and not re.search(after, text, flags=re.IGNORECASE):
        raise AssertionError(f"`{name}` does not say how many {noun}s the figure shows "
                             f"(as a number or in words, next to \"{noun}s\").")
