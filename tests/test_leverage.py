"""The leverage model (coding, chart, argument check) on the shipped cases, then both widgets headlessly."""

from __future__ import annotations

import html
import json
import re
from importlib import resources

import ipywidgets as widgets
import pytest
from chartkit import SVG, chart_of, marked, texts
from helpers import plain_text
from substitute_data import substituted

from usvn.data import load_data
from usvn.leverage import (
    CHANNELS,
    OUTCOMES,
    channel_label,
    check_argument,
    compare_codings,
    compare_schemes,
    leverage_alt_text,
    leverage_figure,
    load_asks,
    load_case,
    load_cases,
    load_schemes,
    original_cases,
    outcome_label,
    rates_alt_text,
    rates_figure,
    scheme_codings,
    success_rates,
)
from usvn.loader import InputError, UnknownIdError
from usvn.notes import NoteFile
from usvn.style import CHANNEL_STYLE, OUTCOME_STYLE
from usvn.widgets.choices import ChoiceList
from usvn.widgets.leverage import ArgumentBuilder, CaseExplorer, RateExplorer

CASES = load_cases()
ASK = load_asks()["ratify-c87"]
NUMBER = {case.id: number for number, case in enumerate(CASES, start=1)}
TITLE = {case.id: case.title for case in CASES}


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


def test_at_least_sixteen_cases_covering_every_channel_with_dates_and_sources():
    assert len(CASES) >= 16
    assert {case.channel for case in CASES} == set(CHANNELS)
    assert all(case.sources and re.match(r"^\d{4}", case.start) for case in CASES)


@pytest.mark.parametrize(
    "case_id",
    [
        "tpp-labor-plan",
        "evfta-labor-code",
        "ilo-c98-c105",
        "ilo-c87-delayed",
        "upr-reviews",
        "us-human-rights-dialogue",
        "arms-embargo-lifted",
        "csp-upgrade-2023",
        "market-economy-review",
        "cpc-religious-freedom",
        "prisoner-releases-2014-2018",
        "prisoner-releases-2024",
        "currency-finding-2020",
        "timber-301-2020",
        "trafficking-tiers-2022",
        "forced-labour-301-2026",
        "cptpp-labour-chapter",
        "evfta-labour-chapter",
        "jetp-energy-advocates",
        "better-work-vietnam",
        "human-rights-council-seats",
    ],
)
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
    assert f"{TITLE['upr-reviews']}) needs outcome" in report.message
    assert f"{TITLE['arms-embargo-lifted']}) needs channel and outcome" in report.message


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
    assert item.outcome_verdict == "different" and "target passed without ratification" in item.notes[1]


# The chart.


def test_alt_text_counts_cases_per_channel_and_names_the_differences():
    report = compare_codings(CASES, module_codings(**{"csp-upgrade-2023": ("multilateral", "lasting-change")}))
    alt = leverage_alt_text(CASES, report.comparisons)
    counts = {channel: sum(case.channel == channel for case in CASES) for channel in CHANNELS}
    for channel, count in counts.items():
        assert f"{CHANNEL_STYLE[channel].label} ({CHANNEL_STYLE[channel].marker_name}s), {count}:" in alt
    assert f"puts {len(CASES) - 1} of {len(CASES)} in the same place" in alt
    assert f"case {NUMBER['csp-upgrade-2023']} you coded multilateral, lasting change" in alt


def test_figure_draws_one_marker_per_case_plus_one_per_difference():
    report = compare_codings(CASES, module_codings(**{"upr-reviews": ("bilateral", "no-change")}))
    figure = leverage_figure(CASES, report.comparisons)
    markers = figure.axes[0].collections
    assert len(markers) == len(CASES) + 1
    labels = [label.get_text() for label in figure.axes[0].get_yticklabels()]
    assert labels == [OUTCOME_STYLE[outcome].label for outcome in OUTCOMES]


# The structured argument.

TEXT = " ".join(["evidence"] * 45)


