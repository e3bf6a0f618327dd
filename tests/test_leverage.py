"""The leverage model (coding, chart, argument check) on the shipped cases, then both widgets headlessly."""

from __future__ import annotations

import html
import json
import re
from importlib import resources

import pytest

from usvn.leverage import (
    CHANNELS, OUTCOMES, check_argument, compare_codings, leverage_alt_text, leverage_figure, load_asks,
    load_cases,
)
from usvn.style import CHANNEL_STYLE, OUTCOME_STYLE
from usvn.widgets.leverage import ArgumentBuilder, CaseExplorer

CASES = load_cases()
ASK = load_asks()["ratify-c87"]


def module_codings(**changes):
    codings = {case.id: (case.channel, case.outcome) for case in CASES}
    codings.update(changes)
    return codings


# The shipped data.

def test_schema_model_and_style_share_channels_and_outcomes():
    schema = json.loads((resources.files("usvn") / "data" / "schemas" / "cases.schema.json").read_text())
    assert set(schema["$defs"]["channel"]["enum"]) == set(CHANNELS) == set(CHANNEL_STYLE)
    assert set(schema["$defs"]["outcome"]["enum"]) == set(OUTCOMES) == set(OUTCOME_STYLE)
    assert len({style.marker for style in CHANNEL_STYLE.values()}) == len(CHANNELS), "a marker shape per channel"


def test_at_least_eight_cases_covering_every_channel_with_dates_and_sources():
    assert len(CASES) >= 8
    assert {case.channel for case in CASES} == set(CHANNELS)
    assert all(case.sources and re.match(r"^\d{4}", case.start) for case in CASES)


@pytest.mark.parametrize("case_id", ["tpp-labor-plan", "evfta-labor-code", "ilo-c98-c105", "ilo-c87-delayed",
                                     "upr-reviews", "us-human-rights-dialogue", "arms-embargo-lifted",
                                     "csp-upgrade-2023", "market-economy-review"])
def test_the_cases_the_lesson_promises_are_there(case_id):
    assert case_id in {case.id for case in CASES}


# Coding and comparing.

def test_the_modules_own_coding_agrees_everywhere():
    report = compare_codings(CASES, module_codings())
    assert len(report.comparisons) == len(CASES) and not report.uncoded
    assert all(item.same_place and item.channel_verdict == "same" for item in report.comparisons)


def test_nothing_coded_gives_a_message_and_no_comparison():
    report = compare_codings(CASES, {})
    assert report.comparisons == () and len(report.uncoded) == len(CASES)
    assert "No case is fully coded yet" in report.message


def test_a_half_coded_case_is_named_with_what_it_lacks():
    codings = module_codings(**{"upr-reviews": ("multilateral", None), "arms-embargo-lifted": (None, "")})
    report = compare_codings(CASES, codings)
    assert len(report.comparisons) == len(CASES) - 2
    assert "UN Universal Periodic Review) needs outcome" in report.message
    assert "Lifting the US arms embargo) needs channel and outcome" in report.message


def test_unknown_values_are_reported_not_raised():
    report = compare_codings(CASES, module_codings(**{"tpp-labor-plan": ("trilateral", "lapsed")}))
    assert "'trilateral' is not a channel" in report.message
    assert all(item.case.id != "tpp-labor-plan" for item in report.comparisons)


def test_a_defensible_coding_is_called_so_with_its_reason():
    report = compare_codings(CASES, module_codings(**{"evfta-labor-code": ("bilateral", "lasting-change")}))
    item = next(item for item in report.comparisons if item.case.id == "evfta-labor-code")
    assert item.channel_verdict == "defensible" and "two parties" in item.notes[0]
    assert not item.same_place


def test_a_different_coding_gives_the_modules_reason():
    report = compare_codings(CASES, module_codings(**{"ilo-c87-delayed": ("multilateral", "lasting-change")}))
    item = next(item for item in report.comparisons if item.case.id == "ilo-c87-delayed")
    assert item.outcome_verdict == "different" and "deadline passed" in item.notes[1]


# The chart.

def test_alt_text_counts_cases_per_channel_and_names_the_differences():
    report = compare_codings(CASES, module_codings(**{"csp-upgrade-2023": ("multilateral", "lasting-change")}))
    alt = leverage_alt_text(CASES, report.comparisons)
    counts = {channel: sum(case.channel == channel for case in CASES) for channel in CHANNELS}
    for channel, count in counts.items():
        assert f"{CHANNEL_STYLE[channel].label} ({CHANNEL_STYLE[channel].marker_name}s), {count}:" in alt
    assert f"puts {len(CASES) - 1} of {len(CASES)} in the same place" in alt
    assert "case 8 you coded multilateral, lasting change" in alt


def test_figure_draws_one_marker_per_case_plus_one_per_difference():
    report = compare_codings(CASES, module_codings(**{"upr-reviews": ("bilateral", "no-change")}))
    figure = leverage_figure(CASES, report.comparisons)
    markers = figure.axes[0].collections
    assert len(markers) == len(CASES) + 1
    labels = [label.get_text() for label in figure.axes[0].get_yticklabels()]
    assert labels == [OUTCOME_STYLE[outcome].label for outcome in OUTCOMES]


