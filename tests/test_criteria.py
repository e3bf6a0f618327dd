"""The criteria data, the scorecard model and its widget: complete scorecards compute, bad ones get messages."""

from __future__ import annotations

import re

import pytest
from chartkit import chart_of, texts, widths
from helpers import said

from usvn.criteria import RATING_SCALE, assess, load_criteria, rating_band, scorecard_alt_text
from usvn.data import load_sources
from usvn.widgets.scorecard import EvidenceScorecard

CRITERIA = load_criteria()
FACTORS = CRITERIA.factors
IDS = [factor.id for factor in FACTORS]


def complete(ratings=(2, 1, 3, 2, 2, 3), weights=None, reason="The cards from both governments disagree."):
    return (dict(zip(IDS, ratings)), dict(zip(IDS, weights)) if weights else {}, {key: reason for key in IDS})


def test_the_statute_has_six_factors_in_order_and_the_list_has_twelve_countries():
    assert [factor.number for factor in FACTORS] == ["i", "ii", "iii", "iv", "v", "vi"]
    assert len(CRITERIA.nme_countries) == 12
    assert ("Vietnam", "68 FR 37116") in CRITERIA.nme_countries


def test_the_rules_say_no_formula_and_until_revoked():
    rules = {rule.id: rule.text for rule in CRITERIA.rules}
    assert "no scoring formula" in rules["weighed-together"]
    assert "until Commerce revokes it" in rules["until-revoked"]


def test_every_factor_has_a_commerce_finding_and_cards_from_more_than_one_side():
    registry = load_sources()
    for factor in FACTORS:
        speakers = {card.speaker for card in factor.cards}
        assert "us-government" in speakers, factor.id
        assert len(speakers) >= 2, factor.id
        assert factor.commerce.sources
    wages = CRITERIA.factor("wages")
    assert {"vietnamese-government", "advocacy", "record"} <= {card.speaker for card in wages.cards}
    assert any(registry[source].kind == "advocacy" for card in wages.cards for source in card.sources)


def test_no_card_claims_that_commerce_relied_on_project88_binh_or_directive_24():
    # The fact sheet's teaching point: no such link was verified.
    for factor in FACTORS:
        for text in [factor.commerce.text, *(card.text for card in factor.cards if card.speaker == "us-government")]:
            for name in ("Project88", "Binh", "Directive 24"):
                assert name not in text, (factor.id, name)


def test_a_complete_scorecard_gives_the_weighted_average():
    # (2*1 + 1*3 + 3*0 + 2*1 + 2*1 + 3*2) / (1+3+0+1+1+2) = 15 / 8 = 1.875
    ratings, _, reasons = complete()
    result = assess(FACTORS, ratings, dict(zip(IDS, (1, 3, 0, 1, 1, 2))), reasons)
    assert result.ok and result.weighted_average == pytest.approx(1.875)
    assert result.reading == "leans state-directed"
    assert "no formula" in result.summary()


def test_missing_weights_count_as_one():
    ratings, weights, reasons = complete(ratings=(5, 4, 4, 5, 4, 5))
    result = assess(FACTORS, ratings, weights, reasons)
    assert result.weighted_average == pytest.approx(27 / 6) and result.reading == "leans market-based"


def test_no_rating_is_named_factor_by_factor():
    ratings, weights, reasons = complete()
    del ratings["wages"]
    ratings["other"] = None
    result = assess(FACTORS, ratings, weights, reasons)
    assert not result.ok
    assert result.problems == ("No rating yet for: (ii) Free wage bargaining, (vi) Other factors. Rate every factor.",)


@pytest.mark.parametrize(
    "bad, message",
    [
        (0, "0 is not on the scale"),
        (6, "6 is not on the scale"),
        (2.5, "2.5 is not on the scale"),
        ("high", "'high' is not a rating"),
        ([3], "not list"),
    ],
)
def test_an_unreadable_rating_gets_a_message(bad, message):
    ratings, weights, reasons = complete()
    ratings["currency"] = bad
    result = assess(FACTORS, ratings, weights, reasons)
    assert not result.ok and message in " ".join(result.problems)


