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
    str: 'text in quotes (like "b")',
    int: "a whole number (like 7)",
    float: "a decimal number (like 0.5)",
    bool: "True or False",
    list: 'a list in square brackets (like ["a", "b"])',
    tuple: "a tuple in round brackets",
    dict: 'a dictionary in curly brackets (like {"trade": 3})',
    set: "a set",
    type(None): "None",
}
_SHORT = {
    str: "text",
    int: "a whole number",
    float: "a decimal number",
    bool: "True or False",
    list: "a list",
    tuple: "a tuple",
    dict: "a dictionary",
    set: "a set",
    type(None): "None (no answer yet)",
}


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


# --------------------------------------------------------------------------- alt text: meaning, not surface

_NUMBER_WORDS = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen".split()
    )
}
_TENS = {
    word: 10 * value
    for value, word in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split())
    if word != "_"
}
_TOKEN = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[^\W\d_]+"


def _words(text: str) -> list[str]:
    """Lower-case words and numbers of a text; hyphens split words ("twenty-one" is two words)."""
    import re

    return re.findall(_TOKEN, str(text).casefold())


def _numbers(words: list[str]) -> list[tuple[int, float, int]]:
    """``(first word index, value, last word index)`` of each number written in digits or in words (up to 99)."""
    found, index = [], 0
    while index < len(words):
        word = words[index]
        if word[0].isdigit():
            found.append((index, float(word.replace(",", "")), index))
        elif word in _TENS:
            follow = words[index + 1] if index + 1 < len(words) else ""
            if follow in _NUMBER_WORDS and 0 < _NUMBER_WORDS[follow] < 10:
                found.append((index, float(_TENS[word] + _NUMBER_WORDS[follow]), index + 1))
                index += 1
            else:
                found.append((index, float(_TENS[word]), index))
        elif word in _NUMBER_WORDS:
            found.append((index, float(_NUMBER_WORDS[word]), index))
        elif word == "hundred" and index and words[index - 1] in ("a", "one"):
            found.append((index - 1, 100.0, index))
        index += 1
    return found


def _is_noun(word: str, noun: str) -> bool:
    stem = noun.casefold()
    return word in (stem, stem + "s", stem + "es") or (stem.endswith("y") and word == stem[:-1] + "ies")


def states_count(text, count: int, name: str, noun: str | None = None, *, within: int = 3) -> None:
    """``text`` states ``count`` as a number of its own, in digits or words ("11 events", "eleven events").

    Digits inside another number do not count: "2011" does not state 11, nor does "11.5" or "110". With ``noun``,
    the number must stand next to it: at most ``within`` words before it ("11 trade events") or right after it
    ("events: 11", "events (11 in all)"), so "events in nine rows" states no count of events. The message never
    says what the count should be.

    >>> states_count("A chart of eleven events from 2011 to 2023.", 11, "alt", noun="event")
    >>> states_count("Twenty-one cases, coded by channel.", 21, "alt", noun="case")
    >>> states_count("Trade events from 2011 to 2023.", 11, "alt", noun="event")
    Traceback (most recent call last):
    ...
    AssertionError: `alt` should say how many events the figure shows, as a number (like 7) or a word (like seven).
    """
    is_instance(text, str, name)
    words = _words(text)
    numbers = [(start, end) for start, value, end in _numbers(words) if value == count]
    if noun is None:
        ok = bool(numbers)
    else:
        places = [index for index, word in enumerate(words) if _is_noun(word, noun)]
        ok = any(0 < place - end <= within or start - place == 1 for start, end in numbers for place in places)
    if not ok:
        what = f"{noun}s" if noun else "items"
        raise AssertionError(
            f"`{name}` should say how many {what} the figure shows, as a number (like 7) or a word (like seven)."
        )
    # A count that the text also contradicts ("11 events ... 12 events") is not a clear statement either; "one"
    # before the noun ("no margin with one surrogate") picks out a single item, so it contradicts nothing.
    if noun is not None:
        stated = {
            value
            for start, value, end in _numbers(words)
            if (value != 1 or count == 1)
            and any(0 < place - end <= within for place in range(len(words)) if _is_noun(words[place], noun))
        }
        if len(stated) > 1:
            raise AssertionError(f"`{name}` gives more than one number of {noun}s; say how many the figure shows once.")


def mentions(text, terms, name: str, what: str, *, every: bool = True) -> None:
    """``text`` names each of ``terms`` (or, with ``every=False``, at least one), as whole words (plurals count).

    Case, accents and punctuation do not matter; the message says what kind of thing is missing (``what``),
    never which term.

    >>> mentions("Cases by channel (columns) and outcome (rows).", ["channel", "outcome"], "alt", "what the axes show")
    >>> mentions("Cases by channel.", ["channel", "outcome"], "alt", "what the axes show")
    Traceback (most recent call last):
    ...
    AssertionError: `alt` should name what the axes show; 1 of 2 is missing.
    """
    from usvn.quiz.model import normalize_text

    is_instance(text, str, name)
    terms = list(terms)
    if not terms:
        raise ValueError("mentions() needs at least one term to look for.")
    padded = f" {normalize_text(text)} "
    found = [
        term for term in terms if any(f" {normalize_text(str(term))}{ending} " in padded for ending in ("", "s", "es"))
    ]
    if every and len(found) < len(terms):
        raise AssertionError(f"`{name}` should name {what}; {len(terms) - len(found)} of {len(terms)} is missing.")
    if not every and not found:
        raise AssertionError(f"`{name}` should name {what}.")


