"""The timeline model: filter events by theme and year, describe them, and draw them.

>>> events = load_timeline()
>>> picked = filter_events(events, themes={"security"}, years=(2016, 2016))
>>> [event.id for event in picked]
['2016-arms-embargo-lifted']
>>> format_date("2026-04-07"), format_date("2026-01"), format_date("2003")
('7 April 2026', 'January 2026', '2003')
>>> filter_events(events, themes={"sport"}, years=(1995, 2000))
Traceback (most recent call last):
...
usvn.loader.InputError: Unknown theme 'sport'; themes are diplomacy, security, trade, rights.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from usvn.data import THEMES, Event, load_timeline
from usvn.loader import InputError, checked_data
from usvn.style import THEME_STYLE

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from usvn.display import FigureOutput

__all__ = [
    "coverage_note",
    "event_index",
    "filter_events",
    "format_date",
    "load_timeline",
    "timeline_alt_text",
    "timeline_chart",
    "timeline_figure",
    "year_bounds",
]

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def year_bounds(events: Sequence[Event]) -> tuple[int, int]:
    """First and last year in ``events``."""
    years = [event.year for event in events]
    return min(years), max(years)


def filter_events(events: Sequence[Event], themes: Collection[str], years: tuple[int, int]) -> tuple[Event, ...]:
    """Events that carry at least one of ``themes`` and fall within ``years`` (inclusive), in date order."""
    unknown = sorted(set(themes) - set(THEMES))
    if unknown:
        raise InputError(f"Unknown theme '{unknown[0]}'; themes are {', '.join(THEMES)}.")
    try:
        start, end = (int(year) for year in years)
    except (TypeError, ValueError):
        raise InputError(f"Years must be two whole numbers, such as (1995, 2024); got {years!r}.") from None
    if start > end:
        raise InputError(f"The first year ({start}) comes after the last year ({end}).")
    return tuple(event for event in events if start <= event.year <= end and set(event.themes) & set(themes))


def timeline_alt_text(events: Sequence[Event], years: tuple[int, int]) -> str:
    """Alt text that states what the chart shows, counted from the data it draws."""
    if not events:
        return f"Empty timeline chart: no events match the chosen themes between {years[0]} and {years[1]}."
    lanes = []
    for theme in THEMES:
        count = sum(theme in event.themes for event in events)
        if count:
            style = THEME_STYLE[theme]
            lanes.append(f"{style.label} ({style.marker_name}s): {count}")
    return (
        f"Timeline chart of {len(events)} numbered events from {events[0].year} to {events[-1].year}, "
        f"one row per theme; an event with two themes appears in both rows. {'; '.join(lanes)}. "
        "The numbered list below the chart describes each event."
    )


def timeline_figure(events: Sequence[Event], years: tuple[int, int]) -> Figure:
    """A lane chart: one row per theme, events numbered in date order to match the list below it."""
    from matplotlib.figure import Figure  # deferred: a lesson that draws nothing need not import matplotlib

    figure = Figure(figsize=(9, 3.2))
    axes = figure.subplots()
    lanes = [theme for theme in THEMES if any(theme in event.themes for event in events)] or list(THEMES)
    for row, theme in enumerate(reversed(lanes)):
        style = THEME_STYLE[theme]
        members = [(number, event) for number, event in enumerate(events, start=1) if theme in event.themes]
        axes.axhline(row, color="#BBBBBB", linewidth=0.8, zorder=1)
        axes.scatter(
            [event.decimal_year for _, event in members],
            [row] * len(members),
            s=70,
            marker=style.marker,
            color=style.colour,
            edgecolor="black",
            linewidth=0.6,
            zorder=3,
            label=style.label,
        )
        for position, (number, event) in enumerate(members):
            offset = 11 if position % 2 == 0 else -15
            axes.annotate(
                str(number),
                (event.decimal_year, row),
                textcoords="offset points",
                xytext=(0, offset),
                ha="center",
                fontsize=8,
            )
    axes.set_yticks(range(len(lanes)), [THEME_STYLE[theme].label for theme in reversed(lanes)])
    axes.set_xlim(years[0] - 0.5, years[1] + 1.5)
    axes.set_ylim(-0.7, len(lanes) - 0.3)
    axes.set_xlabel("Year")
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.tick_params(axis="y", length=0)
    axes.grid(axis="x", color="#E5E5E5", linewidth=0.6)
    axes.set_title("US–Vietnam relations: events by theme", loc="left", fontsize=11)
    figure.subplots_adjust(left=0.11, right=0.98, top=0.88, bottom=0.16)
    return figure


def timeline_chart(events: Sequence[Event] | None = None) -> FigureOutput:
    """The whole timeline (or ``events``) as a figure with alt text, ready to display.

    It is the timeline explorer's SVG chart (the lane chart of :func:`timeline_figure`, drawn as text): a lesson
    that shows it starts without importing matplotlib or rendering a PNG.
    """
    from usvn.display import FigureOutput
    from usvn.widgets.charts import timeline_svg  # deferred: the charts module imports every lesson's model

    events = tuple(events if events is not None else load_timeline())
    years = year_bounds(events)
    return FigureOutput(svg=timeline_svg(events, years), alt=timeline_alt_text(events, years))


def format_date(date: str) -> str:
    """A date of the timeline (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) as words, with only the precision it has."""
    parts = date.split("-")
    if len(parts) == 1:
        return parts[0]
    month = _MONTHS[int(parts[1]) - 1]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"


def coverage_note(events: Sequence[Event] | None = None, as_of: str | None = None) -> str:
    """What the timeline covers, when its records were last checked, and what it leaves out, from the data.

    ``checked`` on an event is the date its content was last confirmed against its sources; ``as_of`` is the
    date the file was last reviewed for events to add. Neither is the date of an event.
    """
    events = tuple(events if events is not None else load_timeline())
    as_of = as_of or checked_data("timeline.yaml")["as_of"]
    if not events:
        return f"The timeline has no events (reviewed as of {format_date(as_of)})."
    last = max(events, key=lambda event: event.decimal_year)
    checked = sorted({event.checked for event in events if event.checked})
    if not checked:
        stamp = "Its events carry no date of checking."
    elif len(checked) == 1:
        stamp = f"Every event was last checked against its sources on {format_date(checked[0])}."
    else:
        stamp = (
            f"Each event was last checked against its sources on a date between {format_date(checked[0])} "
            f"and {format_date(checked[-1])}; the list under the chart gives each event's date of checking."
        )
    return (
        f"The timeline holds {len(events)} events, from {format_date(events[0].date)} to "
        f"{format_date(last.date)} ({last.title}). {stamp} It was last reviewed for new events on "
        f"{format_date(as_of)}: it does not cover anything that happened after {format_date(last.date)}, "
        "and later events may change how the last ones read."
    )


def event_index(events: Sequence[Event]) -> str:
    """One line per event, in date order: its id (to copy into an answer), date, themes and title.

    >>> print(event_index(filter_events(load_timeline(), {"security"}, (2003, 2003))))
    2003-uss-vandegrift-visit  |  2003-11     |  security, diplomacy  |  USS Vandegrift makes the first US Navy port call since the war
    """
    if not events:
        return "(no events)"
    width = max(len(event.id) for event in events)
    return "\n".join(
        f"{event.id:<{width}}  |  {event.date:<10}  |  {', '.join(event.themes)}  |  {event.title}" for event in events
    )
