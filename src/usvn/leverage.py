"""Which leverage worked? Cases coded by channel and outcome, a chart of them, and a structured argument.

A pure model: no widgets here (see :mod:`usvn.widgets.leverage`). The student codes each case first;
:func:`compare_codings` then sets the student's coding beside the module's, with the module's reasons.
matplotlib is imported only when a chart is drawn, so code that only reads the cases starts quickly.

>>> cases = load_cases()
>>> len(cases) >= 16
True
>>> report = compare_codings(cases, {cases[0].id: (cases[0].channel, None)})
>>> report.comparisons, [case.id for case, _ in report.uncoded][:1]
((), ['cpc-religious-freedom'])
>>> report.message.startswith("No case is fully coded yet")
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from usvn.loader import DataError, InputError, UnknownIdError, build, load_records
from usvn.style import CHANNEL_STYLE, OUTCOME_STYLE

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "CHANNELS",
    "OUTCOMES",
    "Alternative",
    "ArgumentCheck",
    "Ask",
    "Case",
    "CaseComparison",
    "ChannelRate",
    "CodingReport",
    "Note",
    "RateTable",
    "Scheme",
    "check_argument",
    "compare_codings",
    "compare_schemes",
    "leverage_alt_text",
    "leverage_figure",
    "load_asks",
    "load_case",
    "load_cases",
    "load_schemes",
    "original_cases",
    "rates_alt_text",
    "rates_figure",
    "scheme_codings",
    "success_rates",
]

CHANNELS: tuple[str, ...] = tuple(CHANNEL_STYLE)
OUTCOMES: tuple[str, ...] = tuple(sorted(OUTCOME_STYLE, key=lambda key: OUTCOME_STYLE[key].rank))
MAX_CHARACTERS = 5000

Verdict = Literal["same", "defensible", "different"]


def channel_label(channel: str) -> str:
    return CHANNEL_STYLE[channel].label


def outcome_label(outcome: str) -> str:
    return OUTCOME_STYLE[outcome].label


@dataclass(frozen=True)
class Alternative:
    value: str
    reason: str


@dataclass(frozen=True)
class Case:
    id: str
    title: str
    start: str
    levers: tuple[str, ...]
    actors: str
    ask: str
    response: str
    lasted: str
    channel: str
    channel_reason: str
    outcome: str
    outcome_reason: str
    sources: tuple[str, ...]
    end: str | None = None
    defensible_channels: tuple[Alternative, ...] = ()
    defensible_outcomes: tuple[Alternative, ...] = ()
    original_set: bool = False
    pressure_attempt: bool = True
    pressure_reason: str | None = None
    exercise_only: bool = False

    @property
    def dates(self) -> str:
        """The case's dates in words: ``2015-11 to 2017-01-23``, or ``from 2019-06-30``."""
        return f"{self.start} to {self.end}" if self.end else f"from {self.start}"

    def compare(self, channel: str, outcome: str) -> CaseComparison:
        """The student's coding (already checked to be valid) beside the module's, with reasons."""
        channel_verdict, channel_note = _verdict(
            channel, self.channel, self.defensible_channels, self.channel_reason, channel_label, "Channel"
        )
        outcome_verdict, outcome_note = _verdict(
            outcome, self.outcome, self.defensible_outcomes, self.outcome_reason, outcome_label, "Outcome"
        )
        return CaseComparison(self, channel, outcome, channel_verdict, outcome_verdict, (channel_note, outcome_note))


def _verdict(chosen, module, alternatives, reason, label, what) -> tuple[Verdict, str]:
    if chosen == module:
        return "same", f"{what}: you and the module both chose '{label(module)}'. {reason}"
    alternative = next((item for item in alternatives if item.value == chosen), None)
    if alternative is not None:
        return "defensible", (
            f"{what}: you chose '{label(chosen)}', the module '{label(module)}'; yours is "
            f"defensible: {alternative.reason} The module's reason: {reason}"
        )
    return "different", f"{what}: you chose '{label(chosen)}', the module '{label(module)}'. {reason}"


