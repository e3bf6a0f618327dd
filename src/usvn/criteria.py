"""The market-economy criteria and the evidence scorecard, as a pure model (no widgets).

The statute (19 U.S.C. 1677(18)) names six factors and no formula; the scorecard lets a student rate
each factor on a labelled 1-5 scale, weight the factors, justify each rating in a line, and compare with
what Commerce found in 2024. The weighted average is a thinking aid, not how Commerce decides.

>>> criteria = load_criteria()
>>> [factor.number for factor in criteria.factors]
['i', 'ii', 'iii', 'iv', 'v', 'vi']
>>> len(criteria.nme_countries)
12
>>> [event.id for event in criteria.history if event.hanoi_only]
['request-2025-march', 'request-2025-july', 'request-2025-october']
>>> result = assess(criteria.factors, ratings={"currency": 2}, weights={}, justifications={})
>>> result.ok, result.problems[0]
(False, 'No rating yet for: (ii) Free wage bargaining, (iii) Foreign investment, (iv) State ownership, (v) State control of resources, prices and output, (vi) Other factors. Rate every factor.')
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from usvn.loader import UnknownIdError, build, checked_data, load_records
from usvn.style import RATING_STYLE

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "COMMERCE_READINGS",
    "MAX_JUSTIFICATION",
    "RATING_SCALE",
    "Card",
    "Criteria",
    "Factor",
    "Finding",
    "HistoryEvent",
    "Rule",
    "ScorecardResult",
    "assess",
    "evidence_terms",
    "load_criteria",
    "rating_band",
    "scorecard_alt_text",
    "scorecard_figure",
]

#: The labelled scale: how far the evidence shows the factor working on market principles.
RATING_SCALE: dict[int, str] = {
    1: "Clearly state-directed",
    2: "Mostly state-directed",
    3: "Mixed",
    4: "Mostly market-based",
    5: "Clearly market-based",
}

#: How each reported Commerce finding reads, in words.
COMMERCE_READINGS: dict[str, str] = {
    "against": "Found continuing state control",
    "mixed": "Found improvement, but barriers persist",
    "none-reported": "No separate finding reported in the module's sources",
}

MAX_JUSTIFICATION = 200
MAX_WEIGHT = 10


@dataclass(frozen=True)
class Card:
    id: str
    speaker: str
    speaker_label: str
    who: str
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Finding:
    reading: str
    text: str
    sources: tuple[str, ...]

    @property
    def reading_label(self) -> str:
        return COMMERCE_READINGS[self.reading]


@dataclass(frozen=True)
class Factor:
    id: str
    number: str
    name: str
    plain: str
    commerce: Finding
    cards: tuple[Card, ...]
    link: str | None = None

    @property
    def title(self) -> str:
        return f"({self.number}) {self.name}"


@dataclass(frozen=True)
class Rule:
    id: str
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class HistoryEvent:
    """One step in the law's history in Vietnam's case; ``hanoi_only`` marks records that rest on Hanoi's account."""

    id: str
    when: str
    title: str
    text: str
    sources: tuple[str, ...]
    hanoi_only: bool = False


@dataclass(frozen=True)
class Criteria:
    citation: str
    definition: str
    definition_sources: tuple[str, ...]
    rules: tuple[Rule, ...]
    factors: tuple[Factor, ...]
    nme_as_of: str
    nme_note: str
    nme_sources: tuple[str, ...]
    nme_countries: tuple[tuple[str, str], ...]
    decision_date: str = ""
    decision_scope: str = ""
    decision_sources: tuple[str, ...] = ()
    history: tuple[HistoryEvent, ...] = ()
    history_as_of: str = ""
    history_coverage: str = ""

    def factor(self, factor_id: str) -> Factor:
        for factor in self.factors:
            if factor.id == factor_id:
                return factor
        raise UnknownIdError(f"No factor '{factor_id}'; factors are {', '.join(f.id for f in self.factors)}.")


@cache
def load_criteria() -> Criteria:
    """The statute, its six factors with their evidence cards, and the NME list, from ``criteria.yaml``."""
    data = checked_data("criteria.yaml")
    speakers = data["speakers"]

    def factor(record: dict) -> Factor:
        cards = load_records(
            "criteria.yaml",
            record["cards"],
            lambda card: build(Card, card, speaker_label=speakers[card["speaker"]]),
        )
        return build(Factor, record, commerce=build(Finding, record["commerce"]), cards=cards)

    statute, nme, decision, history = data["statute"], data["nme_list"], data["decision"], data["history"]
    return Criteria(
        citation=statute["citation"],
        definition=statute["definition"]["text"],
        definition_sources=tuple(statute["definition"]["sources"]),
        rules=load_records("criteria.yaml", statute["rules"], lambda rule: build(Rule, rule)),
        factors=load_records("criteria.yaml", "factors", factor),
        nme_as_of=nme["as_of"],
        nme_note=nme["note"],
        nme_sources=tuple(nme["sources"]),
        nme_countries=tuple((country["name"], country["notice"]) for country in nme["countries"]),
        decision_date=decision["date"],
        decision_scope=decision["scope"],
        decision_sources=tuple(decision["sources"]),
        history=load_records(
            "criteria.yaml",
            history["events"],
            lambda event: build(HistoryEvent, event, omit=("account",), hanoi_only=event.get("account") == "hanoi"),
        ),
        history_as_of=history["as_of"],
        history_coverage=history["coverage"],
    )