@pytest.mark.parametrize(
    "channel, supporting, counter, text, expected",
    [
        (
            None,
            [],
            [],
            "",
            ["Choose a channel", "at least two cases", "at least one counter-case", "Write your justification"],
        ),
        (
            "unilateral",
            ["ilo-c98-c105", "evfta-labor-code"],
            ["ilo-c87-delayed"],
            TEXT,
            ["'unilateral' is not a channel"],
        ),
        ("multilateral", ["ilo-c98-c105"], ["ilo-c87-delayed"], TEXT, ["(you have 1)"]),
        (
            "multilateral",
            ["ilo-c98-c105", "ilo-c87-delayed"],
            ["ilo-c87-delayed"],
            TEXT,
            ["cannot both support", f"case {NUMBER['ilo-c87-delayed']}"],
        ),
        ("multilateral", ["ilo-c98-c105", "evfta-labor-code"], ["ilo-c87-delayed"], "too short", ["has 2 word(s)"]),
        ("multilateral", ["ilo-c98-c105", "evfta-labor-code"], ["ilo-c87-delayed"], 42, ["as text, not int"]),
        ("multilateral", "ilo-c98-c105", ["ilo-c87-delayed"], TEXT, ["list of case ids"]),
        (
            "multilateral",
            ["ilo-c98-c105", "no-such-case"],
            ["ilo-c87-delayed"],
            TEXT,
            ["Unknown case(s)", "(you have 1)"],
        ),
    ],
)
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


def test_explorer_reveals_nothing_until_a_case_is_coded():
    explorer = CaseExplorer()
    explorer.compare_button.click()
    assert "Nothing to compare yet" in plain_text(explorer.message)
    assert 'role="alert"' in explorer.message.outputs[0]["data"]["text/html"]
    assert explorer.chart.value == "" and explorer.reasons.value == ""


def test_explorer_draws_the_coded_cases_and_names_the_rest():
    explorer = CaseExplorer()
    explorer.code("tpp-labor-plan", "bilateral", "lapsed")
    explorer.code("ilo-c98-c105", "multilateral", "lasting-change")
    explorer.compare_button.click()
    assert f"You coded 2 of {len(CASES)} cases; 1 sit where the module puts them" in plain_text(explorer.message)
    c87 = NUMBER["ilo-c87-delayed"]
    assert f"case {c87} (The delayed ratification of ILO Convention 87) needs channel and outcome" in plain_text(
        explorer.message
    )
    alt = html.unescape(re.search(r'alt="([^"]*)"', explorer.chart.value)[1])
    assert alt.startswith(f"Chart placing 2 of {len(CASES)}") and alt == explorer.alt_text
    assert f"Case {NUMBER['tpp-labor-plan']}, TPP labor consistency plan" in explorer.reasons.value
    assert "#src-" in explorer.reasons.value and f"Case {c87}," not in explorer.reasons.value


def test_recoding_a_case_redraws_the_chart_and_its_alt_text():
    explorer = CaseExplorer()
    first, second = CASES[0], CASES[1]
    explorer.code(first.id, first.channel, first.outcome)
    explorer.code(second.id, second.channel, second.outcome)
    explorer.compare_button.click()
    alt, svg = chart_of(explorer.chart.value)
    assert "puts 2 of 2 in the same place" in alt and not marked(svg, "yours")
    assert len(marked(svg, "module")) == 2 and {"1", "2"} <= set(texts(svg))
    other = next(channel for channel in CHANNELS if channel != first.channel)
    explorer.code(first.id, other, first.outcome)
    explorer.compare_button.click()
    alt, svg = chart_of(explorer.chart.value)
    assert alt == explorer.alt_text and "puts 1 of 2 in the same place" in alt
    assert f"case 1 you coded {channel_label(other).lower()}, {outcome_label(first.outcome).lower()}" in alt
    (yours,) = marked(svg, "yours")
    assert yours.tag == SVG + ("circle" if CHANNEL_STYLE[other].marker == "o" else "polygon")
    assert "(hollow dashed markers: your coding, where it differs)" in "".join(texts(svg))
    explorer.code(first.id, first.channel, first.outcome)
    explorer.compare_button.click()
    alt, svg = chart_of(explorer.chart.value)
    assert "puts 2 of 2 in the same place" in alt and not marked(svg, "yours")