@dataclass(frozen=True)
class CaseComparison:
    case: Case
    channel: str
    outcome: str
    channel_verdict: Verdict
    outcome_verdict: Verdict
    notes: tuple[str, str]

    @property
    def same_place(self) -> bool:
        """True when the student put the case in the same chart cell as the module."""
        return self.channel == self.case.channel and self.outcome == self.case.outcome


@dataclass(frozen=True)
class CodingReport:
    """The comparisons for every fully coded case, and the cases still missing a channel or outcome."""

    comparisons: tuple[CaseComparison, ...]
    uncoded: tuple[tuple[Case, tuple[str, ...]], ...]
    problems: tuple[str, ...]
    message: str


def _numbered(cases: Sequence[Case]) -> dict[str, int]:
    return {case.id: number for number, case in enumerate(cases, start=1)}


def compare_codings(cases: Sequence[Case], codings: Mapping[str, tuple[Any, Any]]) -> CodingReport:
    """Compare the student's ``{case id: (channel, outcome)}`` with the module's coding of ``cases``.

    Missing, blank or unknown values never raise: the case is listed as uncoded (with what it lacks)
    or as a problem, and the message says what to do.
    """
    numbers = _numbered(cases)
    comparisons, uncoded, problems = [], [], []
    for case in cases:
        channel, outcome = codings.get(case.id, (None, None))
        missing = tuple(part for part, value in (("channel", channel), ("outcome", outcome)) if value in (None, ""))
        bad = [
            f"'{value}' is not a {part}"
            for part, value, allowed in (("channel", channel, CHANNELS), ("outcome", outcome, OUTCOMES))
            if value not in (None, "") and value not in allowed
        ]
        if bad:
            problems.append(f"Case {numbers[case.id]} ({case.title}): {'; '.join(bad)}.")
        elif missing:
            uncoded.append((case, missing))
        else:
            comparisons.append(case.compare(channel, outcome))
    if not comparisons:
        message = (
            "No case is fully coded yet: choose a channel and an outcome for each case above, "
            "then press the button again."
        )
    else:
        same = sum(item.same_place for item in comparisons)
        message = f"You coded {len(comparisons)} of {len(cases)} cases; {same} sit where the module puts them."
        if uncoded:
            listed = "; ".join(
                f"case {numbers[case.id]} ({case.title}) needs {' and '.join(parts)}" for case, parts in uncoded
            )
            message += f" Not yet coded, so not shown: {listed}."
    if problems:
        message += " " + " ".join(problems)
    return CodingReport(tuple(comparisons), tuple(uncoded), tuple(problems), message)


# --- The chart ------------------------------------------------------------------------------


def _cell_offsets(count: int) -> list[float]:
    """Horizontal offsets that spread ``count`` markers across one chart cell."""
    width = 0.22
    return [0.0] if count == 1 else [width * (index - (count - 1) / 2) for index in range(count)]


