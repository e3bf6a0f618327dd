"""The evidence scorecard: read the cards on each factor, rate, weigh and justify, then compare with Commerce."""

from __future__ import annotations

from html import escape
from pathlib import Path

import ipywidgets as widgets
from IPython.display import HTML
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

from usvn.criteria import (
    RATING_SCALE,
    Criteria,
    Factor,
    ScorecardResult,
    assess,
    load_criteria,
    scorecard_alt_text,
)
from usvn.display import WithStaticFallback, announce, shared_widget, svg_img_html
from usvn.text import cite_html, inline_markdown
from usvn.widgets.charts import scorecard_svg
from usvn.widgets.choices import ChoiceGroup
from usvn.widgets.saving import Autosave, restore_value

__all__ = [
    "EvidenceScorecard",
    "commerce_html",
    "factor_html",
    "law_history",
    "law_history_html",
    "nme_list",
    "nme_list_html",
]


def factor_html(factor: Factor) -> str:
    """The factor in plain words and its evidence cards, each saying who speaks and citing its sources."""
    cards = "".join(
        f"<li><strong>[{escape(card.speaker_label)}]</strong> <em>{escape(card.who)}:</em> "
        f"{inline_markdown(card.text)} <small>({cite_html(card.sources)})</small></li>"
        for card in factor.cards
    )
    link = f"<p><strong>Why it matters here:</strong> {inline_markdown(factor.link)}</p>" if factor.link else ""
    return (
        f"<h3>{escape(factor.title)}</h3><p>{inline_markdown(factor.plain)}</p>{link}"
        f"<p>Evidence cards:</p><ul>{cards}</ul>"
    )


def commerce_html(criteria: Criteria, result: ScorecardResult | None = None) -> str:
    """A table: each factor, the student's rating and reason (if given), and Commerce's reported finding."""
    by_factor = {row.factor.id: row for row in result.rows} if result and result.ok else {}
    head = '<th scope="col">Your rating and reason</th>' if by_factor else ""
    rows = []
    for factor in criteria.factors:
        mine = ""
        if by_factor:
            row = by_factor[factor.id]
            mine = (
                f"<td>{row.rating}: {escape(RATING_SCALE[row.rating])} (weight {row.weight:g}). "
                f"{escape(row.justification)}</td>"
            )
        finding = factor.commerce
        rows.append(
            f'<tr><th scope="row">{escape(factor.title)}</th>{mine}'
            f"<td><strong>{escape(finding.reading_label)}.</strong> {inline_markdown(finding.text)} "
            f"<small>({cite_html(finding.sources)})</small></td></tr>"
        )
    return (
        "<table><caption>What Commerce found on 2 August 2024, as reported, factor by factor</caption>"
        f'<thead><tr><th scope="col">Factor</th>{head}<th scope="col">Commerce\'s finding</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        f"<p>{inline_markdown(criteria.decision_scope)} <small>({cite_html(criteria.decision_sources)})</small> "
        "Where your ratings differ, ask which evidence you weighed differently, and whose evidence it was.</p>"
    )


def nme_list_html(criteria: Criteria | None = None) -> str:
    """Commerce's list of non-market economies as a table, dated and cited."""
    criteria = criteria or load_criteria()
    rows = "".join(
        f'<tr><td>{number}</td><th scope="row">{escape(name)}</th><td>{escape(notice)}</td></tr>'
        for number, (name, notice) in enumerate(criteria.nme_countries, start=1)
    )
    return (
        f"<table><caption>Commerce's non-market economies, as of {escape(criteria.nme_as_of)} "
        f'({len(criteria.nme_countries)} countries)</caption><thead><tr><th scope="col">No.</th>'
        '<th scope="col">Country</th><th scope="col">Federal Register notice</th></tr></thead>'
        f"<tbody>{rows}</tbody></table><p>{inline_markdown(criteria.nme_note)} "
        f"<small>({cite_html(criteria.nme_sources)})</small></p>"
    )


def law_history_html(criteria: Criteria | None = None) -> str:
    """The law's history in Vietnam's case as a dated, cited table; Hanoi-only accounts are labelled."""
    criteria = criteria or load_criteria()
    rows = "".join(
        f'<tr><td>{escape(event.when)}</td><th scope="row">{escape(event.title)}</th>'
        f"<td>{'<strong>[Hanoi&#39;s account]</strong> ' if event.hanoi_only else ''}{inline_markdown(event.text)} "
        f"<small>({cite_html(event.sources)})</small></td></tr>"
        for event in criteria.history
    )
    return (
        f"<table><caption>How the label came to apply to Vietnam, and what it touches (checked as of "
        f'{escape(criteria.history_as_of)})</caption><thead><tr><th scope="col">When</th>'
        '<th scope="col">Step</th><th scope="col">What happened</th></tr></thead>'
        f"<tbody>{rows}</tbody></table><p>{inline_markdown(criteria.history_coverage)}</p>"
    )


def law_history() -> HTML:
    """Display the law's history in Vietnam's case."""
    return HTML(law_history_html())


def nme_list() -> HTML:
    """Display Commerce's list of non-market economies."""
    return HTML(nme_list_html())