def test_weights_summing_to_zero_get_a_message():
    ratings, _, reasons = complete()
    result = assess(FACTORS, ratings, dict.fromkeys(IDS, 0), reasons)
    assert not result.ok
    assert "add up to zero" in result.problems[0]


@pytest.mark.parametrize("bad", [-1, "heavy", 11, float("nan")])
def test_a_bad_weight_is_named(bad):
    ratings, weights, reasons = complete()
    result = assess(FACTORS, ratings, {"ownership": bad}, reasons)
    assert not result.ok and "(iv) State ownership" in result.problems[0]


def test_missing_or_overlong_justifications_are_named():
    ratings, weights, reasons = complete()
    reasons["investment"] = "   "
    reasons["currency"] = "x" * 201
    problems = " ".join(assess(FACTORS, ratings, weights, reasons).problems)
    assert "Write a one-line justification for: (iii) Foreign investment." in problems
    assert "at most 200 characters: (i) Currency convertibility." in problems


def test_rating_bands_and_alt_text_follow_the_data():
    assert [rating_band(value) for value in RATING_SCALE] == ["state", "state", "mixed", "market", "market"]
    ratings, weights, reasons = complete(ratings=(1, 2, 3, 4, 5, 3))
    alt = scorecard_alt_text(assess(FACTORS, ratings, weights, reasons))
    assert "(i) Currency convertibility: 1 (clearly state-directed; downward triangle" in alt
    assert "(v) State control of resources, prices and output: 5 (clearly market-based; circle" in alt
    assert "weighted average, 3.0" in alt


def fill(scorecard, ratings=(2, 1, 3, 2, 2, 3)):
    for factor_id, rating in zip(IDS, ratings):
        scorecard.ratings[factor_id].value = rating
        scorecard.justifications[factor_id].value = "Commerce and MOIT disagree; the law text decides it."


def test_widget_controls_are_labelled_and_start_unrated():
    scorecard = EvidenceScorecard()
    for factor in FACTORS:
        assert scorecard.ratings[factor.id].value is None
        assert f"({factor.number})" in scorecard.ratings[factor.id].description
        assert scorecard.weights[factor.id].description and scorecard.justifications[factor.id].description


def test_widget_reports_an_empty_scorecard_in_words():
    scorecard = EvidenceScorecard()
    scorecard.show_button.click()
    text, html = said(scorecard)
    assert text.startswith("Not yet. No rating yet for: (i) Currency convertibility")
    assert 'role="alert"' in html and "<img" not in html


def test_widget_draws_the_chart_with_alt_text_once_complete():
    scorecard = EvidenceScorecard()
    fill(scorecard)
    scorecard.show_button.click()
    text, html = said(scorecard)
    assert "weighted average is 2.2" in text
    assert '<img alt="Horizontal bar chart of your ratings' in html


def test_changing_a_rating_redraws_its_bar_and_the_alt_text_says_the_new_rating():
    scorecard = EvidenceScorecard()
    fill(scorecard)
    scorecard.show_button.click()
    alt_before, svg_before = chart_of(said(scorecard)[1])
    first = FACTORS[0]
    assert f"{first.title}: 2 (mostly state-directed" in alt_before
    scorecard.ratings[first.id].value = 5
    scorecard.show_button.click()
    alt, svg = chart_of(said(scorecard)[1])
    assert alt == scorecard.alt_text == scorecard_alt_text(scorecard.result)
    assert f"{first.title}: 5 (clearly market-based; circle, no pattern), weight 1" in alt
    two = "2 mostly state-directed (weight 1)"
    assert (
        "5 clearly market-based (weight 1)" in texts(svg) and texts(svg).count(two) == texts(svg_before).count(two) - 1
    )
    assert round(widths(svg)[0]) == round(2.5 * widths(svg_before)[0]), "the bar grows from 2 to 5"
    ratings = [row.rating for row in scorecard.result.rows]
    unit = widths(svg)[0] / 5  # each bar's length is its rating on one scale
    assert all(abs(width / rating - unit) < 0.1 for width, rating in zip(widths(svg), ratings))
    average = f"weighted average {scorecard.result.weighted_average:.1f}"
    assert average in texts(svg) and average.replace("average", "average,") in alt


