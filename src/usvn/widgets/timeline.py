"""The timeline explorer: filter events by theme and years; the chart and the numbered list follow."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

import ipywidgets as widgets
from ipywidgets.widgets.widget_bool import CheckboxStyle
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle, LabelStyle

from usvn.data import THEMES, Event, load_timeline
from usvn.display import WithStaticFallback, announce, shared_widget, svg_img_html
from usvn.style import THEME_STYLE
from usvn.text import cite_html, inline_markdown
from usvn.timeline import filter_events, format_date, timeline_alt_text, year_bounds
from usvn.widgets.charts import timeline_svg
from usvn.widgets.saving import Autosave

__all__ = ["TimelineExplorer", "YearRange", "events_html"]


def events_html(events: Sequence[Event]) -> str:
    """The numbered event list that accompanies the chart."""
    if not events:
        return ""
    items = []
    for number, event in enumerate(events, start=1):
        themes = ", ".join(THEME_STYLE[theme].label for theme in event.themes)
        note = f" <em>({inline_markdown(event.date_note)})</em>" if event.date_note else ""
        checked = f". Checked against its sources as of {format_date(event.checked)}" if event.checked else ""
        items.append(
            f'<li value="{number}"><strong>{escape(event.date)}</strong>{note}: <strong>{escape(event.title)}</strong>'
            f" [{themes}]. {inline_markdown(event.summary)}"
            f" <small>Sources: {cite_html(event.sources)}{checked}</small></li>"
        )
    return f'<ol class="usvn-events">{"".join(items)}</ol>'


class YearRange:
    """Two labelled year boxes, "From year" and "To year", read and set together as ``value = (start, end)``.

    They replace a range slider, whose handles ipywidgets 8 leaves without an accessible name (axe-core:
    aria-input-field-name). Each box is an ``<input type="number">`` with its own ``<label>``: type a year, or
    step with the arrow keys. A text-like input also keeps JupyterLab from taking the arrow keys for moving
    between cells, as it does on a focused slider, menu or radio button. Like a slider, ``value`` clamps years
    to the bounds, and so do the boxes.
    """

    def __init__(self, first: int, last: int, on_change) -> None:
        self.first, self.last = first, last
        style = shared_widget(DescriptionStyle, description_width="initial")
        layout = shared_widget(widgets.Layout, width="12em")
        self.start = widgets.BoundedIntText(
            value=first, min=first, max=last, description="From year", style=style, layout=layout
        )
        self.end = widgets.BoundedIntText(
            value=last, min=first, max=last, description="To year", style=style, layout=layout
        )
        self._on_change = on_change
        self._muted = False
        for menu in (self.start, self.end):
            menu.observe(self._changed, names="value")
        self.widget = widgets.HBox([self.start, self.end], layout=shared_widget(widgets.Layout))

    def _changed(self, _change) -> None:
        if not self._muted:
            self._on_change()

    @property
    def value(self) -> tuple[int, int]:
        return self.start.value, self.end.value

    @value.setter
    def value(self, span: tuple[int, int]) -> None:
        start, end = (min(max(int(year), self.first), self.last) for year in span)
        self._muted = True
        try:
            self.start.value, self.end.value = start, end
        finally:
            self._muted = False
        self._on_change()


class TimelineExplorer:
    """Tick themes and choose the years; the chart (with alt text) and the event list redraw.

    The filter is saved in ``my-notes/01-timeline.json`` as it changes, and comes back when the cell runs again.
    """

    def __init__(self, events: Sequence[Event] | None = None, notes_folder: Path | None = None) -> None:
        self.events = tuple(events if events is not None else load_timeline())
        self.first_year, self.last_year = year_bounds(self.events)
        self.theme_boxes = {
            theme: widgets.Checkbox(
                value=True,
                description=f"{THEME_STYLE[theme].label} ({THEME_STYLE[theme].marker_name})",
                indent=False,
                layout=shared_widget(widgets.Layout, width="auto"),
                style=shared_widget(CheckboxStyle),
            )
            for theme in THEMES
        }
        # Shared layouts and styles: each one made afresh would be another model sent to the browser.
        plain, html_style = shared_widget(widgets.Layout), shared_widget(HTMLStyle)
        self.years = YearRange(self.first_year, self.last_year, lambda: self._on_change(None))
        self.reset_button = widgets.Button(
            description="Show everything",
            icon="undo",
            tooltip="Tick every theme and select every year",
            layout=plain,
            style=shared_widget(widgets.ButtonStyle),
        )
        self.message = widgets.HTML(
            layout=shared_widget(widgets.Layout, display="none"), style=html_style
        )  # the static copy; the page reads status
        self.status = widgets.Output(layout=plain)  # what changed, announced to screen readers after each change
        self.chart = widgets.HTML(layout=plain, style=html_style)
        self.listing = widgets.HTML(layout=plain, style=html_style)
        self._muted = False
        for box in self.theme_boxes.values():
            box.observe(self._on_change, names="value")
        self.reset_button.on_click(lambda _: self.reset())
        self.widget = widgets.VBox(
            [
                widgets.HBox(
                    [
                        widgets.Label("Themes:", layout=plain, style=shared_widget(LabelStyle)),
                        *self.theme_boxes.values(),
                    ],
                    layout=plain,
                ),
                widgets.HBox([self.years.widget, self.reset_button], layout=plain),
                self.message,
                self.status,
                self.chart,
                self.listing,
            ],
            layout=plain,
        )
        self.shown: tuple[Event, ...] = ()
        self.alt_text = ""
        self.autosave = Autosave("01-timeline", "timeline", self._saved_state, self.status, notes_folder)
        self._restore(self.autosave.data)
        self.autosave.watch([*self.theme_boxes.values(), self.years.start, self.years.end])
        self.redraw(quiet=True)
        self.autosave.report_load()

    def _saved_state(self) -> dict:
        return {"themes": self.selected_themes, "years": list(self.years.value)}

    def _restore(self, data: dict) -> None:
        themes, years = data.get("themes"), data.get("years")
        self._muted = True
        try:
            with self.autosave.muted():
                if isinstance(themes, list):
                    for theme, box in self.theme_boxes.items():
                        box.value = theme in themes
                if (
                    isinstance(years, list)
                    and len(years) == 2
                    and all(isinstance(year, int) and not isinstance(year, bool) for year in years)
                ):
                    self.years.value = tuple(years)
        finally:
            self._muted = False

    @property
    def selected_themes(self) -> list[str]:
        return [theme for theme, box in self.theme_boxes.items() if box.value]

    def _on_change(self, _change) -> None:
        if not self._muted:
            self.redraw()

    def redraw(self, quiet: bool = False) -> None:
        """Draw the chart and list for the current filter; say what changed (``quiet``: show it, unannounced)."""
        themes, years = self.selected_themes, tuple(self.years.value)
        if not themes:
            self._show_message("No theme is ticked: tick at least one theme to see events.", quiet)
            return
        try:
            self.shown = filter_events(self.events, themes, years)
        except ValueError as error:
            self._show_message(str(error), quiet)
            return
        if not self.shown:
            self._show_message(
                f"No {' or '.join(themes)} events between {years[0]} and {years[1]}: widen the years.", quiet
            )
            return
        self.alt_text = timeline_alt_text(self.shown, years)
        said = f"Showing {len(self.shown)} of {len(self.events)} events, {years[0]}–{years[1]}."
        self.message.value = f"<p>{said}</p>"
        self._status(said, quiet)
        self.chart.value = svg_img_html(timeline_svg(self.shown, years), self.alt_text)
        self.listing.value = events_html(self.shown)

    def _status(self, text: str, quiet: bool) -> None:
        if quiet:
            self.status.outputs = (
                {
                    "output_type": "display_data",
                    "metadata": {},
                    "data": {"text/plain": text, "text/html": f"<p>{escape(text)}</p>"},
                },
            )
        else:
            announce(self.status, text)

    def _show_message(self, text: str, quiet: bool = False) -> None:
        self.shown = ()
        self.alt_text = ""
        self._status(f"Nothing to show. {text}", quiet)
        self.message.value = f'<p role="status"><strong>Nothing to show.</strong> {escape(text)}</p>'
        self.chart.value = ""
        self.listing.value = ""

    def reset(self) -> None:
        """Tick every theme and select every year: one redraw and one save, not one for each control."""
        self._muted = True
        try:
            with self.autosave.muted():
                for box in self.theme_boxes.values():
                    box.value = True
                self.years.value = (self.first_year, self.last_year)
        finally:
            self._muted = False
        self.autosave.save()
        self.redraw()

    def _repr_mimebundle_(self, **kwargs):
        static = f"{self.message.value}{self.chart.value}{self.listing.value}"
        text = f"Timeline explorer: {len(self.shown)} events. Run this notebook to filter them."
        return WithStaticFallback(self.widget, static, text)._repr_mimebundle_(**kwargs)