_NOT_EVIDENCE = frozenset(
    """
the and for with from this that its about after before into under over than who whose what when which while
vietnam vietnam's vietnamese viet nam united states american january february march april may june july
august september october november december head minister president secretary rep led two dozen news
""".split()
)

#: Words that name whose evidence a reason rests on, for every factor.
_SPEAKER_WORDS = frozenset(
    {
        "commerce",
        "hanoi",
        "moit",
        "ministry",
        "minister",
        "request",
        "lawmakers",
        "congress",
        "advocacy",
        "advocates",
        "analyst",
        "lawyers",
        "business",
        "businesses",
        "oecd",
        "ilo",
        "finding",
        "findings",
        "record",
    }
)


def evidence_terms(factor: Factor) -> frozenset[str]:
    """Words that tie a one-line reason to the evidence on ``factor``: whose evidence it is, or what it names.

    Taken from the factor's cards (the speakers' names, organizations and the laws or bodies the cards name)
    plus words that name a kind of speaker. Used to check that a reason points to evidence, not to grade it.

    >>> terms = evidence_terms(load_criteria().factor("wages"))
    >>> {"vgcl", "project88", "commerce"} <= terms, "vietnam" in terms
    (True, False)
    """
    words: set[str] = set(_SPEAKER_WORDS)
    for card in factor.cards:
        for text in (card.who, card.text, card.speaker_label):
            for token in re.findall(r"[A-Za-z][A-Za-z0-9'-]+", text):
                if token[0].isupper() or token.isupper():
                    word = token.lower().removesuffix("'s")
                    if len(word) >= 3 and word not in _NOT_EVIDENCE:
                        words.add(word)
    return frozenset(words)


def rating_band(rating: int) -> str:
    """``state`` for 1-2, ``mixed`` for 3, ``market`` for 4-5.

    >>> [rating_band(r) for r in (1, 3, 5)]
    ['state', 'mixed', 'market']
    """
    return "state" if rating <= 2 else "mixed" if rating == 3 else "market"


@dataclass(frozen=True)
class Row:
    factor: Factor
    rating: int
    weight: float
    justification: str


@dataclass(frozen=True)
class ScorecardResult:
    """Either ``ok`` with rows and a weighted average, or not ok with the problems to fix, in words."""

    ok: bool
    problems: tuple[str, ...]
    rows: tuple[Row, ...] = ()
    weighted_average: float | None = None

    @property
    def reading(self) -> str:
        if self.weighted_average is None:
            return ""
        band = rating_band(round(self.weighted_average))
        return {"state": "leans state-directed", "mixed": "is mixed", "market": "leans market-based"}[band]

    def summary(self) -> str:
        if not self.ok:
            return "Not yet. " + " ".join(self.problems)
        return (
            f"Your weighted average is {self.weighted_average:.1f} on the 1-5 scale: on your ratings and "
            f"weights, the evidence {self.reading}. Commerce weighs the factors together with no formula, "
            "so treat this number as a summary of your own judgement, not as the legal test."
        )


def _names(factors: Sequence[Factor]) -> str:
    return ", ".join(factor.title for factor in factors)


