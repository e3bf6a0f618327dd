"""The margin calculator: arithmetic checked against hand-worked numbers, bad input refused in words."""

from __future__ import annotations

import pytest
from chartkit import chart_of, texts, widths
from helpers import said

from usvn.margin import (
    FactorInput,
    InputError,
    Surrogate,
    compare_surrogates,
    describe_margin,
    dumping_margin,
    load_margin_example,
    margin_alt_text,
    normal_value,
    parse_amount,
)
from usvn.widgets.margin import MarginCalculator

ONE_FACTOR = (FactorInput("x", "Steel", "kg", 1.0),)


def test_normal_value_adds_overhead_then_sga_then_profit_on_the_running_total():
    # Worked by hand: 4 kg x 2.50 = 10.00; overhead 10% = 1.00; SG&A 20% of 11.00 = 2.20;
    # profit 50% of 13.20 = 6.60; normal value 19.80.
    factors = (FactorInput("x", "Steel", "kg", 0),)
    surrogate = Surrogate("s", "Test (hypothetical)", {"x": 2.5}, overhead=0.10, sga=0.20, profit=0.50)
    value = normal_value({"x": "4"}, surrogate, factors)
    assert value.cost_of_manufacture == pytest.approx(10.0)
    assert (value.overhead, value.sga, value.profit) == pytest.approx((1.0, 2.2, 6.6))
    assert value.total == pytest.approx(19.8)


def test_margin_is_a_share_of_the_export_price():
    assert dumping_margin(50, 40) == pytest.approx(0.25)
    assert dumping_margin(30, "40") == pytest.approx(-0.25)
    assert describe_margin(-0.25).startswith("No dumping")
    assert describe_margin(0.25) == "Dumping margin of 25.0% of the export price."


def test_the_illustrative_example_matches_a_hand_calculation():
    # Surrogate B: 10 x 2.60 + 2.5 x 4.50 + 8 x 0.12 = 38.21; x 1.15 x 1.10 x 1.08 = 52.2025;
    # margin (52.2025 - 40) / 40 = 30.5%.
    example = load_margin_example()
    results = {result.surrogate.id: result for result in compare_surrogates(example.quantities(), example.export_price)}
    assert results["b"].normal_value.total == pytest.approx(52.2025)
    assert results["b"].margin == pytest.approx(0.3050625)
    assert results["a"].margin < 0 < results["c"].margin < results["b"].margin


def test_the_example_is_labelled_illustrative_everywhere():
    example = load_margin_example()
    assert "illustrative" in example.label.lower()
    assert all("hypothetical" in surrogate.name for surrogate in example.surrogates)
    results = compare_surrogates(example.quantities(), example.export_price)
    assert "illustrative" in margin_alt_text(results).lower()


@pytest.mark.parametrize(
    "typed, message",
    [
        ("", "empty"),
        ("  ", "empty"),
        (None, "empty"),
        ("forty", "not a number"),
        ("4O", "not a number"),
        ("-5", "cannot be negative"),
        ("nan", "not a number"),
        (float("inf"), "ordinary number"),
        (True, "must be a number"),
        ([40], "must be a number, not list"),
    ],
)
def test_bad_amounts_get_a_plain_message(typed, message):
    with pytest.raises(InputError, match=message):
        parse_amount(typed, "the export price")


def test_zero_export_price_is_refused_but_a_zero_quantity_is_allowed():
    with pytest.raises(InputError, match="above zero"):
        dumping_margin(10, "0")
    surrogate = Surrogate("s", "Test (hypothetical)", {"x": 2.0}, 0, 0, 0)
    assert normal_value({"x": "0"}, surrogate, ONE_FACTOR).total == 0


def test_a_missing_quantity_or_price_is_named():
    surrogate = Surrogate("s", "Test (hypothetical)", {}, 0, 0, 0)
    with pytest.raises(InputError, match="No quantity given for steel"):
        normal_value({}, surrogate, ONE_FACTOR)
    with pytest.raises(InputError, match="has no price for steel"):
        normal_value({"x": 1}, surrogate, ONE_FACTOR)


