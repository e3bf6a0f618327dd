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


# --- Lesson 04: the student's own factor ratings, and alt text that states a count ----------------------

_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                 "twelve")


def rated_with_reasons(ratings, reasons, name: str = "my_ratings", reasons_name: str = "my_reasons") -> None:
    """Every factor of the statute rated with a whole number from 1 to 5, each with a one-line reason that
    points to evidence on that factor (whose evidence, or what it names). Any rating earns credit: there is
    no key, only a check that the rating is on the scale and rests on a stated reason.

    >>> from usvn.criteria import load_criteria
    >>> ids = [factor.id for factor in load_criteria().factors]
    >>> rated_with_reasons(dict.fromkeys(ids, 2), dict.fromkeys(ids, "Commerce found continuing state control."))
    >>> rated_with_reasons(dict.fromkeys(ids, 2), dict.fromkeys(ids, "I just think so."))
    Traceback (most recent call last):
    ...
    AssertionError: `my_reasons`: the reasons for (i) Currency convertibility, (ii) Free wage bargaining, (iii) Foreign investment, (iv) State ownership, (v) State control of resources, prices and output, (vi) Other factors do not say whose evidence they rest on or what it shows; name a speaker or a piece of evidence from that factor's cards.
    """
    from usvn.criteria import MAX_JUSTIFICATION, evidence_terms, load_criteria

    is_instance(ratings, dict, name)
    is_instance(reasons, dict, reasons_name)
    factors = load_criteria().factors
    unrated = [factor.title for factor in factors if ratings.get(factor.id) is None]
    if unrated:
        raise AssertionError(f"`{name}` has no rating yet for: {', '.join(unrated)}.")
    off_scale = [factor.title for factor in factors
                 if type(ratings[factor.id]) is not int or not 1 <= ratings[factor.id] <= 5]
    if off_scale:
        raise AssertionError(f"`{name}`: ratings must be whole numbers from 1 to 5; check {', '.join(off_scale)}.")
    unknown = sorted(set(ratings) - {factor.id for factor in factors})
    if unknown:
        raise AssertionError(f"`{name}` has keys that are not factor ids: {', '.join(map(str, unknown))}.")
    missing = [factor.title for factor in factors
               if type(reasons.get(factor.id)) is not str or not reasons[factor.id].strip()]
    if missing:
        raise AssertionError(f"`{reasons_name}` has no reason yet for: {', '.join(missing)}.")
    too_long = [factor.title for factor in factors
                if len(reasons[factor.id].strip()) > MAX_JUSTIFICATION or "\n" in reasons[factor.id].strip()]
    if too_long:
        raise AssertionError(f"`{reasons_name}`: keep each reason to one line of at most {MAX_JUSTIFICATION} "
                             f"characters; check {', '.join(too_long)}.")
    import re

    untied = [factor.title for factor in factors
              if not {word.removesuffix("'s") for word in re.findall(r"[a-z0-9'-]+", reasons[factor.id].lower())}
              & evidence_terms(factor)]
    if untied:
        raise AssertionError(f"`{reasons_name}`: the reasons for {', '.join(untied)} do not say whose evidence "
                             "they rest on or what it shows; name a speaker or a piece of evidence from that "
                             "factor's cards.")


def states_count(text, count: int, noun: str, name: str) -> None:
    """``text`` states ``count`` as a number of ``noun`` ("3 surrogates", "three hypothetical surrogate
    countries"), in digits or words; a number elsewhere in the text (a year, a percentage) does not count.

    >>> states_count("Bars for three hypothetical surrogate countries.", 3, "surrogate", "alt")
    >>> states_count("Margins in 2003 for each surrogate.", 3, "surrogate", "alt")
    Traceback (most recent call last):
    ...
    AssertionError: `alt` does not say how many surrogates the chart shows: write the number, in digits or words, just before the word "surrogate".
    """
    import re

    is_instance(text, str, name)
    numbers = {str(count)} | ({_NUMBER_WORDS[count]} if count < len(_NUMBER_WORDS) else set())
    pattern = (r"(?<![\w.,])(" + "|".join(map(re.escape, numbers)) + r")(?![\w.,%])\s+(?:[a-z-]+\s+){0,2}"
               + re.escape(noun.lower()))
    if not re.search(pattern, text.lower()):
        raise AssertionError(f"`{name}` does not say how many {noun}s the chart shows: write the number, in "
                             f"digits or words, just before the word \"{noun}\".")
