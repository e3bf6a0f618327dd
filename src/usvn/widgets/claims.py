"""The close-reading activity: for each claim, tag the evidence and rate the support, then compare."""

from __future__ import annotations

from html import escape
from pathlib import Path

import ipywidgets as widgets
from IPython.display import display
from ipywidgets.widgets.widget_string import HTMLStyle

from usvn.claims import EVIDENCE_KINDS, RATINGS, Claim, Comparison, load_claims, source_heading
from usvn.data import load_sources
from usvn.display import CARD_STYLE, WithStaticFallback, announce, shared_widget
from usvn.text import cite_html, inline_markdown
from usvn.widgets.choices import ChoiceGroup
from usvn.widgets.saving import Autosave, restore_value

__all__ = ["ClaimView", "claim_views", "module_reading_html", "show_claims"]


def _claim_html(claim: Claim, number: int) -> str:
    label = escape(load_sources()[claim.source].label)
    quote = f' <em>Its words:</em> "{escape(claim.quote)}"' if claim.quote else ""
    return f"<p><strong>Claim {number}</strong> ({label}). {inline_markdown(claim.claim)}{quote}</p>"


def module_reading_html(claim: Claim, comparison: Comparison | None = None) -> str:
    """The module's tag, rating and annotation, with the comparison notes when there is one."""
    notes = ""
    if comparison is not None and comparison.ready:
        notes = "<ul>" + "".join(f"<li>{inline_markdown(note)}</li>" for note in comparison.notes) + "</ul>"
    later = (
        f"<p><strong>Tested against later events:</strong> {inline_markdown(claim.later)}</p>" if claim.later else ""
    )
    return (
        f"{notes}<p><strong>The module's reading:</strong> evidence: {escape(claim.evidence_kind)}; "
        f"support: {escape(claim.rating)}.</p><p>{inline_markdown(claim.annotation)}</p>{later}"
        f"<p><em>Sources:</em> {cite_html(claim.sources)}</p>"
    )


class ClaimView:
    """One claim: a choice group for the kind of evidence, one for the rating, a Compare button.

    The tag and the rating are saved in ``my-notes/02-claim-<claim id>.json`` as they change, and come back when
    the cell runs again.
    """

    def __init__(self, claim: Claim, number: int, notes_folder: Path | None = None) -> None:
        self.claim = claim
        self.number = number
        # Widgets with the same settings share one layout (and style) widget: fourteen claims would otherwise
        # open over a hundred more widgets in the kernel and the page, each costing a lesson start time.
        plain = shared_widget(widgets.Layout)
        self.kind = ChoiceGroup(
            options=[(f"{kind}: {meaning}", kind) for kind, meaning in EVIDENCE_KINDS.items()],
            value=None,
            description=f"Claim {number}: evidence it rests on",
            layout=plain,
        )
        self.rating = ChoiceGroup(
            options=list(RATINGS),
            value=None,
            orientation="horizontal",
            description=f"Claim {number}: how well supported?",
            layout=plain,
        )
        self.compare_button = widgets.Button(
            description="Compare with the module",
            icon="balance-scale",
            button_style="primary",
            layout=shared_widget(widgets.Layout, width="auto"),
            style=shared_widget(widgets.ButtonStyle),
            tooltip=f"Compare your reading of claim {number} with the module's",
        )
        self.feedback = widgets.Output(layout=plain)
        self.compare_button.on_click(lambda _: self.compare())
        self.last: Comparison | None = None
        self.widget = widgets.VBox(
            [
                widgets.HTML(CARD_STYLE + _claim_html(claim, number), layout=plain, style=shared_widget(HTMLStyle)),
                self.kind,
                self.rating,
                self.compare_button,
                self.feedback,
            ],
            layout=shared_widget(widgets.Layout, border="1px solid #767676", padding="4px 12px", margin="8px 0"),
            _dom_classes=("usvn-card", "usvn-claim"),  # in the constructor: add_class() sends a message each
        )
        self.autosave = Autosave(
            f"02-claim-{claim.id}",
            "claim",
            lambda: {"kind": self.kind.value, "rating": self.rating.value},
            self.feedback,
            notes_folder,
        )
        with self.autosave.muted():
            restore_value(self.kind, self.autosave.data.get("kind"))
            restore_value(self.rating, self.autosave.data.get("rating"))
        self.autosave.watch([self.kind, self.rating])
        self.autosave.report_load()

    def compare(self) -> Comparison:
        result = self.claim.compare(self.kind.value, self.rating.value)
        self.last = result
        announce(self.feedback, result.message, module_reading_html(self.claim, result) if result.ready else "")
        return result

    def static_html(self) -> str:
        """The claim for a page without a kernel: the text, what to do, and the module's reading folded away."""
        return (
            f"{_claim_html(self.claim, self.number)}<p><em>Tag the evidence ("
            f"{escape(', '.join(EVIDENCE_KINDS))}) and rate the support ({escape(', '.join(RATINGS))}).</em></p>"
            "<details><summary>The module's reading (make your own first)</summary>"
            f"{module_reading_html(self.claim)}</details>"
        )

    def static_text(self) -> str:
        return f"Claim {self.number}: {self.claim.claim} [Run this notebook to tag and rate it.]"

    def _repr_mimebundle_(self, **kwargs):
        return WithStaticFallback(self.widget, self.static_html(), self.static_text())._repr_mimebundle_(**kwargs)


def claim_views(source: str, first_number: int = 1, notes_folder: Path | None = None) -> list[ClaimView]:
    return [
        ClaimView(claim, number, notes_folder) for number, claim in enumerate(load_claims(source), start=first_number)
    ]


def show_claims(source: str, first_number: int = 1) -> None:
    """Display a heading saying what the text is, then every claim taken from it.

    They go out as one output (as the quiz's questions do): each output makes the kernel wait for its streams to
    flush.
    """
    heading = source_heading(source)
    heading_html = f"<p><strong>{escape(heading)}.</strong></p>"
    views = claim_views(source, first_number)
    box = widgets.VBox(
        [widgets.HTML(heading_html, layout=shared_widget(widgets.Layout), style=shared_widget(HTMLStyle))]
        + [view.widget for view in views],
        layout=shared_widget(widgets.Layout),
    )
    display(
        WithStaticFallback(
            box,
            heading_html + "".join(view.static_html() for view in views),
            "\n\n".join([heading, *(view.static_text() for view in views)]),
        )
    )
