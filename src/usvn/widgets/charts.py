"""The interactive views' charts as small SVG documents, built as text in a few milliseconds.

Each chart draws what its matplotlib counterpart in the domain module draws (same data, palette, marker shapes,
hatch patterns and labels), so the alt text written for that figure describes this one too. A widget redraws on
every change, and drawing a matplotlib figure and encoding it as PNG takes hundreds of milliseconds on a busy
two-core machine; writing the SVG text takes a few, and the browser renders it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from html import escape
from typing import TYPE_CHECKING

from usvn.data import THEMES, Event
from usvn.style import CHANNEL_STYLE, MARGIN_STYLE, OUTCOME_STYLE, RATING_STYLE, THEME_STYLE

if TYPE_CHECKING:
    from usvn.criteria import ScorecardResult
    from usvn.leverage import Case, CaseComparison, RateTable
    from usvn.margin import SurrogateResult

# Each chart imports the model it draws when it is drawn: a lesson that shows only the timeline does not load
# the leverage, criteria and margin models (15 ms of its start).

__all__ = ["leverage_svg", "margin_svg", "rates_svg", "scorecard_svg", "timeline_svg"]

_FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
_GRID = "#E5E5E5"
_RULE = "#DDDDDD"
_HATCH_PATHS = {
    "//": "M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4",  # diagonal stripes
    "..": "M2,2 h0.01 M6,6 h0.01",  # dots (round caps draw them)
}


def _number(value: float) -> str:
    """Coordinates with one decimal at most, so the text is short and the same on every platform."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _kind(kind: str) -> str:
    """A class attribute naming what an element stands for (a bar, an event), which tests and styles can find."""
    return f' class="{kind}"' if kind else ""


def _scale(low: float, high: float, start: float, end: float) -> Callable[[float], float]:
    """Map data values in ``low..high`` onto pixels ``start..end`` (``end`` may be less than ``start``)."""
    span = (high - low) or 1.0
    return lambda value: start + (value - low) / span * (end - start)