def test_explorer_static_view_folds_the_modules_coding():
    bundle = CaseExplorer()._repr_mimebundle_()
    assert (
        "<details>" in bundle["text/html"]
        and f'<img alt="Chart placing {len(CASES)} of {len(CASES)}' in bundle["text/html"]
    )


def printed(builder: ArgumentBuilder) -> str:
    return plain_text(builder.feedback)


def test_builder_refuses_an_empty_argument_and_keeps_the_text(tmp_path):
    builder = ArgumentBuilder("ratify-c87", notes_folder=tmp_path)
    builder.justification.value = "Short."
    builder.check_button.click()
    assert printed(builder).startswith("Not yet. Choose a channel")
    assert builder.justification.value == "Short." and builder.saved_to is None


def test_builder_accepts_a_complete_argument_saves_it_and_shows_the_notes(tmp_path):
    builder = ArgumentBuilder("ratify-c87", notes_folder=tmp_path)
    builder.channel.value = "bilateral"
    builder.support_list.value = ("us-human-rights-dialogue", "market-economy-review")
    builder.counter_list.value = ("csp-upgrade-2023",)
    builder.justification.value = TEXT
    builder.check_button.click()
    assert "It is not graded" in printed(builder)
    assert builder.saved_to == tmp_path / "03-argument-ratify-c87.json"
    assert json.loads(builder.saved_to.read_text())["data"]["justification"] == TEXT
    shown = "".join(output["data"]["text/html"] for output in builder.feedback.outputs)
    assert "Bilateral (your channel)" in shown and "#src-" in shown


def test_builder_lists_are_one_labelled_list_box_each_and_keep_the_case_order(tmp_path):
    builder = ArgumentBuilder("ratify-c87", notes_folder=tmp_path)
    for chooser in (builder.support_list, builder.counter_list):
        assert isinstance(chooser, ChoiceList) and chooser.description
        assert [value for _, value in chooser.options] == [case.id for case in CASES]
    assert not any(isinstance(child, widgets.Checkbox) for child in _descendants(builder.widget))
    builder.support_list.value = ("market-economy-review", "us-human-rights-dialogue")
    order = [case.id for case in CASES]
    assert builder.supporting == sorted(builder.support_list.value, key=order.index)


def test_builder_loads_an_argument_saved_with_the_same_fields(tmp_path):
    NoteFile("03-argument-ratify-c87", "argument", tmp_path).save(
        {
            "ask": "ratify-c87",
            "channel": "bilateral",
            "supporting": ["market-economy-review", "gone-case"],
            "counter": ["csp-upgrade-2023"],
            "justification": TEXT,
        }
    )
    builder = ArgumentBuilder("ratify-c87", notes_folder=tmp_path)
    assert builder.channel.value == "bilateral" and builder.supporting == ["market-economy-review"]
    assert builder.counter == ["csp-upgrade-2023"] and builder.justification.value == TEXT


def test_builder_static_view_names_the_cases_and_folds_the_notes():
    html_text = ArgumentBuilder("ratify-c87", notes_folder=None)._repr_mimebundle_()["text/html"]
    assert "<details>" in html_text and all(html.escape(case.title) in html_text for case in CASES)


def _descendants(widget):
    for child in getattr(widget, "children", ()):
        yield child
        yield from _descendants(child)


# The fair case set, coding schemes and success rates.

RAW = load_data("cases.yaml")


def test_the_case_set_has_real_pressure_on_both_sides_and_every_outcome():
    attempts = [case for case in CASES if case.pressure_attempt]
    bilateral = [case for case in attempts if case.channel == "bilateral"]
    assert len(bilateral) >= 6, "a fair test needs real bilateral pressure attempts"
    assert {case.outcome for case in bilateral} == set(OUTCOMES)
    assert {case.outcome for case in attempts if case.channel != "bilateral"} >= {
        "lasting-change",
        "no-change",
        "effect-unclear",
        "lapsed",
    }


