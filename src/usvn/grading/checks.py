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
    "case_ids_where",
    "close",
    "coding_is_defensible",
    "expected_rate",
    "figure_facts",
    "ids_among",
    "is_instance",
    "one_of",
    "passed",
    "same",
    "same_items",
    "states_count",
    "strictly_equal",
    "valid_event_ids",
    "written",
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


# --- Lesson 03: coding a leverage case, rates counted from the data, and alt text that states counts ------

_NUMBER_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
                 "sixteen seventeen eighteen nineteen twenty twenty-one twenty-two twenty-three twenty-four "
                 "twenty-five twenty-six twenty-seven twenty-eight twenty-nine thirty").split()


def coding_is_defensible(value, case_id: str, part: str, name: str) -> None:
    """Pass when ``value`` is the module's coding of a case's ``part`` ("channel" or "outcome") or one the case
    lists as defensible. The message names the allowed kinds of value, never the right ones.

    >>> coding_is_defensible("bilateral", "eu-human-rights-dialogue", "channel", "my_channel")
    >>> coding_is_defensible("lapsed", "eu-human-rights-dialogue", "outcome", "my_outcome")
    Traceback (most recent call last):
    ...
    AssertionError: `my_outcome`: the case's evidence does not support coding it 'lapsed'; reread what was asked, what Vietnam did and whether it lasted.
    """
    from usvn.leverage import CHANNELS, OUTCOMES, load_case

    kinds = CHANNELS if part == "channel" else OUTCOMES
    is_instance(value, str, name)
    if value not in kinds:
        raise AssertionError(f"`{name}` should be one of: {', '.join(repr(kind) for kind in kinds)}, copied exactly.")
    case = load_case(case_id)
    module = case.channel if part == "channel" else case.outcome
    alternatives = case.defensible_channels if part == "channel" else case.defensible_outcomes
    if value != module and value not in {item.value for item in alternatives}:
        raise AssertionError(f"`{name}`: the case's evidence does not support coding it '{value}'; reread what was "
                             "asked, what Vietnam did and whether it lasted.")


def written(value, name: str, min_words: int = 8) -> None:
    """Pass when ``value`` is text of at least ``min_words`` words."""
    is_instance(value, str, name)
    words = len(value.split())
    if words < min_words:
        raise AssertionError(f"`{name}` has {words} word(s): write at least {min_words}, giving your reason.")


def expected_rate(channel: str, scheme: str = "module", case_ids: Iterable[str] | None = None,
                  include_non_pressure: bool = False) -> float | None:
    """The share of a channel's counted cases coded lasting change, counted straight from cases.yaml.

    Deliberately independent of :mod:`usvn.leverage` (a second count, for hidden tests). ``case_ids`` limits
    the count to those cases; by default every case of the lesson's explorer counts.
    """
    from usvn.data import load_data

    data = load_data("cases.yaml")
    overrides = next(record["overrides"] for record in data["schemes"] if record["id"] == scheme)
    wanted = set(case_ids) if case_ids is not None else None
    wins = total = 0
    for record in data["cases"]:
        if record.get("exercise_only") or (wanted is not None and record["id"] not in wanted):
            continue
        if not record["pressure_attempt"] and not include_non_pressure:
            continue
        if overrides.get(record["id"], record["channel"]) != channel:
            continue
        total += 1
        wins += record["outcome"] == "lasting-change"
    return wins / total if total else None


def case_ids_where(original_set: bool | None = None, channel: str | None = None,
                   pressure_attempt: bool | None = None) -> set[str]:
    """Ids of the lesson's cases matching every condition given, counted straight from cases.yaml."""
    from usvn.data import load_data

    found = set()
    for record in load_data("cases.yaml")["cases"]:
        if record.get("exercise_only"):
            continue
        if original_set is not None and record["original_set"] != original_set:
            continue
        if channel is not None and record["channel"] != channel:
            continue
        if pressure_attempt is not None and record["pressure_attempt"] != pressure_attempt:
            continue
        found.add(record["id"])
    return found


def ids_among(value, allowed: Iterable[str], name: str, at_least: int = 1) -> None:
    """Pass when ``value`` is a list of at least ``at_least`` different ids, every one of them in ``allowed``."""
    is_instance(value, list, name)
    if not all(type(item) is str for item in value):
        raise AssertionError(f"`{name}` should hold case ids as text.")
    if len(set(value)) < at_least:
        raise AssertionError(f"`{name}` should name at least {at_least} different case(s); it names {len(set(value))}.")
    if not set(value) <= set(allowed):
        raise AssertionError(f"`{name}`: at least one id does not fit what the question asks for; check each case's "
                             "channel, whether it is a pressure attempt, and whether it was among the first nine.")


def states_count(text, count: int, noun: str, name: str) -> None:
    """Pass when ``text`` states ``count`` as a count of ``noun`` ("18 cases", "eighteen counted cases").

    Digits that appear elsewhere (a year such as 2018) do not count.

    >>> states_count("A chart of eighteen counted cases", 18, "cases", "alt")
    >>> states_count("Cases from 2018 onwards", 18, "cases", "alt")
    Traceback (most recent call last):
    ...
    AssertionError: `alt` does not say how many cases the chart counts (as a number of cases, like "12 cases").
    """
    import re

    is_instance(text, str, name)
    forms = [str(count)] + ([_NUMBER_WORDS[count]] if count < len(_NUMBER_WORDS) else [])
    pattern = rf"(?<![\d-])(?:{'|'.join(re.escape(form) for form in forms)})(?:\s+[a-z-]+){{0,2}}\s+{re.escape(noun)}\b"
    if not re.search(pattern, text.lower()):
        raise AssertionError(f"`{name}` does not say how many {noun} the chart counts (as a number of {noun}, "
                             f"like \"12 {noun}\").")