# The structured argument.

TEXT = " ".join(["evidence"] * 45)


@pytest.mark.parametrize("channel, supporting, counter, text, expected", [
    (None, [], [], "", ["Choose a channel", "at least two cases", "at least one counter-case", "Write your justification"]),
    ("unilateral", ["ilo-c98-c105", "evfta-labor-code"], ["ilo-c87-delayed"], TEXT, ["'unilateral' is not a channel"]),
    ("multilateral", ["ilo-c98-c105"], ["ilo-c87-delayed"], TEXT, ["(you have 1)"]),
    ("multilateral", ["ilo-c98-c105", "ilo-c87-delayed"], ["ilo-c87-delayed"], TEXT, ["cannot both support", "case 4"]),
    ("multilateral", ["ilo-c98-c105", "evfta-labor-code"], ["ilo-c87-delayed"], "too short", ["has 2 word(s)"]),
    ("multilateral", ["ilo-c98-c105", "evfta-labor-code"], ["ilo-c87-delayed"], 42, ["as text, not int"]),
    ("multilateral", "ilo-c98-c105", ["ilo-c87-delayed"], TEXT, ["list of case ids"]),
    ("multilateral", ["ilo-c98-c105", "no-such-case"], ["ilo-c87-delayed"], TEXT, ["Unknown case(s)", "(you have 1)"]),
])
def test_an_incomplete_argument_says_what_is_missing(channel, supporting, counter, text, expected):
    result = check_argument(ASK, channel, supporting, counter, text)
    assert not result.ready
    joined = " ".join(result.problems)
    for phrase in expected:
        assert phrase in joined


def test_a_complete_argument_passes_and_flags_cases_coded_under_another_channel():
    result = check_argument(ASK, "multilateral", ["ilo-c98-c105", "tpp-labor-plan"], ["ilo-c87-delayed"], TEXT)
    assert result.ready and not result.problems
    assert len(result.remarks) == 1 and "TPP labor consistency plan" in result.remarks[0]


def test_the_ask_has_a_note_for_every_channel_naming_real_cases():
    assert sorted(note.channel for note in ASK.notes) == sorted(CHANNELS)
    ids = {case.id for case in CASES}
    assert all(set(note.cases) <= ids for note in ASK.notes)


# The widgets, headlessly.

def said(area) -> str:
    return "".join(output["data"]["text/plain"] for output in area.outputs)


def test_explorer_reveals_nothing_until_a_case_is_coded():
    explorer = CaseExplorer()
    explorer.compare_button.click()
    assert "Nothing to compare yet" in said(explorer.message)
    assert 'role="alert"' in explorer.message.outputs[0]["data"]["text/html"]
    assert explorer.chart.value == "" and explorer.reasons.value == ""


def test_explorer_draws_the_coded_cases_and_names_the_rest():
    explorer = CaseExplorer()
    explorer.code("tpp-labor-plan", "bilateral", "lapsed")
    explorer.code("ilo-c98-c105", "multilateral", "lasting-change")
    explorer.compare_button.click()
    assert "You coded 2 of 9 cases; 1 sit where the module puts them" in said(explorer.message)
    assert "case 4 (The delayed ratification of ILO Convention 87) needs channel and outcome" in said(explorer.message)
    alt = html.unescape(re.search(r'alt="([^"]*)"', explorer.chart.value)[1])
    assert alt.startswith("Chart placing 2 of 9") and alt == explorer.alt_text
    assert "Case 1, TPP labor consistency plan" in explorer.reasons.value and "#src-" in explorer.reasons.value
    assert "Case 4," not in explorer.reasons.value


def test_explorer_static_view_folds_the_modules_coding():
    bundle = CaseExplorer()._repr_mimebundle_()
    assert "<details>" in bundle["text/html"] and '<img alt="Chart placing 9 of 9' in bundle["text/html"]


def printed(builder: ArgumentBuilder) -> str:
    return said(builder.feedback)


def test_builder_refuses_an_empty_argument_and_keeps_the_text(tmp_path):
    builder = ArgumentBuilder("ratify-c87", notes_folder=tmp_path)
    builder.justification.value = "Short."
    builder.check_button.click()
    assert printed(builder).startswith("Not yet. Choose a channel")
    assert builder.justification.value == "Short." and builder.saved_to is None


def test_builder_accepts_a_complete_argument_saves_it_and_shows_the_notes(tmp_path):
    builder = ArgumentBuilder("ratify-c87", notes_folder=tmp_path)
    builder.channel.value = "bilateral"
    builder.support_boxes["market-economy-review"].value = True
    builder.support_boxes["us-human-rights-dialogue"].value = True
    builder.counter_boxes["csp-upgrade-2023"].value = True
    builder.justification.value = TEXT
    builder.check_button.click()
    assert "It is not graded" in printed(builder)
    assert builder.saved_to == tmp_path / "03-argument-ratify-c87.json"
    assert json.loads(builder.saved_to.read_text())["data"]["justification"] == TEXT
    shown = "".join(output["data"]["text/html"] for output in builder.feedback.outputs)
    assert "Bilateral (your channel)" in shown and "#src-" in shown