def test_every_case_not_counted_as_pressure_says_why():
    for case in CASES:
        assert case.pressure_attempt or (case.pressure_reason and len(case.pressure_reason) > 40), case.id


def test_the_first_version_had_nine_cases_and_no_bilateral_pressure_attempt_that_worked():
    first = original_cases()
    assert len(first) == 9
    assert not any(case.channel == "bilateral" and case.outcome == "lasting-change" for case in first)


def test_the_held_back_case_is_not_in_the_explorer_but_can_be_loaded():
    held = [record["id"] for record in RAW["cases"] if record.get("exercise_only")]
    assert held, "the graded exercise needs a case the lesson does not show"
    for case_id in held:
        assert case_id not in NUMBER and load_case(case_id).id == case_id
    with pytest.raises(UnknownIdError, match="No leverage case 'nope'"):
        load_case("nope")


def test_every_scheme_override_is_a_coding_the_case_lists_as_defensible():
    schemes = load_schemes()
    assert {"module", "eu-as-multilateral", "eu-as-bilateral"} <= set(schemes)
    for scheme in schemes.values():
        for case_id, channel in scheme.overrides.items():
            case = load_case(case_id)
            assert channel == case.channel or channel in {item.value for item in case.defensible_channels}


def test_a_scheme_with_an_indefensible_override_is_refused(monkeypatch):
    import usvn.leverage as leverage

    broken = {
        **RAW,
        "schemes": [
            *RAW["schemes"],
            {
                "id": "odd",
                "label": "Odd coding",
                "description": "x" * 30,
                "overrides": {"arms-embargo-lifted": "multilateral"},
            },
        ],
    }
    with substituted(monkeypatch, "cases.yaml", broken, leverage.load_schemes, leverage._all_cases):
        with pytest.raises(
            leverage.DataError, match="cases.yaml, record 'odd': the scheme codes .* does not list as defensible"
        ):
            leverage.load_schemes()


def test_rates_on_a_small_hand_made_set():
    cases = [
        load_case("timber-301-2020"),
        load_case("market-economy-review"),
        load_case("ilo-c98-c105"),
        load_case("csp-upgrade-2023"),
    ]
    table = success_rates(cases)
    # timber: bilateral, lasting; market: bilateral, no change; C98/C105: multilateral, lasting; CSP left out.
    assert (table.for_channel("bilateral").successes, table.for_channel("bilateral").total) == (1, 2)
    assert table.rate("multilateral") == 1.0 and table.rate("bilateral-inside-multilateral") is None
    assert table.left_out == (("csp-upgrade-2023", "not a pressure attempt"),)
    counted = success_rates(cases, include_non_pressure=True)
    assert counted.for_channel("bilateral").describe() == "1 of 3 (33%)"


def test_rates_count_what_the_data_says_under_every_scheme():
    # Counted straight from the YAML, not through the model.
    for scheme in RAW["schemes"]:
        for channel in CHANNELS:
            records = [
                record
                for record in RAW["cases"]
                if not record.get("exercise_only")
                and record["pressure_attempt"]
                and scheme["overrides"].get(record["id"], record["channel"]) == channel
            ]
            wins = sum(record["outcome"] == "lasting-change" for record in records)
            item = success_rates(CASES, scheme_codings(scheme["id"])).for_channel(channel)
            assert (item.successes, item.total) == (wins, len(records)), (scheme["id"], channel)


def test_recoding_the_eu_agreements_moves_the_rates():
    module, as_bilateral = (success_rates(CASES, scheme_codings(name)) for name in ("module", "eu-as-bilateral"))
    assert module.for_channel("bilateral").total + 2 == as_bilateral.for_channel("bilateral").total
    assert module.rate("bilateral") != as_bilateral.rate("bilateral")


