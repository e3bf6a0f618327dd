"""The memo: its evidence catalogue, the structure check, and a draft that survives on disk."""

from __future__ import annotations

import copy
import re

import pytest
from helpers import said

from usvn.data import DataError, load_data, load_sources
from usvn.loader import UnknownIdError
from usvn.memo import (
    MemoDraft,
    build_example_memos,
    check_memo,
    evidence_catalogue,
    example_memo_html,
    load_example_memos,
    load_memo_template,
    memo_from_markdown,
    memo_to_markdown,
    read_draft,
    save_draft,
)
from usvn.rubrics import load_rubric
from usvn.widgets.memo import MemoEditor

TEMPLATE = load_memo_template()
EVIDENCE = ("01:2023-comprehensive-strategic-partnership", "04:wages-commerce", "02:c87-delayed")


def words(count, word="because"):
    return " ".join([word] * count)


def good_draft(**changes):
    sections = {
        "question": "Should Commerce have granted Vietnam market-economy status in August 2024?",
        "recommendation": words(30, "recommend"),
        "evidence": words(45, "evidence"),
        "counter-argument": words(35, "against"),
        "risks": words(25, "risk"),
    }
    sections.update(changes.pop("sections", {}))
    return MemoDraft(sections, changes.get("evidence", EVIDENCE))


def test_the_catalogue_spans_lessons_one_to_four_and_every_item_is_cited():
    catalogue = evidence_catalogue()
    registry = load_sources()
    assert {1, 2, 3, 4} <= {item.lesson for item in catalogue}
    assert all(item.sources and set(item.sources) <= set(registry) for item in catalogue)
    assert len({item.id for item in catalogue}) == len(catalogue)
    assert all(len(item.option_label) <= 110 for item in catalogue)


def test_a_complete_draft_passes():
    result = check_memo(good_draft())
    assert result.ok, result.problems
    assert result.evidence_count == 3 and result.lessons == (1, 2, 4)
    assert "judge the quality with the rubric" in result.summary()


def test_an_empty_section_is_named_with_its_prompt():
    result = check_memo(good_draft(sections={"risks": "  "}))
    assert result.problems == (f"Write the Risks section: {TEMPLATE.section('risks').prompt}",)


def test_a_short_section_says_how_many_words_are_needed():
    result = check_memo(good_draft(sections={"recommendation": "Yes, grant it."}))
    assert result.problems == ("The Recommendation section has 3 word(s); write at least 25.",)


def test_a_counter_argument_that_repeats_the_recommendation_is_refused():
    text = words(30, "grant")
    result = check_memo(good_draft(sections={"recommendation": text, "counter-argument": text.upper() + "!"}))
    assert any("repeats the Recommendation" in problem for problem in result.problems)


def test_too_little_evidence_or_evidence_from_one_lesson_is_refused():
    assert "you have 2" in check_memo(good_draft(evidence=EVIDENCE[:2])).problems[0]
    one_lesson = ("04:wages-commerce", "04:wages-vietnam", "04:wages-project88")
    assert "all of yours come from lesson 04" in check_memo(good_draft(evidence=one_lesson)).problems[0]


def test_duplicates_and_unknown_ids_are_not_counted():
    result = check_memo(good_draft(evidence=EVIDENCE[:2] + EVIDENCE[:1] + ("99:made-up",)))
    assert "99:made-up" in result.problems[0] and "you have 2" in result.problems[1]


def test_a_non_text_section_is_reported():
    result = check_memo(good_draft(sections={"question": 42}))
    assert "The Question section must be text, not int." in result.problems


def test_markdown_round_trip_keeps_every_section_and_evidence_id():
    draft = good_draft(sections={"evidence": "First line.\n## Looks like a heading\n# and another\nLast line."})
    text = memo_to_markdown(draft)
    assert "## Evidence" in text and "(The Shiv 2024; Consumer Electronics Daily 2024)" in text
    back = memo_from_markdown(text)
    assert dict(back.sections) == {key: value.strip() for key, value in draft.sections.items()}
    assert back.evidence == EVIDENCE


def test_save_and_read_draft(tmp_path):
    path = tmp_path / "notes" / "05-memo.md"
    assert read_draft(path) is None
    save_draft(good_draft(), path)
    assert read_draft(path) == memo_from_markdown(memo_to_markdown(good_draft()))


def test_editor_keeps_the_draft_across_a_restart(tmp_path):
    path = tmp_path / "my-notes" / "05-memo.md"
    editor = MemoEditor(path)
    draft = good_draft()
    editor.fill(draft)
    editor.check_button.click()
    assert path.is_file()
    assert "Every section is written" in said(editor)[0]
    again = MemoEditor(path)  # a new kernel: the draft comes back from the file
    assert again.load_message == f"Loaded your saved draft from {path}."
    assert again.areas["risks"].value == draft.sections["risks"]
    assert again.evidence.value == EVIDENCE


def test_editor_reports_an_incomplete_memo_and_still_saves(tmp_path):
    path = tmp_path / "05-memo.md"
    editor = MemoEditor(path)
    editor.areas["question"].value = "Only a question so far?"
    editor.check_button.click()
    text, html = said(editor)
    assert text.startswith("Saved your draft") and path.is_file()
    assert "Not ready yet: 6 thing(s) to fix." in text and "<li>Write the Recommendation section" in html
    assert "Only a question so far?" in path.read_text()