def leverage_figure(cases: Sequence[Case], comparisons: Sequence[CaseComparison] = ()) -> Figure:
    """Cases placed by channel (columns) and outcome (rows) at the module's coding, numbered as listed.

    With ``comparisons``, only the compared cases are drawn, and where the student's cell differs a
    hollow marker marks the student's coding, joined to the module's by a dotted arrow.
    """
    from matplotlib.figure import Figure  # deferred: see the module docstring

    numbers = _numbered(cases)
    shown = [item.case for item in comparisons] if comparisons else list(cases)
    figure = Figure(figsize=(8.5, 4.6))
    axes = figure.subplots()
    positions: dict[str, tuple[float, float]] = {}
    by_cell: dict[tuple[str, str], list[Case]] = {}
    for case in shown:
        by_cell.setdefault((case.channel, case.outcome), []).append(case)
    for (channel, outcome), members in by_cell.items():
        style = CHANNEL_STYLE[channel]
        for offset, case in zip(_cell_offsets(len(members)), members):
            x, y = CHANNELS.index(channel) + offset, OUTCOME_STYLE[outcome].rank
            positions[case.id] = (x, y)
            axes.scatter(
                [x], [y], s=180, marker=style.marker, color=style.colour, edgecolor="black", linewidth=0.8, zorder=3
            )
            axes.annotate(
                str(numbers[case.id]),
                (x, y),
                textcoords="offset points",
                xytext=(0, 11),
                ha="center",
                fontsize=9,
                fontweight="bold",
            )
    moved = [item for item in comparisons if not item.same_place]
    student_cells: dict[tuple[str, str], list[CaseComparison]] = {}
    for item in moved:
        student_cells.setdefault((item.channel, item.outcome), []).append(item)
    for (channel, outcome), members in student_cells.items():
        for offset, item in zip(_cell_offsets(len(members)), members):
            x, y = CHANNELS.index(channel) + offset, OUTCOME_STYLE[outcome].rank - 0.3
            style = CHANNEL_STYLE[channel]
            axes.scatter(
                [x],
                [y],
                s=150,
                marker=style.marker,
                facecolor="white",
                edgecolor="black",
                linewidth=1.2,
                linestyle="--",
                zorder=4,
            )
            axes.annotate(
                str(numbers[item.case.id]),
                (x, y),
                textcoords="offset points",
                xytext=(10, -4),
                fontsize=9,
                fontstyle="italic",
                zorder=5,
            )
            axes.annotate(
                "",
                xy=positions[item.case.id],
                xytext=(x, y),
                zorder=2,
                arrowprops={"arrowstyle": "->", "linestyle": ":", "color": "#555555", "shrinkA": 7, "shrinkB": 9},
            )
    axes.set_xticks(range(len(CHANNELS)), [f"{channel_label(c)}\n({CHANNEL_STYLE[c].marker_name}s)" for c in CHANNELS])
    axes.set_yticks([OUTCOME_STYLE[o].rank for o in OUTCOMES], [outcome_label(o) for o in OUTCOMES])
    axes.set_xlim(-0.6, len(CHANNELS) - 0.4)
    axes.set_ylim(-0.65, len(OUTCOMES) - 0.45)
    for boundary in range(len(CHANNELS) - 1):
        axes.axvline(boundary + 0.5, color="#DDDDDD", linewidth=0.8, zorder=1)
    for boundary in range(len(OUTCOMES) - 1):
        axes.axhline(boundary + 0.5, color="#DDDDDD", linewidth=0.8, zorder=1)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(length=0)
    title = "Leverage cases by channel and outcome, as the module codes them"
    if moved:
        title += "\n(hollow dashed markers: your coding, where it differs)"
    axes.set_title(title, loc="left", fontsize=10)
    figure.subplots_adjust(left=0.26, right=0.98, top=0.87, bottom=0.13)  # fixed, so redraws need no tight bbox
    return figure


def leverage_alt_text(cases: Sequence[Case], comparisons: Sequence[CaseComparison] = ()) -> str:
    """Alt text stating what the chart shows, counted from the cases and codings it draws."""
    numbers = _numbered(cases)
    shown = [item.case for item in comparisons] if comparisons else list(cases)
    if not shown:
        return "Empty chart: no case is coded yet, so none is placed."
    columns = []
    for channel in CHANNELS:
        members = [case for case in shown if case.channel == channel]
        if not members:
            continue
        rows = []
        for outcome in reversed(OUTCOMES):
            ids = [str(numbers[case.id]) for case in members if case.outcome == outcome]
            if ids:
                rows.append(f"{outcome_label(outcome).lower()}: case{'s' if len(ids) > 1 else ''} {', '.join(ids)}")
        style = CHANNEL_STYLE[channel]
        columns.append(f"{style.label} ({style.marker_name}s), {len(members)}: {'; '.join(rows)}")
    text = (
        f"Chart placing {len(shown)} of {len(cases)} leverage cases by channel (columns) and outcome (rows: "
        f"lasting change at the top, no observable change at the bottom), at the module's coding. "
        f"{'. '.join(columns)}."
    )
    if comparisons:
        moved = [item for item in comparisons if not item.same_place]
        text += f" Your coding puts {len(comparisons) - len(moved)} of {len(comparisons)} in the same place."
        if moved:
            details = "; ".join(
                f"case {numbers[item.case.id]} you coded {channel_label(item.channel).lower()}, "
                f"{outcome_label(item.outcome).lower()}"
                for item in moved
            )
            text += f" Hollow dashed markers with dotted arrows show where yours differs: {details}."
    return text


