"""Timeline model on hand-made events, then the widget headlessly."""

from __future__ import annotations

import re

import pytest
from chartkit import chart_of, marked, texts

from usvn.data import THEMES, Event, load_data, load_sources, load_timeline
from usvn.loader import InputError
from usvn.timeline import (
    coverage_note,
    filter_events,
    format_date,
    timeline_alt_text,
    timeline_chart,
    timeline_figure,
)
from usvn.widgets.timeline import TimelineExplorer, events_html


def event(id, date, *themes):
    return Event(id=id, date=date, title=id, summary="A summary long enough.", themes=themes, sources=("tran-2021",))


EVENTS = (
    event("a", "1995-07-11", "diplomacy"),
    event("b", "2000-07", "trade"),
    event("c", "2016-05-23", "security", "diplomacy"),
    event("d", "2023", "rights"),
)


@pytest.mark.parametrize(
    "themes, years, expected",
    [
        ({"diplomacy"}, (1990, 2030), ["a", "c"]),
        ({"security"}, (1990, 2030), ["c"]),
        ({"trade", "rights"}, (2000, 2023), ["b", "d"]),
        ({"diplomacy", "trade", "security", "rights"}, (1996, 2016), ["b", "c"]),
        ({"rights"}, (1995, 2022), []),
        (set(), (1990, 2030), []),
    ],
)
def test_filter_by_theme_and_inclusive_years(themes, years, expected):
    assert [item.id for item in filter_events(EVENTS, themes, years)] == expected


@pytest.mark.parametrize(
    "themes, years, message",
    [
        ({"sport"}, (1995, 2000), "Unknown theme"),
        ({"trade"}, (2001, 2000), "comes after"),
        ({"trade"}, ("x", 2000), "whole numbers"),
        ({"trade"}, None, "whole numbers"),
    ],
)
def test_bad_filters_raise_a_helpful_message(themes, years, message):
    with pytest.raises(InputError, match=message):
        filter_events(EVENTS, themes, years)


def test_partial_dates_sit_inside_their_year_in_order():
    positions = [item.decimal_year for item in EVENTS]
    assert positions == sorted(positions)
    assert 2023 < event("x", "2023").decimal_year < 2024
    assert 2000.5 < event("y", "2000-07").decimal_year < 2000.6


def test_alt_text_counts_what_the_chart_draws():
    alt = timeline_alt_text(EVENTS, (1995, 2023))
    assert "4 numbered events from 1995 to 2023" in alt
    assert "Diplomacy (circles): 2" in alt and "Security (triangles): 1" in alt


def test_figure_has_one_lane_per_theme_present():
    figure = timeline_figure(EVENTS[:2], (1995, 2000))
    labels = [label.get_text() for label in figure.axes[0].get_yticklabels()]
    assert labels == ["Trade", "Diplomacy"]


def test_lesson_chart_is_the_explorers_svg_with_the_same_alt_text(tmp_path):
    events = load_timeline()
    output = timeline_chart()
    assert output.png is None, "the lesson chart is drawn as SVG text, with no PNG render"
    alt, root = chart_of(output._repr_mimebundle_()["text/html"])
    assert alt == output.alt == timeline_alt_text(events, (events[0].year, events[-1].year))
    explorer = TimelineExplorer(notes_folder=tmp_path)
    assert output.html == explorer.chart.value, "the lesson chart and the explorer's full view differ"
    assert len(marked(root, "event")) == sum(len(item.themes) for item in events)