def test_calculator_answers_good_input_with_a_breakdown_and_a_chart():
    calculator = MarginCalculator()
    calculator.surrogate.value = "b"  # changing the surrogate recalculates
    text, html = said(calculator)
    assert text == "Surrogate B (hypothetical): Dumping margin of 30.5% of the export price."
    assert 'role="alert"' in html
    assert "Surrogate B (hypothetical)" in html and "30.5%" in html
    assert '<img alt="Bar chart of the illustrative dumping margin' in html
    assert "Market-economy method, for comparison" in html
    assert calculator.message == "Dumping margin of 30.5% of the export price."


def test_a_new_export_price_redraws_every_bar_and_the_alt_text_with_the_new_margins():
    calculator = MarginCalculator()
    calculator.surrogate.value = "b"
    alt_before, svg_before = chart_of(said(calculator)[1])
    assert "30.5% dumping margin" in alt_before and "30.5%" in texts(svg_before)
    calculator.export_price.value = "45.00"
    calculator.calculate_button.click()
    alt, svg = chart_of(said(calculator)[1])
    assert alt == calculator.alt_text and alt != alt_before and "30.5%" not in alt + "".join(texts(svg))
    margins = [100 * result.margin for result in calculator.results]
    for margin in margins:
        assert (f"{margin:.1f}%" if margin > 0 else f"{margin:.1f}%: no dumping") in texts(svg)
        assert (f"{margin:.1f}% dumping margin" if margin > 0 else "no dumping") in alt
    # Each bar's length is its margin on one scale.
    assert [round(width / abs(margin), 1) for width, margin in zip(widths(svg), margins)] == [
        round(widths(svg)[0] / abs(margins[0]), 1)
    ] * len(margins)
    assert "Surrogate B (hypothetical)\n(your choice)" in texts(svg)


@pytest.mark.parametrize(
    "field, typed, message",
    [
        ("export_price", "0", "must be above zero"),
        ("export_price", "abc", "'abc' is not a number"),
        ("export_price", "", "is empty"),
        ("labor", "-2", "cannot be negative"),
        ("material", "ten", "'ten' is not a number"),
    ],
)
def test_calculator_answers_bad_input_with_a_message_and_keeps_the_entries(field, typed, message):
    calculator = MarginCalculator()
    control = calculator.export_price if field == "export_price" else calculator.quantities[field]
    control.value = typed
    calculator.calculate_button.click()
    text, html = said(calculator)
    assert message in text and text.startswith("Not calculated.") and "<img" not in html
    assert control.value == typed
    assert calculator.results == ()


def test_calculator_reset_restores_the_example():
    calculator = MarginCalculator()
    calculator.export_price.value = "oops"
    calculator.reset_button.click()
    assert calculator.export_price.value == "40.00"
    assert calculator.results and calculator.surrogate.value == "a"


def test_calculator_static_view_shows_the_result_and_the_label():
    bundle = MarginCalculator()._repr_mimebundle_()
    assert "Illustrative numbers, not real case data" in bundle["text/html"]
    assert "<img alt=" in bundle["text/html"]
    assert "No dumping" in bundle["text/plain"]


def test_ids_with_dumping_follows_the_sign_of_each_margin():
    from usvn.margin import SurrogateResult, ids_with_dumping

    value = normal_value({"x": 1}, Surrogate("s", "Test (hypothetical)", {"x": 1.0}, 0, 0, 0), ONE_FACTOR)
    results = [
        SurrogateResult(Surrogate(name, f"{name} (hypothetical)", {"x": 1.0}, 0, 0, 0), value, margin)
        for name, margin in (("p", 0.10), ("q", 0.0), ("r", -0.2), ("s", 0.001))
    ]
    # Zero is not dumping: only margins above zero count.
    assert ids_with_dumping(results) == ["p", "s"]