_PLACEHOLDERS = {
    "figure",
    "chart",
    "image",
    "plot",
    "graph",
    "picture",
    "alt text",
    "alt",
    "description",
    "todo",
    "your answer here",
    "a chart",
    "a figure",
    "an image",
    "a plot",
    "a graph",
}


def describes(text, name: str, *, min_words: int = 8, max_chars: int = 600) -> None:
    """``text`` reads as a description: a sentence of at least ``min_words`` words, not a placeholder or a file name.

    >>> describes("Bar chart of eleven trade events from 2000 to 2016, most of them after 2007.", "alt")
    >>> describes("chart.png", "alt")
    Traceback (most recent call last):
    ...
    AssertionError: `alt` is a file name or a placeholder: say in words what the figure shows.
    """
    import re

    is_instance(text, str, name)
    stripped = text.strip().strip(".").casefold()
    if stripped in _PLACEHOLDERS or re.fullmatch(r"[\w\-. ]+\.(png|jpe?g|svg|gif|pdf)", stripped):
        raise AssertionError(f"`{name}` is a file name or a placeholder: say in words what the figure shows.")
    if len(re.findall(r"[^\W_]+", text)) < min_words:
        raise AssertionError(
            f"`{name}` is too short: say what the figure shows in a sentence of at least {min_words} words."
        )
    if len(text) > max_chars:
        raise AssertionError(
            f"`{name}` is too long for alt text ({len(text)} characters; keep it under {max_chars}); "
            "put the details in the text beside the figure."
        )


# --------------------------------------------------------------------------- lesson 04: own ratings with reasons


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
    off_scale = [
        factor.title for factor in factors if type(ratings[factor.id]) is not int or not 1 <= ratings[factor.id] <= 5
    ]
    if off_scale:
        raise AssertionError(f"`{name}`: ratings must be whole numbers from 1 to 5; check {', '.join(off_scale)}.")
    unknown = sorted(set(ratings) - {factor.id for factor in factors})
    if unknown:
        raise AssertionError(f"`{name}` has keys that are not factor ids: {', '.join(map(str, unknown))}.")
    missing = [
        factor.title for factor in factors if type(reasons.get(factor.id)) is not str or not reasons[factor.id].strip()
    ]
    if missing:
        raise AssertionError(f"`{reasons_name}` has no reason yet for: {', '.join(missing)}.")
    too_long = [
        factor.title
        for factor in factors
        if len(reasons[factor.id].strip()) > MAX_JUSTIFICATION or "\n" in reasons[factor.id].strip()
    ]
    if too_long:
        raise AssertionError(
            f"`{reasons_name}`: keep each reason to one line of at most {MAX_JUSTIFICATION} "
            f"characters; check {', '.join(too_long)}."
        )
    import re

    untied = [
        factor.title
        for factor in factors
        if not {word.removesuffix("'s") for word in re.findall(r"[a-z0-9'-]+", reasons[factor.id].lower())}
        & evidence_terms(factor)
    ]
    if untied:
        raise AssertionError(
            f"`{reasons_name}`: the reasons for {', '.join(untied)} do not say whose evidence "
            "they rest on or what it shows; name a speaker or a piece of evidence from that "
            "factor's cards."
        )


# --------------------------------------------------------------------------- lesson 03: coding a case, rates from the data


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
        raise AssertionError(
            f"`{name}`: the case's evidence does not support coding it '{value}'; reread what was "
            "asked, what Vietnam did and whether it lasted."
        )


def written(value, name: str, min_words: int = 8) -> None:
    """Pass when ``value`` is text of at least ``min_words`` words."""
    is_instance(value, str, name)
    words = len(value.split())
    if words < min_words:
        raise AssertionError(f"`{name}` has {words} word(s): write at least {min_words}, giving your reason.")


def expected_rate(
    channel: str, scheme: str = "module", case_ids: Iterable[str] | None = None, include_non_pressure: bool = False
) -> float | None:
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


def case_ids_where(
    original_set: bool | None = None, channel: str | None = None, pressure_attempt: bool | None = None
) -> set[str]:
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
        raise AssertionError(
            f"`{name}`: at least one id does not fit what the question asks for; check each case's "
            "channel, whether it is a pressure attempt, and whether it was among the first nine."
        )


__all__ += [
    "case_ids_where",
    "coding_is_defensible",
    "describes",
    "expected_rate",
    "ids_among",
    "mentions",
    "rated_with_reasons",
    "states_count",
    "written",
]