def test_editor_never_overwrites_an_unreadable_draft(tmp_path):
    path = tmp_path / "05-memo.md"
    path.write_bytes(b"\xff\xfe not utf-8 \xff")
    editor = MemoEditor(path)
    assert "left untouched" in editor.load_message
    editor.save_button.click()
    assert path.read_bytes() == b"\xff\xfe not utf-8 \xff"
    assert (tmp_path / "05-memo-new.md").is_file()


def test_editor_reports_a_failed_save(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    editor = MemoEditor(blocker / "05-memo.md")  # the parent is a file, so saving fails
    editor.save_button.click()
    assert "Could not save your draft" in said(editor)[0]


def test_editor_keeps_unknown_evidence_ids_from_a_file(tmp_path):
    path = tmp_path / "05-memo.md"
    save_draft(good_draft(evidence=EVIDENCE + ("03:from-a-later-version",)), path)
    editor = MemoEditor(path)
    assert editor.unknown_evidence == ("03:from-a-later-version",)
    assert editor.draft().evidence[-1] == "03:from-a-later-version"


@pytest.mark.parametrize("item_id", EVIDENCE)
def test_ticked_evidence_is_listed_with_its_citation(item_id, tmp_path):
    editor = MemoEditor(tmp_path / "05-memo.md")
    editor.evidence.value = (item_id,)
    item = next(entry for entry in evidence_catalogue() if entry.id == item_id)
    assert f'href="#src-{item.sources[0]}"' in editor.chosen.value


# --- annotated example memos ----------------------------------------------------------------------

EXAMPLES = load_example_memos()
CITATION = re.compile(r"\(([^()]*?[0-9]{4}[a-z]?)\)")


def test_there_is_one_example_at_meets_and_one_at_exceeds():
    assert EXAMPLES, "memo.yaml has no example memos"
    rubric = load_rubric("memo")
    top, below_top = rubric.levels[-1].id, rubric.levels[-2].id
    assert sorted(memo.level for memo in EXAMPLES) == sorted([below_top, top])


@pytest.mark.parametrize("memo", EXAMPLES, ids=lambda memo: memo.id)
def test_each_example_is_annotated_at_its_own_level_on_every_criterion(memo):
    rubric = load_rubric("memo")
    assert [note.criterion for note in memo.annotations] == [criterion.id for criterion in rubric.criteria]
    assert {note.level for note in memo.annotations} == {memo.level}


@pytest.mark.parametrize("memo", EXAMPLES, ids=lambda memo: memo.id)
def test_each_example_passes_the_structure_check_and_cites_only_listed_sources(memo):
    assert check_memo(memo.draft).ok
    labels = {load_sources()[source].label for source in memo.sources}
    text = " ".join(memo.draft.text(section.id) for section in TEMPLATE.sections)
    cited = {part.strip() for group in CITATION.findall(" ".join(text.split())) for part in group.split(";")}
    assert cited, "the example cites nothing"
    assert cited <= labels, f"cited but not listed in the example's sources: {sorted(cited - labels)}"
    assert labels <= cited, f"listed but never cited in the text: {sorted(labels - cited)}"


def test_the_two_examples_take_different_sides():
    recommendations = [memo.draft.text("recommendation") for memo in EXAMPLES]
    assert any("right to keep" in text for text in recommendations)
    assert any("should have granted" in text for text in recommendations)


def broken(change):
    data = copy.deepcopy(load_data("memo.yaml"))
    change(data["examples"][0])
    return data


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda example: example["annotations"].pop(), "annotate each rubric criterion exactly once"),
        (lambda example: example.update(level="excellent"), "is not a level of the memo rubric"),
        (lambda example: example["annotations"][0].update(level="superb"), "are not levels of the memo rubric"),
        (lambda example: example["sections"].pop("risks"), "fails the memo's own structure check"),
        (lambda example: example.update(evidence=["04:commerce-wages"]), "fails the memo's own structure check"),
    ],
)
def test_a_broken_example_is_refused_with_a_clear_message(change, message):
    assert build_example_memos(load_data("memo.yaml"))
    with pytest.raises(DataError, match="^memo.yaml, record 'meets': .*" + re.escape(message)):
        build_example_memos(broken(change))


def test_example_html_shows_every_section_every_criterion_and_the_level():
    rubric = load_rubric("memo")
    for memo in EXAMPLES:
        html = example_memo_html(memo.id)
        assert all(section.title in html for section in TEMPLATE.sections)
        assert all(criterion.name in html for criterion in rubric.criteria)
        assert f"Example memo ({rubric.level(memo.level).label})" in html
        assert '<th scope="row">' in html and "<caption>" in html
    with pytest.raises(UnknownIdError, match="examples are meets, exceeds"):
        example_memo_html("outstanding")


def test_describe_evidence_lists_known_items_and_names_bad_input():
    from usvn.memo import describe_evidence

    lines = describe_evidence(["02:c87-delayed", "02:no-such-item", 7])
    assert lines[0].startswith("Lesson 02: As of May 2024")
    assert "'02:no-such-item' is not an id in the catalogue" in lines[1] and "7 is not an id" in lines[2]
    assert describe_evidence("02:c87-delayed") == [
        'Expected a list of evidence ids, such as ["02:c87-delayed"]; got str.'
    ]