def test_bad_codings_are_reported_not_raised():
    table = success_rates(CASES[:3], {CASES[0].id: ("trilateral", "lapsed"), CASES[1].id: ("bilateral", None)})
    reasons = dict(table.left_out)
    assert reasons == {CASES[0].id: "coding not valid", CASES[1].id: "not coded", CASES[2].id: "not coded"}
    assert "'trilateral, lapsed' is not a channel and an outcome" in table.message
    with pytest.raises(InputError, match="list of outcomes"):
        success_rates(CASES, success="lasting-change")
    with pytest.raises(UnknownIdError, match="No coding scheme 'mine'"):
        scheme_codings("mine")


def test_the_students_coding_is_a_column_of_its_own_and_says_what_it_borrowed():
    tables = compare_schemes(
        CASES, student={"evfta-labor-code": ("multilateral", "lasting-change"), "upr-reviews": (None, "no-change")}
    )
    assert len(tables) == len(load_schemes()) + 1
    assert tables[-1].label == f"Your coding ({len(CASES) - 1} uncoded cases at the module's coding)"
    assert tables[-1].for_channel("multilateral").total == tables[0].for_channel("multilateral").total + 1


def test_rates_alt_text_states_each_rate_and_the_figure_draws_each():
    tables = compare_schemes(original_cases(), include_non_pressure=True)
    alt = rates_alt_text(tables)
    assert f"under {len(tables)} codings" in alt and "9 counted cases" in alt
    assert "The module's coding: bilateral 0 of 4 (0%)" in alt
    figure = rates_figure(tables)
    drawn = sum(len(collection.get_offsets()) for collection in figure.axes[0].collections)
    assert drawn == sum(item.total > 0 for table in tables for item in table.rates)
    assert rates_alt_text(()) == "Empty chart: no coding to show."


def test_rate_explorer_draws_only_on_the_button():
    rates = RateExplorer()
    rates.use_original()
    assert rates.chart.value == "" and rates.tables == ()
    tables = rates.draw_button.click() or rates.tables
    assert [len(table.counted) for table in tables] == [9] * len(load_schemes())
    alt = html.unescape(re.search(r'alt="([^"]*)"', rates.chart.value)[1])
    assert alt == rates.alt_text and "bilateral 0 of 4 (0%)" in alt
    assert "<caption>" in rates.table.value and 'role="alert"' in rates.message.outputs[0]["data"]["text/html"]
    rates.case_list.value = (*rates.case_list.value, "trafficking-tiers-2022")
    assert "bilateral 0 of 4" in rates.alt_text, "choosing a case must not redraw"


def test_rate_explorer_redraw_draws_the_new_rates_and_its_alt_text_states_them():
    rates = RateExplorer()
    rates.use_original()
    rates.draw_button.click()
    alt_before, _ = chart_of(rates.chart.value)
    rates.use_all()
    rates.draw_button.click()
    alt, svg = chart_of(rates.chart.value)
    assert alt == rates.alt_text != alt_before
    drawn = [item for table in rates.tables for item in table.rates if item.rate is not None]
    assert len(marked(svg, "rate")) == len(drawn)
    for item in drawn:
        assert f"{item.successes}/{item.total}" in texts(svg) and item.describe() in alt


def test_rate_explorer_with_nothing_ticked_says_so():
    rates = RateExplorer()
    rates.case_list.value = ()
    rates.draw_button.click()
    assert "No case is selected" in plain_text(rates.message) and rates.chart.value == ""


def test_rate_explorer_adds_the_students_own_coding():
    explorer = CaseExplorer()
    explorer.code("evfta-labor-code", "multilateral", "lasting-change")
    rates = RateExplorer(explorer)
    rates.draw_button.click()
    assert rates.tables[-1].label.startswith("Your coding") and "Your coding" in rates.alt_text


