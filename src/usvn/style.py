"""One palette for every figure: Okabe-Ito colours (safe for the common colour-vision deficiencies),
each paired with a marker shape and a text label, so no meaning rests on colour alone."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["THEME_STYLE", "ThemeStyle"]


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