# --- Success rates under different codings ----------------------------------------------------

SUCCESS: tuple[str, ...] = ("lasting-change",)


@dataclass(frozen=True)
class Scheme:
    """A way of coding the channel: the module's coding with some cases moved to a defensible alternative."""

    id: str
    label: str
    description: str
    overrides: Mapping[str, str]


@dataclass(frozen=True)
class ChannelRate:
    """How many of the counted cases in one channel are coded a success."""

    channel: str
    successes: int
    total: int
    case_ids: tuple[str, ...] = ()

    @property
    def rate(self) -> float | None:
        """The share of successes, from 0 to 1; ``None`` when no case is counted in this channel."""
        return self.successes / self.total if self.total else None

    def describe(self) -> str:
        """``2 of 9 (22%)``, or ``no cases`` when none is counted."""
        if not self.total:
            return "no cases"
        return f"{self.successes} of {self.total} ({round(100 * self.successes / self.total)}%)"


@dataclass(frozen=True)
class RateTable:
    """Success rates per channel for one coding of one set of cases, with what was left out and why."""

    label: str
    rates: tuple[ChannelRate, ...]
    counted: tuple[str, ...]
    left_out: tuple[tuple[str, str], ...]
    problems: tuple[str, ...]

    def for_channel(self, channel: str) -> ChannelRate:
        for item in self.rates:
            if item.channel == channel:
                return item
        raise UnknownIdError(f"'{channel}' is not a channel; the channels are: {', '.join(CHANNELS)}.")

    def rate(self, channel: str) -> float | None:
        """The share of the counted cases in ``channel`` coded a success (``None`` if there are none)."""
        return self.for_channel(channel).rate

    @property
    def message(self) -> str:
        parts = "; ".join(f"{channel_label(item.channel).lower()} {item.describe()}" for item in self.rates)
        text = f"{self.label}: {parts}, counting {len(self.counted)} case{'s' if len(self.counted) != 1 else ''}."
        if self.left_out:
            text += f" Left out: {len(self.left_out)} ({'; '.join(f'{case}: {why}' for case, why in self.left_out)})."
        if self.problems:
            text += " " + " ".join(self.problems)
        return text


@cache
def load_schemes() -> dict[str, Scheme]:
    """The coding schemes in cases.yaml, by id. Every override must be a coding the case lists as defensible."""
    by_id = {case.id: case for case in _all_cases()}

    def scheme(record: dict) -> Scheme:
        for case_id, channel in record["overrides"].items():
            case = by_id.get(case_id)
            if case is None:
                raise DataError(f"the scheme names a case not in cases.yaml: {case_id}.")
            allowed = {case.channel} | {item.value for item in case.defensible_channels}
            if channel not in allowed:
                raise DataError(
                    f"the scheme codes '{case_id}' as {channel}, which the case does not list as defensible."
                )
        return build(Scheme, record)

    schemes = {scheme.id: scheme for scheme in load_records("cases.yaml", "schemes", scheme)}
    if "module" not in schemes or schemes["module"].overrides:
        raise DataError("needs a scheme 'module' with no overrides.", file="cases.yaml")
    return schemes


def scheme_codings(scheme: str | Scheme = "module", cases: Sequence[Case] | None = None) -> dict[str, tuple[str, str]]:
    """``{case id: (channel, outcome)}`` under a coding scheme: the module's coding, with the scheme's overrides.

    >>> codings = scheme_codings("eu-as-bilateral")
    >>> codings["evfta-labor-code"][0], scheme_codings()["evfta-labor-code"][0]
    ('bilateral', 'bilateral-inside-multilateral')
    """
    if isinstance(scheme, str):
        schemes = load_schemes()
        if scheme not in schemes:
            raise UnknownIdError(f"No coding scheme '{scheme}'; the schemes are: {', '.join(schemes)}.")
        scheme = schemes[scheme]
    cases = tuple(cases if cases is not None else load_cases())
    return {case.id: (scheme.overrides.get(case.id, case.channel), case.outcome) for case in cases}


