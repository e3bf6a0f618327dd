"""An antidumping margin, worked out the market-economy way and the non-market-economy way.

The numbers in ``margin.yaml`` are ILLUSTRATIVE, not real case data. The arithmetic follows the method
lesson 04 describes: normal value is the sum of each factor quantity times its surrogate price (the cost
of manufacture), plus overhead on that cost, plus selling, general and administrative expenses (SG&A) on
cost plus overhead, plus profit on all of that. The margin is normal value minus the export price, as a
share of the export price.

>>> example = load_margin_example()
>>> value = normal_value(example.quantities(), example.surrogate("a"))
>>> round(value.cost_of_manufacture, 2), round(value.total, 2)
(29.22, 37.81)
>>> describe_margin(dumping_margin(value.total, example.export_price))
'No dumping: the export price is at or above normal value.'
>>> parse_amount("-3", "the export price")
Traceback (most recent call last):
...
usvn.loader.InputError: The export price cannot be negative; you typed -3.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from usvn.loader import DataError, InputError, UnknownIdError, build, checked_data, load_records
from usvn.style import MARGIN_STYLE

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "FactorInput",
    "InputError",
    "MarginExample",
    "MethodNote",
    "NormalValue",
    "Surrogate",
    "SurrogateResult",
    "compare_surrogates",
    "describe_margin",
    "dumping_margin",
    "ids_with_dumping",
    "load_margin_example",
    "margin_alt_text",
    "margin_figure",
    "normal_value",
    "parse_amount",
]

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class FactorInput:
    id: str
    name: str
    unit: str
    quantity: float


@dataclass(frozen=True)
class Surrogate:
    id: str
    name: str
    prices: Mapping[str, float]
    overhead: float
    sga: float
    profit: float


@dataclass(frozen=True)
class MethodNote:
    id: str
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class MarginExample:
    """The illustrative case: one export price, factor quantities, and hypothetical surrogates."""

    label: str
    currency: str
    product: str
    export_price: float
    home_market_price: float
    factors: tuple[FactorInput, ...]
    surrogates: tuple[Surrogate, ...]
    method: tuple[MethodNote, ...]

    def surrogate(self, surrogate_id: str) -> Surrogate:
        for surrogate in self.surrogates:
            if surrogate.id == surrogate_id:
                return surrogate
        known = ", ".join(surrogate.id for surrogate in self.surrogates)
        raise UnknownIdError(f"There is no surrogate '{surrogate_id}'; choose one of {known}.")

    def quantities(self) -> dict[str, float]:
        return {factor.id: factor.quantity for factor in self.factors}


@cache
def load_margin_example() -> MarginExample:
    """The calculator's illustrative inputs, checked against their schema and the source registry."""
    data = checked_data("margin.yaml")
    factors = load_records("margin.yaml", "factors", lambda record: build(FactorInput, record))
    factor_ids = {factor.id for factor in factors}

    def surrogate(record: dict) -> Surrogate:
        if set(record["prices"]) != factor_ids:
            raise DataError(f"the surrogate must price exactly the factors {', '.join(sorted(factor_ids))}.")
        return build(Surrogate, record, omit=("ratios",), prices=dict(record["prices"]), **record["ratios"])

    return MarginExample(
        label=data["label"],
        currency=data["currency"],
        product=data["product"],
        export_price=float(data["export_price"]),
        home_market_price=float(data["home_market_price"]),
        factors=factors,
        surrogates=load_records("margin.yaml", "surrogates", surrogate),
        method=load_records("margin.yaml", "method", lambda record: build(MethodNote, record)),
    )


def parse_amount(value: object, what: str, *, allow_zero: bool = True) -> float:
    """Read a number a student typed (or passed); raise :class:`InputError` with a plain message.

    >>> parse_amount(" 40.5 ", "the export price")
    40.5
    >>> parse_amount("forty", "the export price")
    Traceback (most recent call last):
    ...
    usvn.loader.InputError: 'forty' is not a number. Type digits for the export price, for example 40 or 12.5.
    """
    name = what[0].upper() + what[1:]
    if isinstance(value, bool):
        raise InputError(f"{name} must be a number, not {value}.")
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InputError(f"{name} is empty: type a number.")
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if not _NUMBER.match(text):
            raise InputError(f"'{value.strip()}' is not a number. Type digits for {what}, for example 40 or 12.5.")
        number = float(text)
    elif isinstance(value, int | float):
        number = float(value)
    else:
        raise InputError(f"{name} must be a number, not {type(value).__name__}.")
    if not math.isfinite(number):
        raise InputError(f"{name} must be an ordinary number.")
    if number < 0:
        raise InputError(f"{name} cannot be negative; you typed {value if isinstance(value, str) else f'{number:g}'}.")
    if number == 0 and not allow_zero:
        raise InputError(f"{name} must be above zero: the margin is a share of it, and nothing can be divided by zero.")
    return number


@dataclass(frozen=True)
class NormalValue:
    """Normal value built from factors of production, line by line."""

    lines: tuple[tuple[FactorInput, float, float], ...]  # (factor, surrogate price, value)
    cost_of_manufacture: float
    overhead: float
    sga: float
    profit: float

    @property
    def total(self) -> float:
        return self.cost_of_manufacture + self.overhead + self.sga + self.profit


