"""The memo: its evidence catalogue, the structure check, and a draft that survives on disk."""

from __future__ import annotations

import pytest

from usvn.data import load_sources
from usvn.memo import (MemoDraft, check_memo, evidence_catalogue, load_memo_template, memo_from_markdown,
                       memo_to_markdown, read_draft, save_draft)
from usvn.widgets.memo import MemoEditor

TEMPLATE = load_memo_template()
EVIDENCE = ("01:2023-comprehensive-strategic-partnership", "04:wages-commerce", "02:c87-delayed")


def said(view):
    """The one feedback output a view shows: (plain text, HTML)."""
    (output,) = view.output.outputs
    return output["data"]["text/plain"], output["data"]["text/html"]


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