def success_rates(
    cases: Sequence[Case] | None = None,
    codings: Mapping[str, tuple[Any, Any]] | None = None,
    *,
    label: str = "The module's coding",
    include_non_pressure: bool = False,
    success: Sequence[str] = SUCCESS,
) -> RateTable:
    """Per channel, the share of counted cases whose outcome is a success (by default, "lasting change").

    ``codings`` maps case ids to ``(channel, outcome)``; without it the module's coding is used. A case is
    left out, with the reason, when it is not a pressure attempt (unless ``include_non_pressure``), when
    it has no coding, or when its coding is not a valid channel and outcome. Bad codings never raise.

    >>> table = success_rates(original_cases(), include_non_pressure=True)
    >>> table.for_channel("bilateral").describe()
    '0 of 4 (0%)'
    >>> success_rates([], {}).rate("multilateral") is None
    True
    """
    cases = tuple(cases if cases is not None else load_cases())
    bad = [item for item in success if item not in OUTCOMES]
    if bad or isinstance(success, str):
        raise InputError(f"`success` should be a list of outcomes from: {', '.join(OUTCOMES)}.")
    codings = codings if codings is not None else scheme_codings("module", cases)
    tally = {channel: [0, []] for channel in CHANNELS}
    counted, left_out, problems = [], [], []
    for case in cases:
        if not case.pressure_attempt and not include_non_pressure:
            left_out.append((case.id, "not a pressure attempt"))
            continue
        channel, outcome = codings.get(case.id, (None, None))
        if channel in (None, "") or outcome in (None, ""):
            left_out.append((case.id, "not coded"))
            continue
        if channel not in CHANNELS or outcome not in OUTCOMES:
            left_out.append((case.id, "coding not valid"))
            problems.append(f"Case {case.id}: '{channel}, {outcome}' is not a channel and an outcome.")
            continue
        counted.append(case.id)
        tally[channel][1].append(case.id)
        tally[channel][0] += outcome in success
    rates = tuple(ChannelRate(channel, hits, len(ids), tuple(ids)) for channel, (hits, ids) in tally.items())
    return RateTable(label, rates, tuple(counted), tuple(left_out), tuple(problems))


def compare_schemes(
    cases: Sequence[Case] | None = None,
    schemes: Sequence[str] | None = None,
    *,
    student: Mapping[str, tuple[Any, Any]] | None = None,
    include_non_pressure: bool = False,
) -> tuple[RateTable, ...]:
    """One :class:`RateTable` per coding scheme (all of them by default), plus the student's coding if given.

    The student's coding covers the cases the student coded; the others keep the module's coding, and
    the table's label says how many.
    """
    cases = tuple(cases if cases is not None else load_cases())
    known = load_schemes()
    tables = [
        success_rates(
            cases,
            scheme_codings(known[scheme_id], cases),
            label=known[scheme_id].label,
            include_non_pressure=include_non_pressure,
        )
        for scheme_id in (schemes if schemes is not None else known)
    ]
    if student is not None:
        mine = {
            case_id: value
            for case_id, value in student.items()
            if isinstance(value, (tuple, list)) and len(value) == 2 and all(part not in (None, "") for part in value)
        }
        merged = {**scheme_codings("module", cases), **mine}
        own = sum(case.id in mine for case in cases)
        label = "Your coding" + (
            f" ({len(cases) - own} uncoded cases at the module's coding)" if own < len(cases) else ""
        )
        tables.append(success_rates(cases, merged, label=label, include_non_pressure=include_non_pressure))
    return tuple(tables)


