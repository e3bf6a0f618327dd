"""The close-reading model on hand-made claims, the shipped claims, then the widget headlessly."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from helpers import plain_text

from usvn.claims import EVIDENCE_KINDS, RATINGS, Alternative, Claim, _claim_from_record, load_claims
from usvn.data import DataError, load_data
from usvn.loader import UnknownIdError
from usvn.widgets.claims import ClaimView, claim_views


def claim(**overrides) -> Claim:
    fields = dict(
        id="c",
        source="tran-2021",
        claim="A claim long enough to read.",
        evidence_kind="statistic",
        kind_reason="Because it is a number.",
        rating="partly supported",
        annotation="The module's annotation.",
        sources=("tran-2021",),
        also_defensible=(Alternative("inference", "It is also reasoning from a number."),),
    )
    fields.update(overrides)
    return Claim(**fields)


@pytest.mark.parametrize(
    "kind, rating, words",
    [
        (None, None, ["choose the kind of evidence", "rate how well"]),
        ("", "well supported", ["choose the kind of evidence"]),
        ("statistic", None, ["rate how well"]),
        ("rumour", "well supported", ["'rumour' is not one of the kinds"]),
        ("statistic", "certain", ["'certain' is not one of the ratings"]),
        (3, "well supported", ["not one of the kinds"]),
    ],
)
def test_an_incomplete_or_unreadable_reading_is_not_compared(kind, rating, words):
    result = claim().compare(kind, rating)
    assert not result.ready and result.kind_verdict is None
    for word in words:
        assert word in result.message


def test_the_same_tag_and_rating_agree():
    result = claim().compare("statistic", "partly supported")
    assert (result.ready, result.kind_verdict, result.rating_gap) == (True, "same", 0)


def test_a_listed_alternative_is_called_defensible_with_its_reason():
    result = claim().compare("inference", "partly supported")
    assert result.kind_verdict == "defensible"
    assert "reasoning from a number" in result.notes[0] and "Because it is a number" in result.notes[0]


def test_a_different_tag_shows_the_modules_tag_and_reason():
    result = claim().compare("named testimony", "partly supported")
    assert result.kind_verdict == "different"
    assert "'statistic'" in result.notes[0] and "Because it is a number" in result.notes[0]


@pytest.mark.parametrize(
    "rating, gap, phrase",
    [
        ("well supported", 1, "one step apart"),
        ("weakly supported", 1, "one step apart"),
    ],
)
def test_ratings_one_step_apart(rating, gap, phrase):
    result = claim().compare("statistic", rating)
    assert result.rating_gap == gap and phrase in result.notes[1]


def test_ratings_two_steps_apart_are_far_apart():
    result = claim(rating="well supported").compare("statistic", "weakly supported")
    assert result.rating_gap == 2 and "far apart" in result.notes[1]


def test_a_claim_must_cite_its_own_text():
    record = dict(
        id="x",
        source="project88-2024",
        claim="A claim long enough to read.",
        evidence_kind="inference",
        kind_reason="Reasoning.",
        rating="weakly supported",
        annotation="Annotation.",
        sources=["tran-2021"],
    )
    with pytest.raises(DataError, match="its own text"):
        _claim_from_record(record)


def test_an_unknown_text_is_refused_by_name():
    with pytest.raises(UnknownIdError, match="not one of the texts"):
        load_claims("wikipedia")


# The shipped claims.


def test_schema_and_model_share_kinds_and_ratings():
    schema = json.loads((resources.files("usvn") / "data" / "schemas" / "claims.schema.json").read_text())
    assert schema["$defs"]["kind"]["enum"] == list(EVIDENCE_KINDS)
    rating_enum = schema["properties"]["claims"]["items"]["properties"]["rating"]["enum"]
    assert rating_enum == list(RATINGS)


def test_both_texts_are_read_and_every_kind_and_rating_occurs():
    tran, project88 = load_claims("tran-2021"), load_claims("project88-2024")
    assert len(tran) >= 6 and len(project88) >= 6
    claims = tran + project88
    assert {item.evidence_kind for item in claims} == set(EVIDENCE_KINDS)
    assert {item.rating for item in claims} == set(RATINGS)


def test_some_2021_claims_are_tested_against_later_events():
    assert sum(item.later is not None for item in load_claims("tran-2021")) >= 2


def test_quotes_stay_short():
    quotes = [record for record in load_data("claims.yaml")["claims"] if "quote" in record]
    assert quotes, "no claim carries a quote, so no length was checked"
    for record in quotes:
        assert len(record["quote"].split()) < 10, record["id"]


def test_the_arrested_official_is_not_confused_with_his_namesake():
    binh = next(item for item in load_claims() if item.id == "p88-binh-article-337")
    assert "MOLISA official" in binh.annotation and "not the former Politburo member" in binh.annotation


# The widget, headlessly.


def printed(view: ClaimView) -> str:
    return plain_text(view.feedback)


def shown_html(view: ClaimView) -> str:
    return "".join(output["data"]["text/html"] for output in view.feedback.outputs)


def test_comparing_before_answering_reveals_nothing_and_is_announced():
    view = claim_views("tran-2021")[0]
    view.compare_button.click()
    assert "Not yet" in printed(view) and 'role="alert"' in shown_html(view)
    assert "The module's reading" not in shown_html(view)
    view.kind.value = view.claim.evidence_kind
    view.compare_button.click()
    assert "rate how well" in printed(view) and "The module's reading" not in shown_html(view)


def test_a_complete_reading_opens_the_modules_annotation_with_sources():
    view = claim_views("project88-2024", first_number=8)[0]
    assert view.number == 8
    other = next(
        kind
        for kind in EVIDENCE_KINDS
        if kind != view.claim.evidence_kind and kind not in {alt.kind for alt in view.claim.also_defensible}
    )
    view.kind.value = other
    view.rating.value = RATINGS[0]
    view.compare_button.click()
    assert "differs" in printed(view)
    html = shown_html(view)
    assert view.claim.evidence_kind in html and "#src-project88-2024" in html


def test_the_static_view_folds_the_modules_reading():
    bundle = ClaimView(load_claims()[0], 1)._repr_mimebundle_()
    assert "<details>" in bundle["text/html"] and "Run this notebook" in bundle["text/plain"]
