"""Lesson 03's widgets: code the leverage cases, then compare; and build a structured argument."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

import ipywidgets as widgets
from ipywidgets.widgets.widget_string import HTMLStyle

from usvn.display import CARD_STYLE, WithStaticFallback, announce, shared_widget, svg_img_html
from usvn.leverage import (
    CHANNELS,
    OUTCOMES,
    Ask,
    Case,
    CodingReport,
    RateTable,
    channel_label,
    check_argument,
    compare_codings,
    compare_schemes,
    leverage_alt_text,
    load_asks,
    load_cases,
    outcome_label,
    rates_alt_text,
)
from usvn.text import cite_html, inline_markdown
from usvn.widgets.charts import leverage_svg, rates_svg
from usvn.widgets.choices import ChoiceGroup, ChoiceList
from usvn.widgets.saving import Autosave, restore_value

__all__ = ["ArgumentBuilder", "CaseExplorer", "RateExplorer", "case_html", "rates_table_html"]
_VERDICT = {"same": "same as the module", "defensible": "differs, but defensible", "different": "differs"}
#: How to choose several cases in a list box, with the mouse and with the keyboard.
LIST_HELP = (
    "Hold Ctrl (Cmd on a Mac) or Shift while clicking to select more than one case. From the keyboard, "
    "Tab into a list, then the arrow keys move and select, Shift with the arrow keys extends the choice, "
    "and Ctrl with the arrow keys moves without choosing, then Ctrl+Space selects or unselects."
)


def case_html(case: Case, number: int) -> str:
    """One case as the student reads it before coding: dates, actors, the ask, the response, whether it lasted."""
    levers = ", ".join(case.levers)
    return (
        f"<p><strong>Case {number}: {escape(case.title)}</strong> ({escape(case.dates)}). "
        f"<em>Who:</em> {escape(case.actors)}. <em>Levers:</em> {escape(levers)}.</p><ul>"
        f"<li><strong>The ask:</strong> {inline_markdown(case.ask)}</li>"
        f"<li><strong>What Vietnam did:</strong> {inline_markdown(case.response)}</li>"
        f"<li><strong>Did it last?</strong> {inline_markdown(case.lasted)}</li></ul>"
        + (
            f"<p><em>Not a pressure attempt:</em> {inline_markdown(case.pressure_reason or '')}</p>"
            if not case.pressure_attempt
            else ""
        )
        + f"<p><small>Sources: {cite_html(case.sources)}</small></p>"
    )


def _module_coding_html(case: Case, number: int) -> str:
    return (
        f"<li><strong>Case {number}, {escape(case.title)}:</strong> {escape(channel_label(case.channel))}; "
        f"{escape(outcome_label(case.outcome))}. {inline_markdown(case.channel_reason)} "
        f"{inline_markdown(case.outcome_reason)}</li>"
    )


class CaseExplorer:
    """Each case with channel and outcome choice groups; the button draws the chart of the module's coding
    beside the student's, and lists the reasons. Uncoded cases are named, never revealed.

    The codings are saved in ``my-notes/03-cases.json`` as they change, and come back when the cell runs again.
    """

    def __init__(self, cases: Sequence[Case] | None = None, notes_folder: Path | None = None) -> None:
        self.cases = tuple(cases if cases is not None else load_cases())
        self.numbers = {case.id: number for number, case in enumerate(self.cases, start=1)}
        self.channel_menus: dict[str, ChoiceGroup] = {}
        self.outcome_menus: dict[str, ChoiceGroup] = {}
        cards = []
        # Shared layouts and styles: each one made afresh would be another model sent to the browser. The two
        # groups are rows one under the other, not columns in a box: 21 boxes fewer to open.
        plain = shared_widget(widgets.Layout)
        for number, case in enumerate(self.cases, start=1):
            channel = ChoiceGroup(
                options=[(channel_label(c), c) for c in CHANNELS],
                value=None,
                description=f"Case {number} channel",
                orientation="horizontal",
                layout=plain,
            )
            outcome = ChoiceGroup(
                options=[(outcome_label(o), o) for o in reversed(OUTCOMES)],
                value=None,
                description=f"Case {number} outcome",
                orientation="horizontal",
                layout=plain,
            )
            self.channel_menus[case.id], self.outcome_menus[case.id] = channel, outcome
            card = widgets.VBox(
                [widgets.HTML(case_html(case, number), layout=plain, style=shared_widget(HTMLStyle)), channel, outcome],
                layout=shared_widget(widgets.Layout, border="1px solid #767676", padding="4px 12px", margin="6px 0"),
                _dom_classes=("usvn-card", "usvn-case"),  # in the constructor: add_class() sends a message each
            )
            cards.append(card)
        self.compare_button = widgets.Button(
            description="Compare my coding with the module's",
            icon="balance-scale",
            button_style="primary",
            layout=shared_widget(widgets.Layout, width="auto"),
            style=shared_widget(widgets.ButtonStyle),
        )
        self.compare_button.on_click(lambda _: self.compare())
        plain, html_style = shared_widget(widgets.Layout), shared_widget(HTMLStyle)
        self.message = widgets.Output(layout=plain)
        self.chart = widgets.HTML(layout=plain, style=html_style)
        self.reasons = widgets.HTML(layout=plain, style=html_style)
        self.report: CodingReport | None = None
        self.alt_text = ""
        self.widget = widgets.VBox(
            [
                widgets.HTML(CARD_STYLE, layout=plain, style=html_style),
                *cards,
                self.compare_button,
                self.message,
                self.chart,
                self.reasons,
            ],
            layout=plain,
        )
        self.autosave = Autosave("03-cases", "cases", lambda: {"codings": self.codings}, self.message, notes_folder)
        saved = self.autosave.data.get("codings")
        with self.autosave.muted():
            for case_id, coding in saved.items() if isinstance(saved, dict) else ():
                if case_id in self.channel_menus and isinstance(coding, list) and len(coding) == 2:
                    restore_value(self.channel_menus[case_id], coding[0])
                    restore_value(self.outcome_menus[case_id], coding[1])
        self.autosave.watch([*self.channel_menus.values(), *self.outcome_menus.values()])
        self.autosave.report_load()

    @property
    def codings(self) -> dict[str, tuple[str | None, str | None]]:
        return {case.id: (self.channel_menus[case.id].value, self.outcome_menus[case.id].value) for case in self.cases}

    def code(self, case_id: str, channel: str | None, outcome: str | None) -> None:
        """Set one case's coding, as the student would with the two groups of radio buttons."""
        self.channel_menus[case_id].value = channel
        self.outcome_menus[case_id].value = outcome

    def compare(self) -> CodingReport:
        report = compare_codings(self.cases, self.codings)
        self.report = report
        status = "Compared." if report.comparisons else "Nothing to compare yet."
        announce(self.message, f"{status} {report.message}")
        if not report.comparisons:
            self.chart.value, self.reasons.value, self.alt_text = "", "", ""
            return report
        self.alt_text = leverage_alt_text(self.cases, report.comparisons)
        self.chart.value = svg_img_html(leverage_svg(self.cases, report.comparisons), self.alt_text)
        items = []
        for item in report.comparisons:
            number = self.numbers[item.case.id]
            verdicts = f"channel: {_VERDICT[item.channel_verdict]}; outcome: {_VERDICT[item.outcome_verdict]}"
            notes = "".join(f"<li>{inline_markdown(note)}</li>" for note in item.notes)
            items.append(
                f"<li><strong>Case {number}, {escape(item.case.title)}</strong> ({verdicts})<ul>{notes}</ul>"
                f"<small>Sources: {cite_html(item.case.sources)}</small></li>"
            )
        self.reasons.value = f"<p><strong>The module's coding and its reasons:</strong></p><ol>{''.join(items)}</ol>"
        return report

    def _repr_mimebundle_(self, **kwargs):
        cards = "".join(case_html(case, number) for number, case in enumerate(self.cases, start=1))
        coding = "".join(_module_coding_html(case, number) for number, case in enumerate(self.cases, start=1))
        chart = svg_img_html(leverage_svg(self.cases), leverage_alt_text(self.cases))
        static = (
            f"{cards}<p><em>Code each case by channel and outcome before you open the module's coding.</em></p>"
            f"<details><summary>The module's coding (code the cases yourself first)</summary>{chart}"
            f"<ol>{coding}</ol></details>"
        )
        text = f"Case explorer: {len(self.cases)} leverage cases. [Run this notebook to code them and compare.]"
        return WithStaticFallback(self.widget, static, text)._repr_mimebundle_(**kwargs)


