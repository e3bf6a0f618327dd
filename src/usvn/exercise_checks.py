"""Checks that this module's exercises call and that know the course: its timeline, cases and criteria.

The generic checks (types, options, numbers, lists, alt text) live with the grader in
:mod:`usvn.grading.checks`; these build on them with the course's own data, and run in the same two places:
in a student's notebook (public tests) and in the grader's process (hidden tests), where they read the
course data from the installed package, never from the student's kernel.

>>> coding_is_defensible("bilateral", "eu-human-rights-dialogue", "channel", "my_channel")
>>> valid_event_ids(["no-such-event"], "my_ids")
Traceback (most recent call last):
...
AssertionError: `my_ids`: 'no-such-event' is not an event id in the timeline; copy ids exactly.
"""

from __future__ import annotations

from collections.abc import Iterable

from usvn.grading.checks import describe_kind, is_instance

__all__ = [
    "case_ids_where",
    "coding_is_defensible",
    "expected_rate",
    "ids_among",
    "rated_with_reasons",
    "valid_event_ids",
]


def valid_event_ids(value, name: str) -> None:
    """A list of ids, each an event in the module's timeline."""
    from usvn.data import load_timeline

    is_instance(value, list, name)
    if not value:
        raise AssertionError(f"`{name}` is an empty list: put the ids of the events you found in it.")
    known = {event.id for event in load_timeline()}
    for item in value:
        if type(item) is not str:
            raise AssertionError(f"`{name}` should hold event ids as text, but one item is {describe_kind(item)}.")
        if item not in known:
            raise AssertionError(f"`{name}`: {item!r} is not an event id in the timeline; copy ids exactly.")


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