def test_rate_explorer_cases_are_one_list_box_the_buttons_fill(tmp_path):
    rates = RateExplorer(notes_folder=tmp_path)
    assert isinstance(rates.case_list, ChoiceList) and rates.case_list.description == "Cases to count"
    assert not any(
        isinstance(child, widgets.Checkbox) and child is not rates.non_pressure for child in _descendants(rates.widget)
    )
    assert rates.selected == list(CASES) and not rates.non_pressure.value
    rates.original_button.click()
    assert [case.id for case in rates.selected] == [case.id for case in CASES if case.original_set]
    assert rates.non_pressure.value
    rates.all_button.click()
    assert rates.selected == list(CASES) and not rates.non_pressure.value


def test_rate_explorer_keeps_the_choice_and_a_new_case_counts(tmp_path):
    rates = RateExplorer(notes_folder=tmp_path)
    rates.use_original()
    saved = json.loads((tmp_path / "03-rates.json").read_text())["data"]
    assert saved == {"counted": {case.id: case.original_set for case in CASES}, "non_pressure": True}
    later = RateExplorer(notes_folder=tmp_path)
    assert later._saved_state() == saved
    NoteFile("03-rates", "rates", tmp_path).save({"counted": {CASES[0].id: False}, "non_pressure": "yes"})
    again = RateExplorer(notes_folder=tmp_path)
    assert again.selected == list(CASES[1:]) and again.non_pressure.value is False


# The check helpers the exercise's hidden tests use (usvn.exercise_checks, for lesson 03).


def test_coding_check_credits_every_defensible_coding_and_names_no_answer():
    from usvn.exercise_checks import coding_is_defensible

    case = load_case("eu-human-rights-dialogue")
    allowed = {case.channel} | {item.value for item in case.defensible_channels}
    for channel in CHANNELS:
        if channel in allowed:
            coding_is_defensible(channel, case.id, "channel", "c")
        else:
            with pytest.raises(AssertionError) as refused:
                coding_is_defensible(channel, case.id, "channel", "c")
            assert all(f"'{value}'" not in str(refused.value) for value in allowed)
    with pytest.raises(AssertionError, match="should be one of"):
        coding_is_defensible("trilateral", case.id, "channel", "c")
    with pytest.raises(AssertionError, match="no answer yet"):
        coding_is_defensible(None, case.id, "outcome", "c")


def test_expected_rate_agrees_with_the_model_on_every_scheme_and_set():
    from usvn.exercise_checks import case_ids_where, expected_rate

    first = case_ids_where(original_set=True)
    assert first == {case.id for case in original_cases()}
    for scheme in load_schemes():
        for channel in CHANNELS:
            assert expected_rate(channel, scheme) == success_rates(CASES, scheme_codings(scheme)).rate(channel)
            assert expected_rate(channel, scheme, first, include_non_pressure=True) == success_rates(
                original_cases(), scheme_codings(scheme, original_cases()), include_non_pressure=True
            ).rate(channel)


def test_ids_check_wants_enough_ids_of_the_right_kind():
    from usvn.exercise_checks import case_ids_where, ids_among

    allowed = case_ids_where(original_set=False, channel="bilateral", pressure_attempt=True)
    ids_among(sorted(allowed)[:3], allowed, "ids", at_least=3)
    with pytest.raises(AssertionError, match="at least 3 different"):
        ids_among([sorted(allowed)[0]] * 3, allowed, "ids", at_least=3)
    with pytest.raises(AssertionError, match="does not fit"):
        ids_among([*sorted(allowed)[:2], "upr-reviews"], allowed, "ids", at_least=3)


@pytest.mark.parametrize(
    "text, ok",
    [
        ("A chart of 18 counted cases by channel.", True),
        ("A chart of eighteen cases by channel.", True),
        ("Rates for the 18 pressure-attempt cases.", True),
        ("Cases from 2018 to 2026, by channel.", False),
        ("A chart of 118 cases.", False),
        ("Bilateral 2 of 18 (11%) across the cases.", False),
    ],
)
def test_alt_text_count_check_reads_meaning_not_digits(text, ok):
    from usvn.grading.checks import states_count

    if ok:
        states_count(text, 18, "alt", noun="case")
    else:
        with pytest.raises(AssertionError, match="how many cases"):
            states_count(text, 18, "alt", noun="case")
