"""One palette for every figure: Okabe-Ito colours (safe for the common colour-vision deficiencies),
each paired with a marker shape and a text label, so no meaning rests on colour alone."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["MARGIN_STYLE", "RATING_STYLE", "THEME_STYLE", "BandStyle", "ThemeStyle"]


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