def test_widget_zero_weights_get_a_message_and_no_chart():
    scorecard = EvidenceScorecard()
    fill(scorecard)
    for slider in scorecard.weights.values():
        slider.value = 0
    scorecard.show_button.click()
    text, html = said(scorecard)
    assert "add up to zero" in text and "<img" not in html


def test_widget_compares_only_after_the_student_commits():
    scorecard = EvidenceScorecard()
    scorecard.compare_button.click()
    assert "Finish your own scorecard" in said(scorecard)[0]
    fill(scorecard)
    scorecard.compare_button.click()
    html = said(scorecard)[1]
    assert "Your rating and reason" in html and "Found continuing state control" in html
    assert "Vietnam General Confederation of Labour" in html


def test_widget_static_view_folds_the_findings():
    bundle = EvidenceScorecard()._repr_mimebundle_()
    html = bundle["text/html"]
    assert html.index("<details>") < html.index("What Commerce found on 2 August 2024")
    assert "[Vietnamese government]" in html and "[Advocacy group]" in html


def test_the_history_runs_in_date_order_from_the_catfish_case_to_2025_and_says_where_it_stops():
    history = CRITERIA.history
    assert history, "criteria.yaml has no history records"
    ids = [event.id for event in history]
    assert ids[0] == "catfish-designation" and "1 July 2001" in history[0].when
    assert ids.index("catfish-order") < ids.index("cvd-coated-paper") < ids.index("public-law-112-99")
    assert ids.index("public-law-112-99") < ids.index("orders-at-stake") < ids.index("request-2025-march")
    assert "25 antidumping" in next(event.text for event in history if event.id == "orders-at-stake")
    assert "does not cover" in CRITERIA.history_coverage
    assert CRITERIA.history_as_of[:4].isdigit()


def test_2025_requests_rest_on_hanois_account_and_are_labelled_so():
    from usvn.widgets.scorecard import law_history_html

    registry = load_sources()
    requests = [event for event in CRITERIA.history if event.id.startswith("request-2025")]
    assert len(requests) == 3
    for event in requests:
        assert event.hanoi_only, event.id
    # Every record resting on Hanoi's account is shown with the label, and no other record is.
    html = law_history_html()
    assert html.count("[Hanoi&#39;s account]") == sum(event.hanoi_only for event in CRITERIA.history)
    # The WTO accession terms come from a secondary source, and say "per most sources".
    wto = next(event for event in CRITERIA.history if event.id == "wto-accession-terms")
    assert "per most sources" in wto.text and "accession terms" in wto.text
    assert registry["cato-2015-vietnam-nme"].kind != "government"


def test_the_decision_scope_names_factors_i_to_v_and_never_all_six():
    assert "(i) to (v)" in CRITERIA.decision_scope and "overall conclusion" in CRITERIA.decision_scope
    texts = [CRITERIA.decision_scope, *(factor.commerce.text for factor in FACTORS)]
    texts += [card.text for factor in FACTORS for card in factor.cards if card.speaker == "us-government"]
    assert not any("all six" in text for text in texts)
    assert CRITERIA.factor("other").commerce.reading == "none-reported"


def test_evidence_is_balanced_beyond_the_two_governments():
    speakers = {card.speaker for factor in FACTORS for card in factor.cards}
    # A voice for graduation that is not Hanoi's, and data from an international organization.
    assert {"business", "international-organization", "analyst"} <= speakers
    for factor_id in ("ownership", "allocation"):
        assert "international-organization" in {card.speaker for card in CRITERIA.factor(factor_id).cards}, factor_id
    registry = load_sources()
    for factor in FACTORS:
        for card in factor.cards:
            if card.speaker == "international-organization":
                assert all(registry[source].kind == "international-organization" for source in card.sources)


