"""Checks that test cells call: plain-language, type-strict, and silent about the right answer.

The test cells of a source notebook use these generic checks (a course adds its own on top, in a
module of its own). They run in two places with the same meaning:

- in a student's notebook (public tests only) and under nbgrader, on the student's live objects;
- in the grader, on the answers after they left the student's kernel as data
  (so a student who redefines these functions in the notebook changes nothing the grader runs).

A failed check raises :class:`AssertionError` whose message says which answer is wrong and how
(wrong kind of value, not one of the options, a missing term) but never what the right answer is.

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
    "describe_kind",
    "describes",
    "figure_facts",
    "is_instance",
    "mentions",
    "normalize_text",
    "one_of",
    "passed",
    "same",
    "same_items",
    "states_count",
    "strictly_equal",
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


def describe_kind(value) -> str:
    """The kind of a value in a student's words ("text", "a whole number"), never its content.

    >>> describe_kind(3), describe_kind("3"), describe_kind(None)
    ('a whole number', 'text', 'None (no answer yet)')
    """
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
        raise AssertionError(f"`{name}` should be {_KINDS.get(kind, kind.__name__)}, but it is {describe_kind(value)}.")


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
        raise AssertionError(f"`{name}` should be a number, but it is {describe_kind(value)}.")
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


def figure_facts(figure) -> dict:
    """Titles, labels and point counts of a figure, from a live matplotlib figure or the grader's copy.

    Returns ``{"axes": [{"title", "xlabel", "ylabel", "points", "bars", "legend"}, ...], "suptitle": str}``.
    """
    if type(figure).__name__ == "FigureFacts":
        return {"axes": [dict(axes) for axes in figure.axes], "suptitle": figure.suptitle}
    if type(figure).__module__ == "matplotlib.figure" and type(figure).__name__ == "Figure":
        from usvn.grading import extract

        return extract.figure_facts(figure)
    raise AssertionError(f"expected a matplotlib figure, but got {describe_kind(figure)}.")


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


_SPELLINGS = {
    "labour": "labor",
    "organisation": "organization",
    "organisations": "organizations",
    "&": "and",
}


def normalize_text(text: str) -> str:
    """Fold case, accents, punctuation, spacing and a few British spellings, so close variants of a term match.

    Dots after single letters go ("U.S." is "us"), apostrophes go ("Vietnam's" is "vietnams"), other
    punctuation becomes a space.

    >>> normalize_text("  Đổi  Mới! ")
    'doi moi'
    >>> normalize_text("C.S.P."), normalize_text("International Labour Organisation")
    ('csp', 'international labor organization')
    """
    import re
    import unicodedata

    text = text.replace("đ", "d").replace("Đ", "D").replace("&", " & ")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    text = re.sub(r"(?<![^\W\d_])([^\W\d_])\.", r"\1", text)
    text = re.sub(r"['’‘`´]", "", text)
    text = re.sub(r"[^\w\s&]", " ", text)
    text = " ".join(text.split())
    for variant, canonical in _SPELLINGS.items():
        text = re.sub(rf"(?<!\S){re.escape(variant)}(?!\S)", canonical, text)
    return text


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


def written(value, name: str, min_words: int = 8) -> None:
    """Pass when ``value`` is text of at least ``min_words`` words."""
    is_instance(value, str, name)
    words = len(value.split())
    if words < min_words:
        raise AssertionError(f"`{name}` has {words} word(s): write at least {min_words}, giving your reason.")