def rates_figure(tables: Sequence[RateTable]) -> Figure:
    """Success rate per channel (markers) under each coding (columns), each marker labelled "2/9"."""
    from matplotlib.figure import Figure  # deferred: see the module docstring

    figure = Figure(figsize=(8.5, 4.4))
    axes = figure.subplots()
    offsets = _cell_offsets(len(CHANNELS))
    for channel, offset in zip(CHANNELS, offsets):
        style = CHANNEL_STYLE[channel]
        xs, ys = [], []
        for column, table in enumerate(tables):
            item = table.for_channel(channel)
            if item.rate is None:
                axes.annotate("none", (column + offset, 0.02), ha="center", fontsize=8, color="#555555")
                continue
            xs.append(column + offset)
            ys.append(item.rate)
            axes.annotate(
                f"{item.successes}/{item.total}",
                (column + offset, item.rate),
                textcoords="offset points",
                xytext=(0, 10),
                ha="center",
                fontsize=8,
            )
        axes.scatter(
            xs,
            ys,
            s=120,
            marker=style.marker,
            color=style.colour,
            edgecolor="black",
            linewidth=0.8,
            zorder=3,
            label=f"{style.label} ({style.marker_name}s)",
        )
    axes.set_xticks(range(len(tables)), [_wrap(table.label) for table in tables], fontsize=8)
    axes.set_xlim(-0.6, len(tables) - 0.4)
    axes.set_ylim(-0.05, 1.12)
    axes.set_yticks([0, 0.25, 0.5, 0.75, 1.0], ["0%", "25%", "50%", "75%", "100%"])
    axes.set_ylabel("Share of counted cases coded lasting change")
    for boundary in range(len(tables) - 1):
        axes.axvline(boundary + 0.5, color="#DDDDDD", linewidth=0.8, zorder=1)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.legend(loc="lower center", ncol=len(CHANNELS), fontsize=8, frameon=False)
    axes.set_title(
        "Success rate by channel under each coding (labels: successes / cases counted)", loc="left", fontsize=10
    )
    figure.subplots_adjust(left=0.09, right=0.98, top=0.9, bottom=0.27)  # fixed, so redraws need no tight bbox
    return figure


def _wrap(label: str, width: int = 22) -> str:
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line])


def rates_alt_text(tables: Sequence[RateTable]) -> str:
    """Alt text stating every rate the chart shows, counted from the tables it draws."""
    if not tables:
        return "Empty chart: no coding to show."
    counts = sorted({len(table.counted) for table in tables})
    counted = f"{counts[0]} counted cases" if len(counts) == 1 else f"{counts[0]} to {counts[-1]} counted cases"
    parts = [
        f"{table.label}: "
        + "; ".join(f"{channel_label(item.channel).lower()} {item.describe()}" for item in table.rates)
        for table in tables
    ]
    return (
        f"Chart of the success rate per channel (the share of counted cases coded lasting change) under "
        f"{len(tables)} coding{'s' if len(tables) != 1 else ''} of the same cases, {counted}; markers by "
        f"channel (bilateral triangles, multilateral circles, bilateral inside multilateral squares). "
        + ". ".join(parts)
        + "."
    )


# --- The structured argument --------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    channel: str
    text: str
    cases: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Ask:
    id: str
    ask: str
    notes: tuple[Note, ...]
    caution: str
    sources: tuple[str, ...]
    min_words: int = 40


@dataclass(frozen=True)
class ArgumentCheck:
    """Whether an argument has the required structure; ``problems`` says what is missing, in words."""

    ready: bool
    problems: tuple[str, ...]
    remarks: tuple[str, ...] = ()