def _notes_html(ask: Ask, channel: str, numbers: dict[str, int]) -> str:
    ordered = sorted(ask.notes, key=lambda note: note.channel != channel)
    items = []
    for note in ordered:
        cases = ", ".join(f"case {numbers[case]}" for case in note.cases)
        mark = " (your channel)" if note.channel == channel else ""
        items.append(
            f"<li><strong>{escape(channel_label(note.channel))}{mark}.</strong> {inline_markdown(note.text)} "
            f"<small>(Cases: {cases}. Sources: {cite_html(note.sources)})</small></li>"
        )
    return (
        f"<p><strong>The module's notes on each channel:</strong></p><ul>{''.join(items)}</ul>"
        f"<p><em>{inline_markdown(ask.caution)}</em></p>"
    )


class ArgumentBuilder:
    """Choose a channel for an ask, select supporting and counter cases, justify; the check is of structure only.

    The supporting cases and the counter-cases are two labelled list boxes (``support_list``, ``counter_list``),
    one Tab stop each, whatever the number of cases.

    Everything is saved in ``my-notes/03-argument-<ask id>.json`` as it changes, and comes back when the cell
    runs again.
    """

    def __init__(
        self, ask: Ask | str = "ratify-c87", cases: Sequence[Case] | None = None, notes_folder: Path | None = None
    ) -> None:
        self.ask = load_asks()[ask] if isinstance(ask, str) else ask
        self.cases = tuple(cases if cases is not None else load_cases())
        self.numbers = {case.id: number for number, case in enumerate(self.cases, start=1)}
        self.notes_folder = notes_folder
        self.saved_to: Path | None = None
        self.channel = ChoiceGroup(
            options=[(channel_label(c), c) for c in CHANNELS], value=None, description="Channel you recommend"
        )
        options = [(f"Case {number}: {case.title}", case.id) for number, case in enumerate(self.cases, start=1)]
        rows = min(len(options), 8)
        self.support_list = ChoiceList(
            options=options, value=(), rows=rows, description="Cases that support your choice (at least two)"
        )
        self.counter_list = ChoiceList(
            options=options, value=(), rows=rows, description="Counter-cases, which cut against it (at least one)"
        )
        self.justification = widgets.Textarea(
            value="",
            placeholder=f"Write at least {self.ask.min_words} words: how each case bears on the ask.",
            description="Your justification",
            style={"description_width": "initial"},
            continuous_update=False,
            layout=widgets.Layout(width="95%", height="9em"),
        )
        self.check_button = widgets.Button(
            description="Check my argument's structure",
            icon="check",
            button_style="primary",
            layout=shared_widget(widgets.Layout, width="auto"),
            style=shared_widget(widgets.ButtonStyle),
        )
        self.check_button.on_click(lambda _: self.check())
        self.feedback = widgets.Output(layout=shared_widget(widgets.Layout))
        self.widget = widgets.VBox(
            [
                widgets.HTML(f"{CARD_STYLE}<p><strong>The ask:</strong> {inline_markdown(self.ask.ask)}</p>"),
                self.channel,
                widgets.HTML(f"<p>{escape(LIST_HELP)}</p>"),
                self.support_list,
                self.counter_list,
                self.justification,
                self.check_button,
                self.feedback,
            ],
            _dom_classes=("usvn-card", "usvn-argument"),
        )
        self.autosave = Autosave(
            f"03-argument-{self.ask.id}", "argument", self._saved_state, self.feedback, notes_folder
        )
        self._restore(self.autosave.data)
        self.autosave.watch([self.channel, self.justification, self.support_list, self.counter_list])
        self.autosave.report_load()

    def _saved_state(self) -> dict:
        return {
            "ask": self.ask.id,
            "channel": self.channel.value,
            "supporting": self.supporting,
            "counter": self.counter,
            "justification": self.justification.value,
        }

    def _restore(self, data: dict) -> None:
        with self.autosave.muted():
            restore_value(self.channel, data.get("channel"))
            for key, chooser in (("supporting", self.support_list), ("counter", self.counter_list)):
                chosen = data.get(key) if isinstance(data.get(key), list) else []
                # A case no longer in the set is dropped; the others come back.
                chooser.value = tuple(case.id for case in self.cases if case.id in chosen)
            if isinstance(data.get("justification"), str):
                self.justification.value = data["justification"]

    @property
    def supporting(self) -> list[str]:
        """The supporting cases selected, in the order of the case set."""
        return [case.id for case in self.cases if case.id in self.support_list.value]

    @property
    def counter(self) -> list[str]:
        """The counter-cases selected, in the order of the case set."""
        return [case.id for case in self.cases if case.id in self.counter_list.value]

    def check(self) -> bool:
        result = check_argument(
            self.ask, self.channel.value, self.supporting, self.counter, self.justification.value, self.cases
        )
        if not result.ready:
            announce(self.feedback, "Not yet. " + " ".join(result.problems))
            return False
        if self.autosave.save():
            self.saved_to = self.autosave.path
            saved = f" Your argument is saved in {self.saved_to}."
        else:
            saved = f" ({self.autosave.problem})"
        remarks = "".join(f"<li>{escape(remark)}</li>" for remark in result.remarks)
        remarks_html = f"<p><strong>Worth addressing:</strong></p><ul>{remarks}</ul>" if remarks else ""
        announce(
            self.feedback,
            "Your argument has the structure it needs: a channel, supporting cases, "
            f"a counter-case and a justification. It is not graded.{saved}",
            remarks_html + _notes_html(self.ask, self.channel.value, self.numbers),
        )
        return True

    def _repr_mimebundle_(self, **kwargs):
        cases = "".join(f"<li>{escape(case.title)}</li>" for case in self.cases)
        static = (
            f"<p><strong>The ask:</strong> {inline_markdown(self.ask.ask)}</p><p><em>Run this notebook to "
            "choose a channel, select at least two supporting cases and one counter-case from the cases "
            f"below, and justify your choice.</em></p><ol>{cases}</ol>"
            "<details><summary>The module's notes (build your own argument first)</summary>"
            f"{_notes_html(self.ask, '', self.numbers)}</details>"
        )
        text = f"Structured argument: {self.ask.ask} [Run this notebook to build and check your argument.]"
        return WithStaticFallback(self.widget, static, text)._repr_mimebundle_(**kwargs)


