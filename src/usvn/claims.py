"""Close reading as a pure model: tag the evidence a claim rests on, rate its support, compare with the module.

The student answers first; :meth:`Claim.compare` then says where the two readings agree and where
they differ, with the module's reasons. Nothing is graded: a different tag can be a defensible one.

>>> claim = load_claims()[0]
>>> claim.compare(None, "well supported").ready
False
>>> result = claim.compare(claim.evidence_kind, claim.rating)
>>> result.kind_verdict, result.rating_gap
('same', 0)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from usvn.data import load_sources
from usvn.loader import DataError, UnknownIdError, build, load_records

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "EVIDENCE_KINDS",
    "RATINGS",
    "Alternative",
    "Claim",
    "Comparison",
    "evidence_counts",
    "evidence_figure",
    "load_claims",
    "source_context",
]

#: The kinds of evidence a claim can rest on, with the definition the lesson teaches.
EVIDENCE_KINDS: dict[str, str] = {
    "official document": "a law, treaty, government statement or other official text, quoted or cited",
    "statistic": "a number from a survey, count or estimate",
    "named testimony": "what a named person said, on the record",
    "anonymous source": "what an unnamed person told the author, which readers cannot check",
    "inference": "the author's own reasoning from other facts, such as timing or motive",
}

#: How well a claim is supported, strongest first.
RATINGS: tuple[str, ...] = ("well supported", "partly supported", "weakly supported")

#: What each seed text is, for the heading of its claims.
_SOURCE_CONTEXT = {
    "tran-2021": "a 2021 policy essay by a researcher, published by Air University (US Air Force); "
    "the views are the author's own",
    "project88-2024": "a May 2024 report by Project88, a human rights advocacy group; it argues a case",
}

KindVerdict = Literal["same", "defensible", "different"]


def source_context(source_id: str) -> str:
    """A one-line description of a seed text: who wrote it, when, and for what."""
    try:
        return _SOURCE_CONTEXT[source_id]
    except KeyError:
        raise UnknownIdError(
            f"'{source_id}' is not one of the texts read closely here ({', '.join(_SOURCE_CONTEXT)})."
        ) from None


@dataclass(frozen=True)
class Alternative:
    kind: str
    reason: str


@dataclass(frozen=True)
class Comparison:
    """The outcome of comparing a student's reading of a claim with the module's.

    ``ready`` is False when the reading is incomplete or unreadable; ``message`` then says what to do.
    """

    ready: bool
    message: str
    kind_verdict: KindVerdict | None = None
    rating_gap: int | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Claim:
    id: str
    source: str
    claim: str
    evidence_kind: str
    kind_reason: str
    rating: str
    annotation: str
    sources: tuple[str, ...]
    quote: str | None = None
    also_defensible: tuple[Alternative, ...] = ()
    later: str | None = None

    def compare(self, kind: Any, rating: Any) -> Comparison:
        """Compare the student's evidence tag and rating with the module's, saying why they differ."""
        missing = []
        if kind in (None, ""):
            missing.append("choose the kind of evidence the claim rests on")
        if rating in (None, ""):
            missing.append("rate how well it is supported")
        if missing:
            return Comparison(False, f"Not yet: {' and '.join(missing)}; then compare.")
        if kind not in EVIDENCE_KINDS:
            return Comparison(False, f"'{kind}' is not one of the kinds of evidence: {', '.join(EVIDENCE_KINDS)}.")
        if rating not in RATINGS:
            return Comparison(False, f"'{rating}' is not one of the ratings: {', '.join(RATINGS)}.")
        notes = []
        alternative = next((item for item in self.also_defensible if item.kind == kind), None)
        if kind == self.evidence_kind:
            verdict: KindVerdict = "same"
            notes.append(f"Evidence: you and the module both tagged it '{kind}'. {self.kind_reason}")
        elif alternative is not None:
            verdict = "defensible"
            notes.append(
                f"Evidence: you tagged it '{kind}'; the module tags it '{self.evidence_kind}', "
                f"but yours is defensible: {alternative.reason} The module's reason: {self.kind_reason}"
            )
        else:
            verdict = "different"
            notes.append(
                f"Evidence: you tagged it '{kind}'; the module tags it '{self.evidence_kind}'. {self.kind_reason}"
            )
        gap = abs(RATINGS.index(rating) - RATINGS.index(self.rating))
        if gap == 0:
            notes.append(f"Support: you and the module both rate it '{rating}'.")
        else:
            distance = "one step apart" if gap == 1 else "far apart"
            notes.append(
                f"Support: you rate it '{rating}'; the module rates it '{self.rating}' ({distance}). "
                "Read the module's reasons below and decide whether they change your mind."
            )
        summary = {
            "same": "Your tag matches the module's.",
            "defensible": "Your tag differs but is defensible.",
            "different": "Your tag differs from the module's.",
        }[verdict]
        return Comparison(True, summary, verdict, gap, tuple(notes))


def _claim_from_record(record: dict[str, Any]) -> Claim:
    alternatives = tuple(build(Alternative, item) for item in record.get("also_defensible", ()))
    claim = build(Claim, record, also_defensible=alternatives)
    if claim.source not in claim.sources:
        raise DataError(f"the claim must list its own text '{claim.source}' among its sources.", record=claim.id)
    if any(item.kind == claim.evidence_kind for item in claim.also_defensible):
        raise DataError("the claim lists its own evidence kind as an alternative.", record=claim.id)
    return claim


@cache
def _all_claims() -> tuple[Claim, ...]:
    return load_records("claims.yaml", "claims", _claim_from_record)


def load_claims(source: str | None = None) -> tuple[Claim, ...]:
    """Every claim, or only those from one seed text (``"tran-2021"`` or ``"project88-2024"``)."""
    claims = _all_claims()
    if source is None:
        return claims
    source_context(source)  # raises a clear error for an unknown text
    return tuple(claim for claim in claims if claim.source == source)


def source_heading(source_id: str) -> str:
    """The citation label and description of a seed text, e.g. for a heading above its claims."""
    return f"{load_sources()[source_id].label}: {source_context(source_id)}"


def evidence_counts(claims) -> dict[str, int]:
    """How many of ``claims`` the module tags with each kind of evidence, every kind listed (zero included).

    >>> counts = evidence_counts(load_claims("tran-2021"))
    >>> list(counts) == list(EVIDENCE_KINDS) and sum(counts.values()) == len(load_claims("tran-2021"))
    True
    """
    return {kind: sum(claim.evidence_kind == kind for claim in claims) for kind in EVIDENCE_KINDS}


def evidence_figure(claims, title: str = "What the claims rest on, as the module tags them") -> Figure:
    """A horizontal bar per kind of evidence (zero bars included), counted from ``claims``, each bar labelled."""
    from matplotlib.figure import Figure  # deferred: the lesson's reading view draws no figure

    counts = evidence_counts(claims)
    figure = Figure(figsize=(7.5, 3.2))
    axes = figure.subplots()
    kinds = list(reversed(EVIDENCE_KINDS))
    bars = axes.barh(kinds, [counts[kind] for kind in kinds], color="#0072B2", edgecolor="black", linewidth=0.6)
    axes.bar_label(bars, padding=3)
    axes.set_xlabel("Number of claims")
    axes.set_xlim(0, max(counts.values(), default=0) + 1)
    axes.xaxis.get_major_locator().set_params(integer=True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.set_title(title, loc="left", fontsize=10)
    figure.subplots_adjust(left=0.24, right=0.97, top=0.88, bottom=0.17)
    return figure