def _rating(value: object) -> int | None | str:
    """A rating as an int 1-5, None if absent, or a message if unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return f"a rating must be a whole number from 1 to 5, not {type(value).__name__}"
    try:
        number = float(value)
    except ValueError:
        return f"'{value}' is not a rating; use a whole number from 1 to 5"
    if not number.is_integer() or not 1 <= number <= 5:
        return f"{value} is not on the scale; use a whole number from 1 to 5"
    return int(number)


def assess(
    factors: Sequence[Factor],
    ratings: Mapping[str, object],
    weights: Mapping[str, object],
    justifications: Mapping[str, object],
) -> ScorecardResult:
    """Check a scorecard and, if it is complete, compute the weighted average.

    A missing weight counts as 1. Every problem is reported at once, so the student can fix them together.
    """
    problems: list[str] = []
    unrated, bad_ratings, bad_weights, unjustified, too_long = [], [], [], [], []
    rows = []
    for factor in factors:
        rating = _rating(ratings.get(factor.id))
        if rating is None:
            unrated.append(factor)
        elif isinstance(rating, str):
            bad_ratings.append(f"{factor.title}: {rating}")
        raw_weight = weights.get(factor.id, 1)
        try:
            if isinstance(raw_weight, bool):
                raise TypeError
            weight = float(raw_weight)  # type: ignore[arg-type]
            if not math.isfinite(weight) or weight < 0 or weight > MAX_WEIGHT:
                raise ValueError
        except (TypeError, ValueError):
            bad_weights.append(factor.title)
            weight = 0.0
        text = justifications.get(factor.id, "")
        text = text.strip() if isinstance(text, str) else ""
        if not text:
            unjustified.append(factor)
        elif len(text) > MAX_JUSTIFICATION or "\n" in text:
            too_long.append(factor)
        if isinstance(rating, int):
            rows.append(Row(factor, rating, weight, text))
    if unrated:
        problems.append(f"No rating yet for: {_names(unrated)}. Rate every factor.")
    if bad_ratings:
        problems.append("Some ratings cannot be read: " + "; ".join(bad_ratings) + ".")
    if bad_weights:
        problems.append(f"Weights must be numbers from 0 to {MAX_WEIGHT}; check {', '.join(bad_weights)}.")
    elif not unrated and not bad_ratings and sum(row.weight for row in rows) == 0:
        problems.append(
            "Your weights add up to zero, so there is nothing to average: give at least one factor a weight above zero."
        )
    if unjustified:
        problems.append(f"Write a one-line justification for: {_names(unjustified)}.")
    if too_long:
        problems.append(
            f"Keep each justification to one line of at most {MAX_JUSTIFICATION} characters: {_names(too_long)}."
        )
    if problems:
        return ScorecardResult(False, tuple(problems))
    total = sum(row.weight for row in rows)
    average = sum(row.rating * row.weight for row in rows) / total
    return ScorecardResult(True, (), tuple(rows), average)


def scorecard_alt_text(result: ScorecardResult) -> str:
    """Alt text listing each factor's rating, band and weight, and the weighted average."""
    parts = []
    for row in result.rows:
        style = RATING_STYLE[rating_band(row.rating)]
        parts.append(
            f"{row.factor.title}: {row.rating} ({RATING_SCALE[row.rating].lower()}; {style.marker_name}, "
            f"{style.hatch_name}), weight {row.weight:g}"
        )
    return (
        "Horizontal bar chart of your ratings of the six factors on a scale from 1 (clearly state-directed) "
        "to 5 (clearly market-based). "
        + "; ".join(parts)
        + f". A dashed line marks your weighted average, {result.weighted_average:.1f}."
    )


def scorecard_figure(result: ScorecardResult) -> Figure:
    """One bar per factor, in statute order; band shown by colour, hatch, marker and a text label."""
    from matplotlib.figure import Figure  # deferred: only a checked scorecard is drawn

    rows = result.rows
    figure = Figure(figsize=(8.5, 1.2 + 0.6 * len(rows)))
    axes = figure.subplots()
    positions = list(range(len(rows)))[::-1]
    for position, row in zip(positions, rows):
        band = rating_band(row.rating)
        style = RATING_STYLE[band]
        axes.barh(
            position,
            row.rating,
            color=style.colour,
            hatch=style.hatch,
            edgecolor="black",
            linewidth=0.8,
            height=0.6,
            label=style.label,
        )
        axes.plot(row.rating, position, marker=style.marker, color="black", markersize=8, linestyle="none")
        axes.annotate(
            f"{row.rating} {RATING_SCALE[row.rating].lower()} (weight {row.weight:g})",
            (row.rating, position),
            xytext=(12, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    axes.axvline(result.weighted_average, color="black", linestyle="--", linewidth=1)
    axes.annotate(
        f"weighted average {result.weighted_average:.1f}",
        (result.weighted_average, len(rows) - 0.4),
        xytext=(3, 0),
        textcoords="offset points",
        fontsize=8,
    )
    axes.set_yticks(positions, [textwrap.fill(row.factor.title, 28) for row in rows])
    axes.set_xlim(0, 9.5)
    axes.set_xticks([1, 2, 3, 4, 5])
    axes.set_ylim(-0.6, len(rows) - 0.1)
    axes.set_xlabel("1 = clearly state-directed ... 5 = clearly market-based")
    handles, labels = axes.get_legend_handles_labels()
    unique = dict(zip(labels, handles))
    axes.legend(
        unique.values(),
        unique.keys(),
        loc="upper center",
        bbox_to_anchor=(0.45, -0.28),
        ncol=3,
        fontsize=8,
        frameon=False,
    )
    axes.set_title("Your evidence scorecard", loc="left", fontsize=11)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    # Fixed margins (room for the longest factor name and the legend), so the view can skip a tight re-layout.
    figure.subplots_adjust(left=0.27, right=0.98, top=0.9, bottom=0.27)
    return figure
