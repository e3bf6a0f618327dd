"""The margin calculator: type an export price and factor quantities, pick a surrogate, see the margin."""

from __future__ import annotations

from html import escape
from pathlib import Path

import ipywidgets as widgets

from usvn.display import WithStaticFallback, announce, svg_img_html
from usvn.loader import InputError
from usvn.margin import (
    MarginExample,
    SurrogateResult,
    compare_surrogates,
    describe_margin,
    dumping_margin,
    load_margin_example,
    margin_alt_text,
)
from usvn.widgets.charts import margin_svg
from usvn.widgets.choices import ChoiceGroup
from usvn.widgets.saving import Autosave, restore_value

__all__ = ["MarginCalculator", "breakdown_html"]


def _money(value: float) -> str:
    return f"{value:,.2f}"


def breakdown_html(example: MarginExample, result: SurrogateResult, export_price: float) -> str:
    """The chosen surrogate's normal value, line by line, and the margin it gives."""
    value, surrogate = result.normal_value, result.surrogate
    rows = "".join(
        f'<tr><th scope="row">{escape(factor.name)}</th><td>{factor.quantity:g} {escape(factor.unit)}</td>'
        f"<td>× {_money(price)}</td><td>{_money(amount)}</td></tr>"
        for factor, price, amount in value.lines
    )
    steps = [
        ("Cost of manufacture (sum of the lines above)", "", value.cost_of_manufacture),
        ("Overhead", f"{100 * surrogate.overhead:g}% of cost", value.overhead),
        ("SG&amp;A (selling, general and administrative)", f"{100 * surrogate.sga:g}% of cost + overhead", value.sga),
        ("Profit", f"{100 * surrogate.profit:g}% of everything above", value.profit),
    ]
    rows += "".join(
        f'<tr><th scope="row">{label}</th><td></td><td>{rule}</td><td>{_money(amount)}</td></tr>'
        for label, rule, amount in steps
    )
    rows += (
        f'<tr><th scope="row"><strong>Normal value</strong></th><td></td><td></td>'
        f"<td><strong>{_money(value.total)}</strong></td></tr>"
    )
    return (
        f"<table><caption>{escape(surrogate.name)}: normal value of {escape(example.product)}, "
        f"in {escape(example.currency)} (illustrative)</caption>"
        '<thead><tr><th scope="col">Item</th><th scope="col">Quantity</th>'
        '<th scope="col">Surrogate price or rule</th><th scope="col">Value</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
        f"<p>Margin = ({_money(value.total)} − {_money(export_price)}) ÷ {_money(export_price)} = "
        f"{100 * result.margin:.1f}%. <strong>{describe_margin(result.margin)}</strong></p>"
    )


class MarginCalculator:
    """Edit the illustrative inputs, choose a surrogate and press Calculate; bad input gets a message.

    The inputs, as typed, and the surrogate are saved in ``my-notes/04-margin.json`` as they change, and come
    back when the cell runs again.
    """

    def __init__(self, example: MarginExample | None = None, notes_folder: Path | None = None) -> None:
        self.example = example or load_margin_example()
        wide = {"description_width": "16em"}
        self.export_price = widgets.Text(
            value=f"{self.example.export_price:.2f}", description=f"Export price ({self.example.currency})", style=wide
        )
        self.quantities = {
            factor.id: widgets.Text(
                value=f"{factor.quantity:g}", description=f"{factor.name} ({factor.unit})", style=wide
            )
            for factor in self.example.factors
        }
        self.surrogate = ChoiceGroup(
            options=[(s.name, s.id) for s in self.example.surrogates],
            value=self.example.surrogates[0].id,
            description="Surrogate country",
        )
        self.calculate_button = widgets.Button(
            description="Calculate",
            button_style="primary",
            icon="calculator",
            tooltip="Work out normal value and the margin",
            layout=widgets.Layout(width="auto"),
        )
        self.reset_button = widgets.Button(
            description="Back to the example",
            icon="undo",
            tooltip="Restore the illustrative inputs",
            layout=widgets.Layout(width="auto"),
        )
        self.output = widgets.Output()
        self.calculate_button.on_click(lambda _: self.calculate())
        self.reset_button.on_click(lambda _: self.reset())
        self.surrogate.observe(lambda _: self.calculate(), names="value")
        self.results: tuple[SurrogateResult, ...] = ()
        self.alt_text = ""
        self.message = ""
        self.static_html = ""
        self.widget = widgets.VBox(
            [
                widgets.HTML(f"<p><strong>{escape(self.example.label)}</strong></p>"),
                self.export_price,
                *self.quantities.values(),
                self.surrogate,
                widgets.HBox([self.calculate_button, self.reset_button]),
                self.output,
            ]
        )
        self.autosave = Autosave("04-margin", "margin", self._saved_state, self.output, notes_folder)
        saved = self.autosave.data
        with self.autosave.muted():
            if isinstance(saved.get("export_price"), str):
                self.export_price.value = saved["export_price"]
            quantities = saved.get("quantities") if isinstance(saved.get("quantities"), dict) else {}
            for factor_id, typed in quantities.items():
                if factor_id in self.quantities and isinstance(typed, str):
                    self.quantities[factor_id].value = typed
            restore_value(self.surrogate, saved.get("surrogate"))
        self.autosave.watch([self.export_price, *self.quantities.values(), self.surrogate])
        self.calculate()
        self.autosave.report_load()

    def _saved_state(self) -> dict:
        return {
            "export_price": self.export_price.value,
            "surrogate": self.surrogate.value,
            "quantities": {factor_id: box.value for factor_id, box in self.quantities.items()},
        }

    def _home_market_html(self, export_price: float) -> str:
        home = self.example.home_market_price
        margin = dumping_margin(home, export_price)
        return (
            f"<p>Market-economy method, for comparison: normal value would be the exporter's own home-market "
            f"price, {_money(home)}, so the margin is {100 * margin:.1f}%. {describe_margin(margin)}</p>"
        )

    def calculate(self) -> bool:
        """Recompute from the controls; on bad input, say what to fix and keep the inputs as typed."""
        quantities = {factor_id: box.value for factor_id, box in self.quantities.items()}
        try:
            self.results = compare_surrogates(quantities, self.export_price.value, self.example)
            price = float(self.export_price.value.strip().replace(",", ""))
        except InputError as error:
            self.results, self.alt_text = (), ""
            self.message = f"Not calculated. {error} Your other entries are kept as typed."
            announce(self.output, self.message)
            return False
        chosen = next(result for result in self.results if result.surrogate.id == self.surrogate.value)
        self.alt_text = margin_alt_text(self.results, chosen.surrogate.id)
        chart = svg_img_html(margin_svg(self.results, chosen.surrogate.id), self.alt_text)
        self.message = describe_margin(chosen.margin)
        self.static_html = breakdown_html(self.example, chosen, price) + self._home_market_html(price) + chart
        announce(self.output, f"{chosen.surrogate.name}: {self.message}", self.static_html)
        return True

    def reset(self) -> None:
        self.export_price.value = f"{self.example.export_price:.2f}"
        for factor in self.example.factors:
            self.quantities[factor.id].value = f"{factor.quantity:g}"
        self.surrogate.value = self.example.surrogates[0].id
        self.calculate()

    def _repr_mimebundle_(self, **kwargs):
        static = f"<p><strong>{escape(self.example.label)}</strong></p>{self.static_html}"
        text = f"Margin calculator (illustrative numbers): {self.message} Run this notebook to change the inputs."
        return WithStaticFallback(self.widget, static, text)._repr_mimebundle_(**kwargs)