class _Canvas:
    """An SVG document built element by element."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.definitions: list[str] = []
        self.parts: list[str] = []

    def line(self, x1, y1, x2, y2, colour="black", width=1.0, dash="") -> None:
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(
            f'<line x1="{_number(x1)}" y1="{_number(y1)}" x2="{_number(x2)}" y2="{_number(y2)}" '
            f'stroke="{colour}" stroke-width="{width}"{dashes}/>'
        )

    def rect(self, x, y, width, height, fill, stroke="black", stroke_width=1.0, kind="") -> None:
        self.parts.append(
            f'<rect{_kind(kind)} x="{_number(x)}" y="{_number(y)}" width="{_number(width)}" height="{_number(height)}" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="{stroke_width}"/>'
        )

    def text(
        self, x, y, text: str, size=11, anchor="start", weight="normal", style="normal", colour="black", rotate=0
    ) -> None:
        """Text whose middle sits at ``y``; a newline starts another line below."""
        lines = text.split("\n")
        first = y - (len(lines) - 1) * size * 0.6
        turn = f' transform="rotate({rotate} {_number(x)} {_number(y)})"' if rotate else ""
        extra = (' font-weight="bold"' if weight != "normal" else "") + (
            ' font-style="italic"' if style != "normal" else ""
        )
        spans = "".join(
            f'<tspan x="{_number(x)}" y="{_number(first + index * size * 1.2)}">{escape(line)}</tspan>'
            for index, line in enumerate(lines)
        )
        self.parts.append(
            f'<text font-size="{size}" text-anchor="{anchor}" dominant-baseline="central" fill="{colour}"'
            f"{extra}{turn}>{spans}</text>"
        )

    def marker(self, shape: str, x, y, radius, fill, stroke="black", width=0.8, dash="", kind="") -> None:
        """A matplotlib marker shape (``o ^ v s D``) centred on ``x, y``; ``kind`` names what it marks."""
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        paint = f'fill="{fill}" stroke="{stroke}" stroke-width="{width}"{dashes}{_kind(kind)}'
        if shape == "o":
            self.parts.append(f'<circle cx="{_number(x)}" cy="{_number(y)}" r="{_number(radius)}" {paint}/>')
            return
        r = radius
        corners = {
            "^": [(0, -1.15 * r), (1.1 * r, 0.75 * r), (-1.1 * r, 0.75 * r)],
            "v": [(0, 1.15 * r), (1.1 * r, -0.75 * r), (-1.1 * r, -0.75 * r)],
            "s": [(-0.9 * r, -0.9 * r), (0.9 * r, -0.9 * r), (0.9 * r, 0.9 * r), (-0.9 * r, 0.9 * r)],
            "D": [(0, -1.2 * r), (1.2 * r, 0), (0, 1.2 * r), (-1.2 * r, 0)],
        }[shape]
        points = " ".join(f"{_number(x + dx)},{_number(y + dy)}" for dx, dy in corners)
        self.parts.append(f'<polygon points="{points}" {paint}/>')

    def arrow(self, x1, y1, x2, y2, shrink_start=9, shrink_end=11, colour="#555555") -> None:
        """A dotted arrow from ``x1, y1`` to ``x2, y2``, kept clear of the markers at both ends."""
        length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
        if length <= shrink_start + shrink_end:
            return
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        if "arrowhead" not in "".join(self.definitions):
            self.definitions.append(
                '<marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
                f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10" fill="none" stroke="{colour}"/></marker>'
            )
        self.parts.append(
            f'<line x1="{_number(x1 + ux * shrink_start)}" y1="{_number(y1 + uy * shrink_start)}" '
            f'x2="{_number(x2 - ux * shrink_end)}" y2="{_number(y2 - uy * shrink_end)}" stroke="{colour}" '
            'stroke-width="1.2" stroke-dasharray="1.5 3" marker-end="url(#arrowhead)"/>'
        )

    def hatch(self, key: str, colour: str, pattern: str) -> str:
        """A fill of ``colour`` under ``pattern`` (``//``, ``..`` or none); returns the fill to use."""
        if not pattern:
            return colour
        identifier = f"hatch-{key}"
        if identifier not in "".join(self.definitions):
            self.definitions.append(
                f'<pattern id="{identifier}" patternUnits="userSpaceOnUse" width="8" height="8">'
                f'<rect width="8" height="8" fill="{colour}"/><path d="{_HATCH_PATHS[pattern]}" stroke="black" '
                'stroke-width="1.2" stroke-linecap="round"/></pattern>'
            )
        return f"url(#{identifier})"

    def svg(self) -> str:
        definitions = f"<defs>{''.join(self.definitions)}</defs>" if self.definitions else ""
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" height="{self.height}" '
            f'viewBox="0 0 {self.width} {self.height}" font-family="{_FONT}">'
            f'<rect width="{self.width}" height="{self.height}" fill="white"/>{definitions}{"".join(self.parts)}</svg>'
        )