def rates_table_html(tables: Sequence[RateTable]) -> str:
    """The rates as an HTML table (codings as rows, channels as columns), with the cases left out."""
    head = "".join(f'<th scope="col">{escape(channel_label(channel))}</th>' for channel in CHANNELS)
    rows = "".join(
        f'<tr><th scope="row">{escape(table.label)}</th>'
        + "".join(f"<td>{escape(table.for_channel(channel).describe())}</td>" for channel in CHANNELS)
        + "</tr>"
        for table in tables
    )
    left = tables[0].left_out if tables else ()
    note = (
        f"<p><small>Not counted: {escape('; '.join(f'{case} ({why})' for case, why in left))}.</small></p>"
        if left
        else ""
    )
    return (
        f"<table><caption>Cases coded lasting change, of the cases counted, per channel</caption>"
        f'<thead><tr><th scope="col">Coding</th>{head}</tr></thead><tbody>{rows}</tbody></table>{note}'
    )


class RateExplorer:
    """Choose which cases count, then press the button: success rates per channel under each coding scheme.

    The cases to count are one labelled list box (``case_list``, one Tab stop). Nothing is redrawn while the
    student chooses; the chart and table change only on the button. With a :class:`CaseExplorer`, the student's
    own coding is added as one more column.

    The choice of cases and the non-pressure box are saved in ``my-notes/03-rates.json`` as they change, and come
    back when the cell runs again.
    """

    def __init__(
        self,
        explorer: CaseExplorer | None = None,
        cases: Sequence[Case] | None = None,
        notes_folder: Path | None = None,
    ) -> None:
        self.explorer = explorer
        self.cases = tuple(cases if cases is not None else (explorer.cases if explorer else load_cases()))
        self.case_list = ChoiceList(
            options=[
                (
                    f"Case {number}: {case.title}" + ("" if case.pressure_attempt else " (not a pressure attempt)"),
                    case.id,
                )
                for number, case in enumerate(self.cases, start=1)
            ],
            value=tuple(case.id for case in self.cases),
            rows=min(len(self.cases), 12),
            description="Cases to count",
        )
        self.non_pressure = widgets.Checkbox(
            value=False,
            indent=False,
            layout=widgets.Layout(width="auto"),
            description="Also count the cases the module does not treat as pressure attempts",
        )
        self.original_button = widgets.Button(
            description="Start from the first version's nine cases",
            layout=shared_widget(widgets.Layout, width="auto"),
            style=shared_widget(widgets.ButtonStyle),
        )
        self.original_button.on_click(lambda _: self.use_original())
        self.all_button = widgets.Button(
            description="Select every case",
            layout=shared_widget(widgets.Layout, width="auto"),
            style=shared_widget(widgets.ButtonStyle),
        )
        self.all_button.on_click(lambda _: self.use_all())
        self.draw_button = widgets.Button(
            description="Show the rates for the selected cases",
            icon="bar-chart",
            button_style="primary",
            layout=shared_widget(widgets.Layout, width="auto"),
            style=shared_widget(widgets.ButtonStyle),
        )
        self.draw_button.on_click(lambda _: self.draw())
        self.message = widgets.Output(layout=shared_widget(widgets.Layout))
        self.chart = widgets.HTML(layout=shared_widget(widgets.Layout), style=shared_widget(HTMLStyle))
        self.table = widgets.HTML(layout=shared_widget(widgets.Layout), style=shared_widget(HTMLStyle))
        self.tables: tuple[RateTable, ...] = ()
        self.alt_text = ""
        self.widget = widgets.VBox(
            [
                widgets.HTML(
                    f"{CARD_STYLE}<p><strong>Which cases count?</strong> Select the cases to include in "
                    "the list, or start from one of the two sets with the buttons, then press the button below "
                    f"the list.</p><p>{escape(LIST_HELP)}</p>"
                ),
                widgets.HBox([self.original_button, self.all_button]),
                self.case_list,
                self.non_pressure,
                self.draw_button,
                self.message,
                self.chart,
                self.table,
            ],
            _dom_classes=("usvn-card", "usvn-rates"),
        )
        self.autosave = Autosave("03-rates", "rates", self._saved_state, self.message, notes_folder)
        self._restore(self.autosave.data)
        self.autosave.watch([self.case_list, self.non_pressure])
        self.autosave.report_load()

    def _saved_state(self) -> dict:
        chosen = set(self.case_list.value)
        return {"counted": {case.id: case.id in chosen for case in self.cases}, "non_pressure": self.non_pressure.value}

    def _restore(self, data: dict) -> None:
        """A case missing from the saved choice (added since) keeps its default: counted."""
        with self.autosave.muted():
            counted = data.get("counted")
            if isinstance(counted, dict):
                self.case_list.value = tuple(case.id for case in self.cases if counted.get(case.id) is not False)
            if isinstance(data.get("non_pressure"), bool):
                self.non_pressure.value = data["non_pressure"]

    @property
    def selected(self) -> list[Case]:
        chosen = set(self.case_list.value)
        return [case for case in self.cases if case.id in chosen]

    def use_original(self) -> None:
        """Select the first version's nine cases only, counted the way that version counted them (every case)."""
        self.case_list.value = tuple(case.id for case in self.cases if case.original_set)
        self.non_pressure.value = True

    def use_all(self) -> None:
        self.case_list.value = tuple(case.id for case in self.cases)
        self.non_pressure.value = False

    def draw(self) -> tuple[RateTable, ...]:
        cases = self.selected
        if not cases:
            self.tables, self.alt_text, self.chart.value, self.table.value = (), "", "", ""
            announce(self.message, "No case is selected: select at least one case, then press the button again.")
            return ()
        student = None
        if self.explorer is not None and any(
            all(part is not None for part in value) for value in self.explorer.codings.values()
        ):
            student = self.explorer.codings
        self.tables = compare_schemes(cases, student=student, include_non_pressure=self.non_pressure.value)
        self.alt_text = rates_alt_text(self.tables)
        self.chart.value = svg_img_html(rates_svg(self.tables), self.alt_text)
        self.table.value = rates_table_html(self.tables)
        first = self.tables[0]
        announce(self.message, f"Rates for {len(cases)} selected case{'s' if len(cases) != 1 else ''}. {first.message}")
        return self.tables

    def _repr_mimebundle_(self, **kwargs):
        tables = compare_schemes(self.cases)
        static = (
            f"<p><em>Run this notebook to choose which cases count.</em> With every pressure attempt "
            f"counted:</p>{svg_img_html(rates_svg(tables), rates_alt_text(tables))}"
            f"{rates_table_html(tables)}"
        )
        text = (
            f"Rate explorer: {len(self.cases)} leverage cases. [Run this notebook to choose cases and compare codings.]"
        )
        return WithStaticFallback(self.widget, static, text)._repr_mimebundle_(**kwargs)
