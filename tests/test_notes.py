"""The notes store (usvn.notes): one JSON format, atomic writes, unreadable files never overwritten."""

from __future__ import annotations

import json
import os

import pytest

import usvn.notes as notes
from usvn.notes import FORMAT, VERSION, NoteFile, quiz_attempts, read_note


def test_a_note_round_trips_with_its_format_version_kind_and_time(tmp_path):
    note = NoteFile("02-claim-x", kind="claim", folder=tmp_path)
    assert note.load() == {} and note.message == ""
    assert note.save({"kind": "official statement", "rating": None})
    record = json.loads((tmp_path / "02-claim-x.json").read_text())
    assert record["format"] == FORMAT and record["version"] == VERSION and record["kind"] == "claim"
    assert record["saved"].endswith("+00:00")
    assert NoteFile("02-claim-x", kind="claim", folder=tmp_path).load() == {
        "kind": "official statement",
        "rating": None,
    }


def test_the_folder_defaults_to_the_environment_variable_then_my_notes(tmp_path, monkeypatch):
    monkeypatch.setenv("USVN_NOTES_DIR", str(tmp_path / "elsewhere"))
    assert NoteFile("a", kind="k").path == tmp_path / "elsewhere" / "a.json"
    monkeypatch.delenv("USVN_NOTES_DIR")
    assert NoteFile("a", kind="k").path == notes.DEFAULT_FOLDER / "a.json"


@pytest.mark.parametrize("name", ["", "../escape", "a/b", "with space", ".hidden"])
def test_a_note_name_cannot_leave_the_folder(tmp_path, name):
    with pytest.raises(ValueError, match="note name"):
        NoteFile(name, kind="k", folder=tmp_path)


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not text"),
        (b'["a list"]', "not a note saved by this module"),
        (b'{"format": "usvn-notes", "version": 99, "kind": "claim", "data": {}}', "newer version"),
        (b'{"format": "usvn-notes", "version": 1, "kind": "quiz", "data": {}}', "not a 'claim' one"),
        (b'{"format": "usvn-notes", "version": 1, "kind": "claim", "data": []}', "data is missing"),
    ],
)
def test_an_unreadable_file_is_left_untouched_and_work_goes_beside_it(tmp_path, content, reason):
    original = tmp_path / "02-claim-x.json"
    original.write_bytes(content)
    note = NoteFile("02-claim-x", kind="claim", folder=tmp_path)
    assert note.load() == {}
    assert reason in note.message and "left untouched" in note.message and "02-claim-x-2.json" in note.message
    assert note.save({"rating": "strong"})
    assert original.read_bytes() == content, "the unreadable file was overwritten"
    # Next time (a fresh kernel): the first readable file in the chain is loaded, and the student is told why.
    again = NoteFile("02-claim-x", kind="claim", folder=tmp_path)
    assert again.load() == {"rating": "strong"}
    assert again.path == tmp_path / "02-claim-x-2.json" and "Loaded your work from" in again.message
    assert original.read_bytes() == content


def test_a_failed_write_leaves_the_previous_file_whole_and_no_temporary_file(tmp_path, monkeypatch):
    note = NoteFile("04-margin", kind="margin", folder=tmp_path)
    note.load()
    assert note.save({"export_price": "40.00"})
    before = (tmp_path / "04-margin.json").read_bytes()

    def fail(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(notes.os, "replace", fail)
    assert not note.save({"export_price": "41.00"})
    assert "No space left on device" in note.message and "still here" in note.message
    assert (tmp_path / "04-margin.json").read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["04-margin.json"]


def test_a_folder_that_cannot_be_written_gets_a_clear_message(tmp_path):
    blocker = tmp_path / "my-notes"
    blocker.write_text("a file where the folder should be")
    note = NoteFile("01-timeline", kind="timeline", folder=blocker)
    assert note.load() == {}
    assert not note.save({"themes": []})
    assert "Could not save your work" in note.message and "copy them somewhere safe" in note.message
    assert blocker.read_text() == "a file where the folder should be"


def test_a_read_only_folder_gets_a_clear_message_and_the_saved_file_stays(tmp_path, monkeypatch):
    folder = tmp_path / "my-notes"
    note = NoteFile("01-timeline", kind="timeline", folder=folder)
    assert note.save({"themes": ["trade"]})
    before = (folder / "01-timeline.json").read_bytes()
    folder.chmod(0o500)
    if os.geteuid() == 0:  # root writes into read-only folders: refuse as the kernel would for anyone else

        def refuse(*_args, **_kwargs):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(notes.tempfile, "mkstemp", refuse)
    try:
        again = NoteFile("01-timeline", kind="timeline", folder=folder)
        assert again.load() == {"themes": ["trade"]}, "a read-only folder is still read"
        assert not again.save({"themes": ["security"]})
        assert "Permission denied" in again.message and "still here" in again.message
        assert (folder / "01-timeline.json").read_bytes() == before
    finally:
        folder.chmod(0o700)


def test_quiz_attempts_lists_every_saved_attempt_oldest_first_and_skips_unreadable_files(tmp_path):
    for question, attempts in (
        ("q-b", [("c", "correct", "2026-11-30T10:05:00+00:00")]),
        ("q-a", [("a", "incorrect", "2026-11-30T10:00:00+00:00"), ("b", "correct", "2026-11-30T10:01:00+00:00")]),
    ):
        note = NoteFile(f"03-quiz-{question}", kind="quiz", folder=tmp_path)
        note.save(
            {
                "lesson": 3,
                "question": question,
                "answer": attempts[-1][0],
                "attempts": [{"answer": a, "verdict": v, "time": t} for a, v, t in attempts],
            }
        )
    (tmp_path / "03-quiz-broken.json").write_text("{")
    NoteFile("04-quiz-other", kind="quiz", folder=tmp_path).save(
        {
            "lesson": 4,
            "question": "other",
            "answer": "x",
            "attempts": [{"answer": "x", "verdict": "correct", "time": "2026-11-30T09:00:00+00:00"}],
        }
    )
    listed = quiz_attempts(3, folder=tmp_path)
    assert [(item["question"], item["answer"], item["verdict"]) for item in listed] == [
        ("q-a", "a", "incorrect"),
        ("q-a", "b", "correct"),
        ("q-b", "c", "correct"),
    ]
    assert all(item["lesson"] == 3 for item in listed)
    assert len(quiz_attempts(folder=tmp_path)) == 4
    assert quiz_attempts(5, folder=tmp_path) == []


def test_read_note_rejects_a_version_it_does_not_know(tmp_path):
    path = tmp_path / "n.json"
    path.write_text(json.dumps({"format": FORMAT, "version": 0, "kind": "k", "data": {}}))
    with pytest.raises(notes.NoteError, match="version"):
        read_note(path)