def _year_ticks(first: float, last: float) -> list[int]:
    step = next(step for step in (1, 2, 5, 10, 20, 50) if (last - first) / step <= 10)
    start = int(-(-first // step) * step)
    return list(range(start, int(last) + 1, step))


def timeline_svg(events: Sequence[Event], years: tuple[int, int]) -> str:
    """A lane chart: one row per theme, events numbered in date order to match the list below it."""
    canvas = _Canvas(900, 320)
    left, right, top, bottom = 100, 882, 40, 268
    lanes = [theme for theme in THEMES if any(theme in event.themes for event in events)] or list(THEMES)
    x = _scale(years[0] - 0.5, years[1] + 1.5, left, right)
    y = _scale(-0.7, len(lanes) - 0.3, bottom, top)
    for year in _year_ticks(years[0] - 0.5, years[1] + 1.5):
        canvas.line(x(year), top, x(year), bottom, _GRID, 0.8)
        canvas.line(x(year), bottom, x(year), bottom + 5, "black", 0.8)
        canvas.text(x(year), bottom + 15, str(year), anchor="middle")
    canvas.line(left, bottom, right, bottom, "black", 0.8)
    for row, theme in enumerate(reversed(lanes)):
        style = THEME_STYLE[theme]
        canvas.line(left, y(row), right, y(row), "#BBBBBB", 0.8)
        canvas.text(left - 8, y(row), style.label, anchor="end", size=12)
    for row, theme in enumerate(reversed(lanes)):
        style = THEME_STYLE[theme]
        members = [(number, event) for number, event in enumerate(events, start=1) if theme in event.themes]
        for position, (number, event) in enumerate(members):
            canvas.marker(style.marker, x(event.decimal_year), y(row), 5.5, style.colour, kind=f"event {theme}")
            offset = -15 if position % 2 == 0 else 16
            canvas.text(x(event.decimal_year), y(row) + offset, str(number), anchor="middle")
    canvas.text((left + right) / 2, bottom + 37, "Year", anchor="middle", size=12)
    canvas.text(left, 20, "US–Vietnam relations: events by theme", size=15)
    return canvas.svg()


def leverage_svg(cases: Sequence[Case], comparisons: Sequence[CaseComparison] = ()) -> str:
    """Cases placed by channel (columns) and outcome (rows) at the module's coding, numbered as listed.

    With ``comparisons``, only the compared cases are drawn, and where the student's cell differs a hollow dashed
    marker marks the student's coding, joined to the module's by a dotted arrow.
    """
    from usvn.leverage import CHANNELS, OUTCOMES, channel_label, outcome_label

    numbers = {case.id: number for number, case in enumerate(cases, start=1)}
    shown = [item.case for item in comparisons] if comparisons else list(cases)
    canvas = _Canvas(850, 460)
    left, right, top, bottom = 221, 833, 60, 400
    x = _scale(-0.6, len(CHANNELS) - 0.4, left, right)
    y = _scale(-0.65, len(OUTCOMES) - 0.45, bottom, top)
    step = x(1) - x(0)

    def spread(count: int) -> list[float]:
        width = 0.22
        return [0.0] if count == 1 else [width * (index - (count - 1) / 2) for index in range(count)]

    for boundary in range(len(CHANNELS) - 1):
        canvas.line(x(boundary + 0.5), top, x(boundary + 0.5), bottom, _RULE, 0.8)
    for boundary in range(len(OUTCOMES) - 1):
        canvas.line(left, y(boundary + 0.5), right, y(boundary + 0.5), _RULE, 0.8)
    canvas.line(left, top, left, bottom, "black", 0.8)
    canvas.line(left, bottom, right, bottom, "black", 0.8)
    for column, channel in enumerate(CHANNELS):
        label = f"{channel_label(channel)}\n({CHANNEL_STYLE[channel].marker_name}s)"
        canvas.text(x(column), bottom + 22, label, anchor="middle", size=12)
    for outcome in OUTCOMES:
        canvas.text(left - 8, y(OUTCOME_STYLE[outcome].rank), outcome_label(outcome), anchor="end", size=12)
    positions: dict[str, tuple[float, float]] = {}
    by_cell: dict[tuple[str, str], list[Case]] = {}
    for case in shown:
        by_cell.setdefault((case.channel, case.outcome), []).append(case)
    for (channel, outcome), members in by_cell.items():
        style = CHANNEL_STYLE[channel]
        for offset, case in zip(spread(len(members)), members):
            cx, cy = x(CHANNELS.index(channel) + offset), y(OUTCOME_STYLE[outcome].rank)
            positions[case.id] = (cx, cy)
            canvas.marker(style.marker, cx, cy, 7.5, style.colour, kind="module")
            canvas.text(cx, cy - 19, str(numbers[case.id]), anchor="middle", size=12, weight="bold")
    moved = [item for item in comparisons if not item.same_place]
    student_cells: dict[tuple[str, str], list[CaseComparison]] = {}
    for item in moved:
        student_cells.setdefault((item.channel, item.outcome), []).append(item)
    for (channel, outcome), members in student_cells.items():
        style = CHANNEL_STYLE[channel]
        for offset, item in zip(spread(len(members)), members):
            cx, cy = x(CHANNELS.index(channel) + offset), y(OUTCOME_STYLE[outcome].rank - 0.3)
            canvas.arrow(cx, cy, *positions[item.case.id])
            canvas.marker(style.marker, cx, cy, 7, "white", width=1.4, dash="3 2", kind="yours")
            canvas.text(cx + 0.05 * step + 6, cy + 5, str(numbers[item.case.id]), size=12, style="italic")
    title = "Leverage cases by channel and outcome, as the module codes them"
    if moved:
        title += "\n(hollow dashed markers: your coding, where it differs)"
    canvas.text(left, 38 if moved else 45, title, size=14)
    return canvas.svg()


def rates_svg(tables: Sequence[RateTable]) -> str:
    """Success rate per channel (markers) under each coding (columns), each marker labelled "2/9"."""
    from usvn.leverage import CHANNELS

    canvas = _Canvas(850, 440)
    left, right, top, bottom = 77, 833, 44, 321
    x = _scale(-0.6, len(tables) - 0.4, left, right)
    y = _scale(-0.05, 1.12, bottom, top)
    offsets = [0.22 * (index - (len(CHANNELS) - 1) / 2) for index in range(len(CHANNELS))]
    for boundary in range(len(tables) - 1):
        canvas.line(x(boundary + 0.5), top, x(boundary + 0.5), bottom, _RULE, 0.8)
    canvas.line(left, top, left, bottom, "black", 0.8)
    canvas.line(left, bottom, right, bottom, "black", 0.8)
    for share in (0, 0.25, 0.5, 0.75, 1.0):
        canvas.line(left - 5, y(share), left, y(share), "black", 0.8)
        canvas.text(left - 8, y(share), f"{100 * share:.0f}%", anchor="end")
    canvas.text(18, (top + bottom) / 2, "Share of counted cases coded lasting change", anchor="middle", rotate=-90)
    for column, table in enumerate(tables):
        canvas.text(x(column), bottom + 14 + 6, "\n".join(textwrap.wrap(table.label, 22)), anchor="middle")
        for channel, offset in zip(CHANNELS, offsets):
            style, item = CHANNEL_STYLE[channel], table.for_channel(channel)
            if item.rate is None:
                canvas.text(x(column + offset), y(0.02) - 6, "none", anchor="middle", colour="#555555")
                continue
            canvas.marker(style.marker, x(column + offset), y(item.rate), 6.5, style.colour, kind="rate")
            canvas.text(x(column + offset), y(item.rate) - 18, f"{item.successes}/{item.total}", anchor="middle")
    legend_y, widths = 415, [len(CHANNEL_STYLE[channel].label) * 6.5 + 110 for channel in CHANNELS]
    start = (canvas.width - sum(widths)) / 2
    for channel, width in zip(CHANNELS, widths):
        style = CHANNEL_STYLE[channel]
        canvas.marker(style.marker, start + 8, legend_y, 6, style.colour)
        canvas.text(start + 20, legend_y, f"{style.label} ({style.marker_name}s)")
        start += width
    canvas.text(left, 22, "Success rate by channel under each coding (labels: successes / cases counted)", size=14)
    return canvas.svg()


def scorecard_svg(result: ScorecardResult) -> str:
    """One bar per factor, in statute order; band shown by colour, hatch, marker and a text label."""
    from usvn.criteria import RATING_SCALE, rating_band

    rows = result.rows
    height = round(100 * (1.2 + 0.6 * len(rows)))
    canvas = _Canvas(850, height)
    left, right, top, bottom = 230, 833, round(0.1 * height), round(0.73 * height)
    x = _scale(0, 9.5, left, right)
    y = _scale(-0.6, len(rows) - 0.1, bottom, top)
    canvas.line(left, top, left, bottom, "black", 0.8)
    canvas.line(left, bottom, right, bottom, "black", 0.8)
    for tick in range(1, 6):
        canvas.line(x(tick), bottom, x(tick), bottom + 5, "black", 0.8)
        canvas.text(x(tick), bottom + 15, str(tick), anchor="middle")
    canvas.text(x(3), bottom + 35, "1 = clearly state-directed ... 5 = clearly market-based", anchor="middle", size=12)
    bands: list[str] = []
    bar = y(0) - y(0.6)
    for position, row in zip(range(len(rows) - 1, -1, -1), rows):
        band = rating_band(row.rating)
        style = RATING_STYLE[band]
        if band not in bands:
            bands.append(band)
        fill = canvas.hatch(band, style.colour, style.hatch)
        canvas.rect(left, y(position) - bar / 2, x(row.rating) - left, bar, fill, stroke_width=0.8, kind="bar")
        canvas.marker(style.marker, x(row.rating), y(position), 5, "black", width=0)
        canvas.text(
            x(row.rating) + 16,
            y(position),
            f"{row.rating} {RATING_SCALE[row.rating].lower()} (weight {row.weight:g})",
        )
        canvas.text(left - 8, y(position), textwrap.fill(row.factor.title, 28), anchor="end", size=12)
    canvas.line(x(result.weighted_average), top, x(result.weighted_average), bottom, "black", 1.2, dash="5 3")
    canvas.text(x(result.weighted_average) + 4, y(len(rows) - 0.4), f"weighted average {result.weighted_average:.1f}")
    legend_y = bottom + 62
    widths = [len(RATING_STYLE[band].label) * 6.5 + 48 for band in bands]
    start = left + ((right - left) - sum(widths)) / 2
    for band, width in zip(bands, widths):
        style = RATING_STYLE[band]
        canvas.rect(start, legend_y - 7, 26, 14, canvas.hatch(band, style.colour, style.hatch), stroke_width=0.8)
        canvas.text(start + 32, legend_y, style.label)
        start += width
    canvas.text(left, top / 2, "Your evidence scorecard", size=15)
    return canvas.svg()


def margin_svg(results: Sequence[SurrogateResult], chosen: str | None = None) -> str:
    """One bar per surrogate; dumping margins hatched, no-dumping bars plain, every bar labelled in words."""
    height = round(100 * (1.2 + 0.75 * len(results)))
    canvas = _Canvas(800, height)
    left, right, top, bottom = 216, 784, round(0.12 * height), round(0.78 * height)
    values = [100 * result.margin for result in results]
    low, high = min(0.0, *values), max(5.0, *values)
    x = _scale(low - 5, high + 25, left, right)
    y = _scale(-0.6, len(results) - 0.4, bottom, top)
    canvas.line(left, top, left, bottom, "black", 0.8)
    canvas.line(left, bottom, right, bottom, "black", 0.8)
    step = next(step for step in (5, 10, 20, 25, 50, 100, 200, 500) if (high - low + 30) / step <= 8)
    tick = -(-(low - 5) // step) * step
    while tick <= high + 25:
        canvas.line(x(tick), bottom, x(tick), bottom + 5, "black", 0.8)
        canvas.text(x(tick), bottom + 15, _number(tick), anchor="middle")
        tick += step
    canvas.text((left + right) / 2, bottom + 35, "(normal value - export price) / export price, %", anchor="middle")
    bar = y(0) - y(0.6)
    for position, result, value in zip(range(len(results) - 1, -1, -1), results, values):
        style = MARGIN_STYLE[result.band]
        fill = canvas.hatch(result.band, style.colour, style.hatch)
        start, end = sorted((x(0), x(value)))
        canvas.rect(start, y(position) - bar / 2, max(end - start, 0.5), bar, fill, stroke_width=0.8, kind="bar")
        label = f"{value:.1f}%" if result.margin > 0 else f"{value:.1f}%: no dumping"
        canvas.text(x(max(value, 0)) + 5, y(position), label, size=12)
        name = result.surrogate.name + ("\n(your choice)" if result.surrogate.id == chosen else "")
        canvas.text(left - 8, y(position), name, anchor="end", size=12)
    canvas.line(x(0), top, x(0), bottom, "black", 0.8)
    canvas.text(left, top / 2, "Illustrative numbers: margin by surrogate (striped = dumping margin)", size=14)
    return canvas.svg()
