"""One palette for every figure: Okabe-Ito colours (safe for the common colour-vision deficiencies),
each paired with a marker shape and a text label, so no meaning rests on colour alone."""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "CHANNEL_STYLE",
    "MARGIN_STYLE",
    "OUTCOME_STYLE",
    "RATING_STYLE",
    "THEME_STYLE",
    "BandStyle",
    "OutcomeStyle",
    "ThemeStyle",
]


class ThemeStyle(NamedTuple):
    label: str
    colour: str
    marker: str
    marker_name: str


THEME_STYLE: dict[str, ThemeStyle] = {
    "diplomacy": ThemeStyle("Diplomacy", "#0072B2", "o", "circle"),
    "security": ThemeStyle("Security", "#D55E00", "^", "triangle"),
    "trade": ThemeStyle("Trade", "#009E73", "s", "square"),
    "rights": ThemeStyle("Rights", "#CC79A7", "D", "diamond"),
}


class OutcomeStyle(NamedTuple):
    label: str
    rank: int  # row on a chart: 0 at the bottom (no observable change) to 3 at the top (lasting change)
    description: str


#: Leverage channels (lesson 03): each a colour, a marker shape and its name.
CHANNEL_STYLE: dict[str, ThemeStyle] = {
    "bilateral": ThemeStyle("Bilateral", "#D55E00", "^", "triangle"),
    "multilateral": ThemeStyle("Multilateral", "#0072B2", "o", "circle"),
    "bilateral-inside-multilateral": ThemeStyle("Bilateral inside multilateral", "#009E73", "s", "square"),
}

#: Outcomes of a leverage case (lesson 03), in chart order; rows are labelled in words on the chart.
OUTCOME_STYLE: dict[str, OutcomeStyle] = {
    "no-change": OutcomeStyle(
        "No observable change", 0, "the ask was not met, or nothing changed that the sources can see"
    ),
    "effect-unclear": OutcomeStyle(
        "Engagement, effect unclear", 1, "Vietnam took part, but no specific change can be traced to this channel"
    ),
    "lapsed": OutcomeStyle("Change that lapsed", 2, "a commitment or change was made but lapsed or was abandoned"),
    "lasting-change": OutcomeStyle(
        "Lasting change", 3, "a legal or policy change that was still in place when last checked"
    ),
}


class BandStyle(NamedTuple):
    """A band of values on a chart: colour, marker and hatch pattern, each paired with a text label."""

    label: str
    colour: str
    marker: str
    marker_name: str
    hatch: str
    hatch_name: str


#: Lesson 04's evidence scorecard: how far a factor works on market principles, 1 (state) to 5 (market).
RATING_STYLE: dict[str, BandStyle] = {
    "state": BandStyle("Leans state-directed (1-2)", "#D55E00", "v", "downward triangle", "//", "diagonal stripes"),
    "mixed": BandStyle("Mixed (3)", "#E69F00", "s", "square", "..", "dots"),
    "market": BandStyle("Leans market-based (4-5)", "#0072B2", "o", "circle", "", "no pattern"),
}

#: Lesson 04's margin calculator: a surrogate that yields a dumping margin, or none.
MARGIN_STYLE: dict[str, BandStyle] = {
    "dumping": BandStyle("Dumping margin", "#D55E00", "^", "upward triangle", "//", "diagonal stripes"),
    "none": BandStyle("No dumping", "#009E73", "o", "circle", "", "no pattern"),
}