def normal_value(
    quantities: Mapping[str, object], surrogate: Surrogate, factors: Sequence[FactorInput] | None = None
) -> NormalValue:
    """Value each factor quantity at the surrogate's price, then add overhead, SG&A and profit in turn.

    ``quantities`` may hold numbers or typed text; bad entries raise :class:`InputError`.
    """
    factors = tuple(factors if factors is not None else load_margin_example().factors)
    lines = []
    for factor in factors:
        if factor.id not in quantities:
            raise InputError(f"No quantity given for {factor.name.lower()}.")
        quantity = parse_amount(quantities[factor.id], f"the quantity of {factor.name.lower()} ({factor.unit})")
        if factor.id not in surrogate.prices:
            raise InputError(f"{surrogate.name} has no price for {factor.name.lower()}.")
        price = surrogate.prices[factor.id]
        lines.append((FactorInput(factor.id, factor.name, factor.unit, quantity), price, quantity * price))
    cost = sum(value for _, _, value in lines)
    overhead = cost * surrogate.overhead
    sga = (cost + overhead) * surrogate.sga
    profit = (cost + overhead + sga) * surrogate.profit
    return NormalValue(tuple(lines), cost, overhead, sga, profit)


def dumping_margin(normal: float, export_price: object) -> float:
    """(normal value - export price) / export price, as a fraction; negative means no dumping.

    >>> dumping_margin(50, 40)
    0.25
    >>> dumping_margin(50, 0)
    Traceback (most recent call last):
    ...
    usvn.loader.InputError: The export price must be above zero: the margin is a share of it, and nothing can be divided by zero.
    """
    price = parse_amount(export_price, "the export price", allow_zero=False)
    return (normal - price) / price


def describe_margin(margin: float) -> str:
    """The margin in words, never a negative percentage.

    >>> describe_margin(0.3052)
    'Dumping margin of 30.5% of the export price.'
    """
    if margin > 0:
        return f"Dumping margin of {100 * margin:.1f}% of the export price."
    return "No dumping: the export price is at or above normal value."


@dataclass(frozen=True)
class SurrogateResult:
    surrogate: Surrogate
    normal_value: NormalValue
    margin: float

    @property
    def band(self) -> str:
        return "dumping" if self.margin > 0 else "none"


def compare_surrogates(
    quantities: Mapping[str, object], export_price: object, example: MarginExample | None = None
) -> tuple[SurrogateResult, ...]:
    """The same exporter's margin with each hypothetical surrogate's prices."""
    example = example or load_margin_example()
    price = parse_amount(export_price, "the export price", allow_zero=False)
    results = []
    for surrogate in example.surrogates:
        value = normal_value(quantities, surrogate, example.factors)
        results.append(SurrogateResult(surrogate, value, dumping_margin(value.total, price)))
    return tuple(results)


def ids_with_dumping(results: Sequence[SurrogateResult]) -> list[str]:
    """The ids of the surrogates whose margin is above zero, in the order given.

    >>> example = load_margin_example()
    >>> ids_with_dumping(compare_surrogates(example.quantities(), example.export_price))
    ['b', 'c']
    """
    return [result.surrogate.id for result in results if result.margin > 0]


def margin_alt_text(results: Sequence[SurrogateResult], chosen: str | None = None) -> str:
    """Alt text counted from the bars drawn."""
    parts = []
    for result in results:
        style = MARGIN_STYLE[result.band]
        shown = f"{100 * result.margin:.1f}% dumping margin" if result.margin > 0 else "no dumping"
        mark = " (your choice)" if result.surrogate.id == chosen else ""
        parts.append(
            f"{result.surrogate.name}{mark}: normal value {result.normal_value.total:.2f}, {shown}"
            f" ({style.hatch_name} bar)"
        )
    margins = [result.margin for result in results]
    spread = 100 * (max(margins) - min(margins))
    return (
        f"Bar chart of the illustrative dumping margin with each of {len(results)} hypothetical surrogate "
        f"countries, same exporter and export price. "
        + "; ".join(parts)
        + f". The surrogate choice moves the margin by {spread:.1f} percentage points."
    )


def margin_figure(results: Sequence[SurrogateResult], chosen: str | None = None) -> Figure:
    """One bar per surrogate; dumping margins hatched, no-dumping bars plain, every bar labelled in words."""
    from matplotlib.figure import Figure  # deferred: reading the example draws nothing

    figure = Figure(figsize=(8, 1.2 + 0.75 * len(results)))
    axes = figure.subplots()
    names = [result.surrogate.name + ("\n(your choice)" if result.surrogate.id == chosen else "") for result in results]
    positions = list(range(len(results)))[::-1]
    for position, result in zip(positions, results):
        style = MARGIN_STYLE[result.band]
        value = 100 * result.margin
        axes.barh(position, value, color=style.colour, hatch=style.hatch, edgecolor="black", linewidth=0.8, height=0.6)
        label = f"{value:.1f}%" if result.margin > 0 else f"{value:.1f}%: no dumping"
        axes.annotate(
            label, (max(value, 0), position), xytext=(4, 0), textcoords="offset points", va="center", fontsize=9
        )
    axes.axvline(0, color="black", linewidth=0.8)
    axes.set_yticks(positions, names)
    low = min(0.0, min(100 * result.margin for result in results))
    high = max(5.0, max(100 * result.margin for result in results))
    axes.set_xlim(low - 5, high + 25)
    axes.set_xlabel("(normal value - export price) / export price, %")
    axes.set_title("Illustrative numbers: margin by surrogate (striped = dumping margin)", loc="left", fontsize=10)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    # Fixed margins (room for the longest surrogate name), so the view can skip a tight re-layout.
    figure.subplots_adjust(left=0.27, right=0.98, top=0.88, bottom=0.22)
    return figure