def test_lesson_chart_needs_no_matplotlib():
    import subprocess
    import sys

    code = (
        "import sys; from usvn.timeline import timeline_chart; timeline_chart()._repr_mimebundle_(); "
        "print(sorted(name for name in sys.modules if name.startswith('matplotlib')))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_shipped_timeline_spans_normalization_to_2026():
    events = load_timeline()
    assert len(events) >= 30
    years = {item.year for item in events}
    assert {1995, 2023, 2025, 2026} <= years
    assert all(item.sources for item in events)


def test_security_track_starts_before_the_2016_arms_decision():
    """The first security steps are the 2003 port call, the 2011 memorandum and the partial lift of October 2014."""
    security = filter_events(load_timeline(), {"security"}, (1995, 2100))
    assert security, "the timeline has no security events"
    assert security[0].year < 2014
    by_id = {item.id: item for item in load_timeline()}
    partial, full = by_id["2014-arms-ban-partly-lifted"], by_id["2016-arms-embargo-lifted"]
    assert "security" in partial.themes and partial.decimal_year < full.decimal_year
    assert by_id["2014-hd-981-oil-rig-standoff"].decimal_year < partial.decimal_year


def test_every_event_carries_a_checked_stamp_no_earlier_than_its_event_or_sources():
    """``checked`` means "confirmed against its sources on that day": it cannot precede the event, nor the day
    any of its sources was read, and the file's review date cannot precede any stamp."""
    registry, events = load_sources(), load_timeline()
    assert events
    for item in events:
        assert item.checked, f"{item.id} has no checked stamp"
        assert item.checked >= item.date, f"{item.id} is stamped as checked before it happened"
        late = [source for source in item.sources if registry[source].accessed > item.checked]
        assert not late, f"{item.id} is stamped {item.checked} but cites sources read later: {late}"
    assert load_data("timeline.yaml")["as_of"] >= max(item.checked for item in events)


@pytest.mark.parametrize(
    "date, words", [("2026-04-07", "7 April 2026"), ("2003-11", "November 2003"), ("1994", "1994")]
)
def test_dates_read_with_their_own_precision(date, words):
    assert format_date(date) == words


def test_coverage_note_names_the_last_event_and_the_checking_dates():
    stamped = (
        Event(
            id="a",
            date="1995-07-11",
            title="First",
            summary="A summary long enough.",
            themes=("diplomacy",),
            sources=("tran-2021",),
            checked="2026-11-25",
        ),
        Event(
            id="b",
            date="2024-08",
            title="Last one",
            summary="A summary long enough.",
            themes=("rights",),
            sources=("tran-2021",),
            checked="2026-11-30",
        ),
    )
    note = coverage_note(stamped, as_of="2026-12-01")
    assert "2 events, from 11 July 1995 to August 2024 (Last one)" in note
    assert "between 25 November 2026 and 30 November 2026" in note
    assert "reviewed for new events on 1 December 2026" in note
    assert "does not cover anything that happened after August 2024" in note
    assert "on 25 November 2026." in coverage_note(stamped[:1], as_of="2026-11-25")
    assert "carry no date of checking" in coverage_note(EVENTS, as_of="2026-11-25")


def test_event_list_shows_each_checked_stamp():
    listing = events_html(load_timeline())
    assert listing.count("Checked against its sources as of") == len(load_timeline())
    assert "Checked against" not in events_html(EVENTS)


def alt_of(explorer) -> str:
    match = re.search(r'alt="([^"]*)"', explorer.chart.value)
    return match[1] if match else ""


def test_widget_redraws_on_filter_changes_and_keeps_alt_text():
    explorer = TimelineExplorer(EVENTS)
    assert len(explorer.shown) == 4 and "4 numbered events" in alt_of(explorer)
    explorer.theme_boxes["diplomacy"].value = False
    assert [item.id for item in explorer.shown] == ["b", "c", "d"]
    explorer.years.value = (2010, 2023)
    assert [item.id for item in explorer.shown] == ["c", "d"]
    assert "2 numbered events" in alt_of(explorer)


def test_a_redraw_draws_the_new_selection_and_its_alt_text_says_what_it_draws():
    explorer = TimelineExplorer(EVENTS)
    alt, svg = chart_of(explorer.chart.value)
    assert len(marked(svg, "event")) == 5, "the event with two themes is drawn in both rows"
    assert "Diplomacy" in texts(svg) and "Diplomacy (circles): 2" in alt
    explorer.theme_boxes["diplomacy"].value = False
    alt, svg = chart_of(explorer.chart.value)
    assert alt == explorer.alt_text == timeline_alt_text(explorer.shown, explorer.years.value)
    assert alt.startswith("Timeline chart of 3 numbered events from 2000 to 2023")
    assert len(marked(svg, "event")) == 4 and len(marked(svg, "diplomacy")) == 1, "c is security and diplomacy"
    explorer.theme_boxes["security"].value = False
    alt, svg = chart_of(explorer.chart.value)
    assert alt.startswith("Timeline chart of 2 numbered events") and "Diplomacy" not in alt
    assert len(marked(svg, "event")) == 2 and not marked(svg, "diplomacy")
    assert "Diplomacy" not in texts(svg) and {"Trade", "Rights", "1", "2"} <= set(texts(svg))
    explorer.years.value = (2010, 2023)
    alt, svg = chart_of(explorer.chart.value)
    assert alt.startswith("Timeline chart of 1 numbered events") and len(marked(svg, "event")) == 1
    assert "2010" in texts(svg) and "2000" not in texts(svg), "the axis follows the years"


def test_widget_explains_an_empty_selection_instead_of_drawing_nothing():
    explorer = TimelineExplorer(EVENTS)
    for box in explorer.theme_boxes.values():
        box.value = False
    assert "tick at least one theme" in explorer.message.value and explorer.chart.value == ""
    explorer.theme_boxes["rights"].value = True
    explorer.years.value = (1995, 2000)
    assert "widen the years" in explorer.message.value
    explorer.reset_button.click()
    assert len(explorer.shown) == 4


def test_show_everything_saves_the_whole_filter_and_draws_it(tmp_path):
    explorer = TimelineExplorer(EVENTS, notes_folder=tmp_path)
    explorer.theme_boxes["rights"].value = False
    explorer.years.value = (2000, 2016)
    explorer.reset_button.click()
    alt, svg = chart_of(explorer.chart.value)
    assert alt.startswith("Timeline chart of 4 numbered events from 1995 to 2023") and len(marked(svg, "event")) == 5
    again = TimelineExplorer(EVENTS, notes_folder=tmp_path)
    assert again.selected_themes == list(THEMES) and again.years.value == (1995, 2023)


def test_year_menus_are_labelled_clamp_like_a_slider_and_explain_a_reversed_range():
    explorer = TimelineExplorer(EVENTS)
    assert (explorer.years.start.description, explorer.years.end.description) == ("From year", "To year")
    explorer.years.value = (1000, 3000)
    assert explorer.years.value == (explorer.first_year, explorer.last_year) and len(explorer.shown) == 4
    explorer.years.start.value = explorer.last_year
    explorer.years.end.value = explorer.first_year
    assert "comes after the last year" in explorer.message.value and explorer.chart.value == ""
    explorer.reset_button.click()
    assert explorer.years.value == (explorer.first_year, explorer.last_year) and len(explorer.shown) == 4


# The exercise's alt-text question checks that the alt text states how many events the chart shows.
@pytest.mark.parametrize(
    "text, count",
    [
        ("Timeline chart of eleven events from 2003 to 2023.", 11),
        ("Eleven security events, 2003-2023, by theme.", 11),
        ("A chart of 9 numbered security events from 2003 to 2023.", 9),
        ("Twenty-one events on a timeline from 1994 to 2026.", 21),
        ("Security events: 9, from 2003 to 2023.", 9),
    ],
)
def test_alt_text_count_is_read_as_a_number_or_in_words(text, count):
    from usvn.grading.checks import states_count

    states_count(text, count, "alt", noun="event")


@pytest.mark.parametrize(
    "text, count",
    [
        ("Security events from 2011 to 2023.", 11),  # the digits are part of a year
        ("A chart of 19 security events.", 9),  # the digits are part of another number
        ("A chart of security events in nine rows.", 9),  # a count of something else
        ("A chart of 9.5 events.", 9),
        ("", 9),
    ],
)
def test_alt_text_that_merely_contains_the_digits_is_refused(text, count):
    from usvn.grading.checks import states_count

    with pytest.raises(AssertionError, match="how many events"):
        states_count(text, count, "alt", noun="event")


def test_alt_text_check_refuses_a_value_that_is_not_text():
    from usvn.grading.checks import states_count

    with pytest.raises(AssertionError, match="should be text"):
        states_count(9, 9, "alt", noun="event")