class EvidenceScorecard:
    """One block per factor (cards, rating, weight, one-line reason); a chart; then Commerce's findings.

    Ratings, weights and reasons are saved in ``my-notes/04-scorecard.json`` as they change, and come back when
    the cell runs again.
    """

    def __init__(self, criteria: Criteria | None = None, notes_folder: Path | None = None) -> None:
        self.criteria = criteria or load_criteria()
        self.ratings: dict[str, ChoiceGroup] = {}
        self.weights: dict[str, widgets.BoundedIntText] = {}
        self.justifications: dict[str, widgets.Text] = {}
        blocks = []
        # Widgets with the same settings share one layout and style: each made afresh is one more model the
        # kernel opens and the page draws (47 layouts for six factors before).
        plain = shared_widget(widgets.Layout)
        text_style = shared_widget(TextStyle, description_width="8em")
        for factor in self.criteria.factors:
            self.ratings[factor.id] = ChoiceGroup(
                options=[(f"{value} - {label}", value) for value, label in RATING_SCALE.items()],
                value=None,
                description=f"Rating ({factor.number}): {factor.title}",
                orientation="horizontal",
                layout=plain,
            )
            self.weights[factor.id] = widgets.BoundedIntText(  # a labelled spin button: type, or use the arrow keys
                value=1,
                min=0,
                max=3,
                step=1,
                description=f"Weight ({factor.number})",
                style=shared_widget(DescriptionStyle, description_width="8em"),
                layout=shared_widget(widgets.Layout, width="14em"),
            )
            self.justifications[factor.id] = widgets.Text(
                value="",
                placeholder="One line: which evidence decided your rating?",
                continuous_update=False,
                description=f"Reason ({factor.number})",
                style=text_style,
                layout=shared_widget(widgets.Layout, width="95%"),
            )
            blocks.append(
                widgets.VBox(
                    [
                        widgets.HTML(factor_html(factor), layout=plain, style=shared_widget(HTMLStyle)),
                        self.ratings[factor.id],
                        self.weights[factor.id],
                        self.justifications[factor.id],
                    ],
                    layout=shared_widget(
                        widgets.Layout, border="1px solid #767676", padding="4px 12px", margin="6px 0"
                    ),
                )
            )
        self.show_button = widgets.Button(
            description="Show my scorecard",
            button_style="primary",
            icon="bar-chart",
            tooltip="Check your ratings and draw the chart",
            layout=widgets.Layout(width="auto"),
        )
        self.compare_button = widgets.Button(
            description="Compare with Commerce",
            icon="balance-scale",
            tooltip="See what Commerce found, beside your ratings",
            layout=widgets.Layout(width="auto"),
        )
        self.output = widgets.Output()
        self.show_button.on_click(lambda _: self.show())
        self.compare_button.on_click(lambda _: self.compare())
        self.result: ScorecardResult | None = None
        self.alt_text = ""
        scale = "; ".join(f"{value} = {label.lower()}" for value, label in RATING_SCALE.items())
        self.widget = widgets.VBox(
            [
                widgets.HTML(
                    f"<p>For each factor, read the cards, then rate how far the evidence shows it working on "
                    f"market principles ({escape(scale)}). Weights run from 0 (ignore) to 3; every factor "
                    "starts at 1.</p>"
                ),
                *blocks,
                widgets.HBox([self.show_button, self.compare_button]),
                self.output,
            ]
        )
        self.autosave = Autosave("04-scorecard", "scorecard", self._saved_state, self.output, notes_folder)
        self._restore(self.autosave.data)
        self.autosave.watch([*self.ratings.values(), *self.weights.values(), *self.justifications.values()])
        self.autosave.report_load()

    def _saved_state(self) -> dict:
        return {
            factor.id: {
                "rating": self.ratings[factor.id].value,
                "weight": self.weights[factor.id].value,
                "reason": self.justifications[factor.id].value,
            }
            for factor in self.criteria.factors
        }

    def _restore(self, data: dict) -> None:
        with self.autosave.muted():
            for factor_id, saved in data.items():
                if factor_id not in self.ratings or not isinstance(saved, dict):
                    continue
                restore_value(self.ratings[factor_id], saved.get("rating"))
                if isinstance(saved.get("weight"), int):
                    restore_value(self.weights[factor_id], saved["weight"])
                if isinstance(saved.get("reason"), str):
                    restore_value(self.justifications[factor_id], saved["reason"])

    def assess(self) -> ScorecardResult:
        return assess(
            self.criteria.factors,
            ratings={key: box.value for key, box in self.ratings.items()},
            weights={key: box.value for key, box in self.weights.items()},
            justifications={key: box.value for key, box in self.justifications.items()},
        )

    def show(self) -> ScorecardResult:
        self.result = self.assess()
        chart = ""
        if self.result.ok:
            self.alt_text = scorecard_alt_text(self.result)
            chart = svg_img_html(scorecard_svg(self.result), self.alt_text)
        announce(self.output, self.result.summary(), chart)
        return self.result

    def compare(self) -> bool:
        result = self.assess()
        if not result.ok:
            announce(
                self.output,
                "Finish your own scorecard before you compare: commit to a view first. " + " ".join(result.problems),
            )
            return False
        self.result = result
        announce(self.output, result.summary(), commerce_html(self.criteria, result))
        return True

    def _repr_mimebundle_(self, **kwargs):
        cards = "".join(factor_html(factor) for factor in self.criteria.factors)
        static = (
            f"<p><strong>Evidence scorecard.</strong> Run this notebook to rate each factor.</p>{cards}"
            "<details><summary>What Commerce found (rate the factors yourself first)</summary>"
            f"{commerce_html(self.criteria)}</details>"
        )
        text = "Evidence scorecard: six factors with evidence cards. Run this notebook to rate them."
        return WithStaticFallback(self.widget, static, text)._repr_mimebundle_(**kwargs)