def test_every_speaker_type_has_a_label_shown_on_its_cards():
    from usvn.widgets.scorecard import factor_html

    html = "".join(factor_html(factor) for factor in FACTORS)
    for label in ("[US business group]", "[International organization (data)]", "[Analyst or law firm]"):
        assert label in html


# The graded check on the student's own ratings: any rating on the scale earns credit with a reason that
# points to evidence; everything else is refused with a message.

from usvn.exercise_checks import rated_with_reasons  # noqa: E402
from usvn.grading.checks import states_count  # noqa: E402

GOOD_REASONS = {
    "currency": "Commerce found the State Bank intervenes, though Osius says the dong is convertible.",
    "wages": "The VGCL dominates unions, Commerce and Project88 agree.",
    "investment": "Commerce found the investment climate improved; DeLauro's letter disagrees.",
    "ownership": "OECD data: fewer state firms, but still a third of GDP.",
    "allocation": "OECD: state banks hold over 40% of assets.",
    "other": "MOIT cites 72 countries; Cassidy says each importer decides.",
}


@pytest.mark.parametrize("rating", [1, 3, 5])
def test_any_rating_with_a_reason_tied_to_evidence_earns_credit(rating):
    rated_with_reasons(dict.fromkeys(IDS, rating), GOOD_REASONS)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"wages": None}, "no rating yet for: (ii) Free wage bargaining"),
        ({"wages": 6}, "whole numbers from 1 to 5"),
        ({"wages": 2.0}, "whole numbers from 1 to 5"),
        ({"wages": True}, "whole numbers from 1 to 5"),
        ({"wages": "2"}, "whole numbers from 1 to 5"),
    ],
)
def test_ratings_off_the_scale_are_refused(change, message):
    ratings = {**dict.fromkeys(IDS, 2), **change}
    with pytest.raises(AssertionError, match=re.escape(message)):
        rated_with_reasons(ratings, GOOD_REASONS)


@pytest.mark.parametrize(
    "reason, message",
    [
        ("", "no reason yet for: (iv) State ownership"),
        ("It is mostly state-run, I think.", "do not say whose evidence"),
        ("Vietnam is a market economy now.", "do not say whose evidence"),
        ("OECD data" + " x" * 120, "at most 200 characters"),
    ],
)
def test_a_reason_that_is_missing_vague_or_long_is_refused(reason, message):
    with pytest.raises(AssertionError, match=re.escape(message)):
        rated_with_reasons(dict.fromkeys(IDS, 2), {**GOOD_REASONS, "ownership": reason})


def test_the_evidence_words_come_from_each_factors_own_cards():
    from usvn.criteria import evidence_terms

    assert "oecd" in evidence_terms(CRITERIA.factor("ownership"))
    assert "vgcl" in evidence_terms(CRITERIA.factor("wages"))
    assert "vgcl" not in evidence_terms(CRITERIA.factor("currency"))
    assert not {"vietnam", "the", "market"} & evidence_terms(CRITERIA.factor("other"))


@pytest.mark.parametrize(
    "text",
    [
        "Bars for three hypothetical surrogate countries, illustrative numbers.",
        "Illustrative margins with 3 surrogates.",
    ],
)
def test_alt_text_that_states_the_count_passes(text):
    states_count(text, 3, "alt", noun="surrogate")


@pytest.mark.parametrize(
    "text",
    [
        "Illustrative margins in 2003 for each surrogate.",
        "A 3% margin with one surrogate and more with the others.",
        "Illustrative margins with four surrogates.",
    ],
)
def test_alt_text_with_the_digits_elsewhere_or_the_wrong_count_fails(text):
    with pytest.raises(AssertionError, match="how many surrogates"):
        states_count(text, 3, "alt", noun="surrogate")