def check_argument(
    ask: Ask, channel: Any, supporting: Any, counter: Any, justification: Any, cases: Sequence[Case] | None = None
) -> ArgumentCheck:
    """Check structure only: a channel, at least two supporting cases, at least one counter-case, a justification.

    It never grades the choice. When the structure holds, ``remarks`` point out supporting cases that the
    module codes under another channel, which the justification should address.
    """
    cases = tuple(cases if cases is not None else load_cases())
    by_id = {case.id: case for case in cases}
    numbers = _numbered(cases)
    problems = []
    if channel in (None, ""):
        problems.append("Choose a channel for the ask.")
    elif channel not in CHANNELS:
        problems.append(
            f"'{channel}' is not a channel; choose one of: {', '.join(channel_label(c) for c in CHANNELS)}."
        )
    picked = {}
    for name, value in (("supporting", supporting), ("counter", counter)):
        if value is None:
            value = ()
        if isinstance(value, str) or not all(isinstance(item, str) for item in value):
            problems.append(f"Give the {name} cases as a list of case ids.")
            value = ()
        unknown = [item for item in value if item not in by_id]
        if unknown:
            problems.append(f"Unknown case(s) among the {name} cases: {', '.join(unknown)}.")
        picked[name] = [item for item in dict.fromkeys(value) if item in by_id]
    if len(picked["supporting"]) < 2:
        problems.append(f"Select at least two cases that support your choice (you have {len(picked['supporting'])}).")
    if len(picked["counter"]) < 1:
        problems.append("Select at least one counter-case: a case that cuts against your choice.")
    both = [item for item in picked["supporting"] if item in picked["counter"]]
    if both:
        listed = ", ".join(f"case {numbers[item]}" for item in both)
        problems.append(f"A case cannot both support and cut against your choice: {listed}. Decide which it is.")
    if justification is None or (isinstance(justification, str) and not justification.strip()):
        problems.append(f"Write your justification (at least {ask.min_words} words).")
    elif not isinstance(justification, str):
        problems.append(f"Write your justification as text, not {type(justification).__name__}.")
    elif len(justification) > MAX_CHARACTERS:
        problems.append(f"Keep the justification under {MAX_CHARACTERS} characters.")
    elif len(justification.split()) < ask.min_words:
        problems.append(
            f"Your justification has {len(justification.split())} word(s); write at least {ask.min_words}, "
            "saying how each case bears on the ask."
        )
    if problems:
        return ArgumentCheck(False, tuple(problems))
    remarks = tuple(
        f"The module codes case {numbers[item]} ({by_id[item].title}) as {channel_label(by_id[item].channel).lower()}, "
        f"not {channel_label(channel).lower()}: say why it still supports your choice."
        for item in picked["supporting"]
        if by_id[item].channel != channel
    )
    return ArgumentCheck(True, (), remarks)


# --- Loading ----------------------------------------------------------------------------------


def _alternatives(records, key) -> tuple[Alternative, ...]:
    return tuple(build(Alternative, record, omit=(key,), value=record[key]) for record in records)


def _case_from_record(record: dict[str, Any]) -> Case:
    case = build(
        Case,
        record,
        defensible_channels=_alternatives(record.get("defensible_channels", ()), "channel"),
        defensible_outcomes=_alternatives(record.get("defensible_outcomes", ()), "outcome"),
    )
    if any(item.value == case.channel for item in case.defensible_channels) or any(
        item.value == case.outcome for item in case.defensible_outcomes
    ):
        raise DataError("the case lists its own coding as an alternative.")
    return case


@cache
def _all_cases() -> tuple[Case, ...]:
    return load_records("cases.yaml", "cases", _case_from_record)


def load_cases() -> tuple[Case, ...]:
    """The leverage cases of the lesson's explorer, in the order it numbers them (exercise-only cases left out)."""
    return tuple(case for case in _all_cases() if not case.exercise_only)


def load_case(case_id: str) -> Case:
    """One case by id, including the cases held back for the graded exercise."""
    for case in _all_cases():
        if case.id == case_id:
            return case
    raise UnknownIdError(f"No leverage case '{case_id}': the ids are listed by load_cases().")


def original_cases() -> tuple[Case, ...]:
    """The nine cases of the lesson's first version, where the selection-bias task starts."""
    return tuple(case for case in load_cases() if case.original_set)


@cache
def load_asks() -> dict[str, Ask]:
    """The asks for the structured-argument exercise, by id; every note names cases that exist."""
    known = {case.id for case in load_cases()}

    def ask(record: dict) -> Ask:
        notes = tuple(build(Note, note) for note in record["notes"])
        unknown = sorted({case for note in notes for case in note.cases} - known)
        if unknown:
            raise DataError(f"the ask's notes name cases not in cases.yaml: {', '.join(unknown)}.")
        if sorted(note.channel for note in notes) != sorted(CHANNELS):
            raise DataError("the ask needs one note for each channel.")
        return build(Ask, record, notes=notes)

    asks = {ask.id: ask for ask in load_records("cases.yaml", "asks", ask)}
    return asks
