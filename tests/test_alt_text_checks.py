"""Alt-text checks for hidden tests: they judge what the text says, not whether some digits appear in it."""

from __future__ import annotations

import pytest

from usvn.grading.checks import describes, mentions, states_count


@pytest.mark.parametrize(
    "text",
    [
        "A timeline of eleven events, from 2000 to 2016.",
        "A timeline of 11 events, from 2000 to 2016.",
        "Eleven trade events between 2000 and 2016, most after Vietnam joined the WTO in 2007.",
        "Trade events (11 in all) on a timeline, 2000-2016.",
        "Trade events: 11, placed by year from 2000 to 2016.",
        "A timeline of ELEVEN labor-rights events.",
    ],
)
def test_a_count_in_digits_or_words_beside_the_noun_is_accepted(text):
    states_count(text, 11, "trade_alt", noun="event")


@pytest.mark.parametrize(
    "text",
    [
        "Trade events from 2011 to 2023.",  # 11 only inside a year
        "Trade events from 2000 to 2016, with 110 markers.",
        "About 11.5 events a year.",
        "Twelve trade events from 2000 to 2016.",  # the wrong number
        "Eleven cases coded by channel.",  # the right number of something else
        "11 days after the visit, several events followed.",  # the number is not the count of events
        "A timeline of trade events.",
    ],
)
def test_text_that_merely_contains_the_digits_or_another_count_is_refused(text):
    with pytest.raises(AssertionError) as failure:
        states_count(text, 11, "trade_alt", noun="event")
    assert "11" not in str(failure.value) and "eleven" not in str(failure.value).lower()


def test_compound_number_words_and_plural_forms():
    states_count("Twenty-one cases, coded by channel and outcome.", 21, "alt", noun="case")
    states_count("twenty one cases", 21, "alt", noun="case")
    states_count("Nine countries' surrogate values compared.", 9, "alt", noun="country")
    states_count("1,200 claims, grouped by kind of evidence.", 1200, "alt", noun="claim")
    with pytest.raises(AssertionError):
        states_count("Twenty cases and one counter-case.", 21, "alt", noun="case")


def test_two_different_counts_of_the_same_thing_are_refused():
    with pytest.raises(AssertionError, match="more than one number"):
        states_count("11 events, or perhaps 12 events, from 2000 to 2016.", 11, "alt", noun="event")


def test_without_a_noun_any_standalone_number_will_do_but_not_a_year():
    states_count("The chart shows 9 bars.", 9, "alt")
    with pytest.raises(AssertionError):
        states_count("The chart covers 2009.", 9, "alt")


@pytest.mark.parametrize(
    "bad, message", [(None, "no answer yet"), (11, "should be text"), (["11 events"], "should be text")]
)
def test_what_is_not_text_gets_a_plain_message(bad, message):
    with pytest.raises(AssertionError, match=message):
        states_count(bad, 11, "trade_alt", noun="event")


def test_mentions_every_term_as_whole_words_whatever_the_case_and_accents():
    mentions("Cases by CHANNEL (columns) and by outcome (rows).", ["channel", "outcome"], "alt", "what the axes show")
    mentions("Claims from Project88 and from Tran.", ["Project88", "Trần"], "alt", "both sources")
    mentions("Cases by channels and outcomes.", ["channel", "outcome"], "alt", "what the axes show")  # plurals
    with pytest.raises(AssertionError, match="1 of 2 is missing"):
        mentions("Cases by channelling outcomes.", ["channel", "outcome"], "alt", "what the axes show")
    with pytest.raises(AssertionError) as failure:
        mentions("Cases by outcome.", ["channel", "outcome"], "alt", "what the axes show")
    assert "channel" not in str(failure.value)


def test_mentions_at_least_one_of_several_terms():
    mentions(
        "Most claims rest on court records.", ["court records", "official statement"], "alt", "a kind", every=False
    )
    with pytest.raises(AssertionError, match="should name the most common kind"):
        mentions("Most claims rest on records.", ["court records"], "alt", "the most common kind", every=False)


@pytest.mark.parametrize("text", ["figure", "Chart.", "chart.png", "  my_plot.PNG ", "alt text", "Trade events."])
def test_placeholders_file_names_and_fragments_are_not_descriptions(text):
    with pytest.raises(AssertionError):
        describes(text, "alt")


def test_a_sentence_is_a_description_and_an_essay_is_too_long():
    describes("Bar chart of eleven trade events from 2000 to 2016, most of them after 2007.", "alt")
    with pytest.raises(AssertionError, match="too long"):
        describes("word " * 200, "alt")


def test_one_before_the_noun_picks_out_an_item_and_contradicts_no_count():
    states_count(
        "Margins for three surrogate countries: none with one surrogate, a large one with another.",
        3,
        "alt",
        noun="surrogate",
    )
