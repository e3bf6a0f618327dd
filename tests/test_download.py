"""The "Download my work" button, headless: what the zip holds, an empty my-notes, an unreadable file."""

from __future__ import annotations

import os
import zipfile
from datetime import datetime
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell, new_notebook

from usvn.download import WORK_ZIP, DownloadWork, build_work_zip, collect_work, find_module_root

WHEN = datetime(2026, 11, 30, 17, 5)


def notebook_bytes(text: str) -> str:
    return nbformat.writes(new_notebook(cells=[new_markdown_cell(text)]))


@pytest.fixture
def module(tmp_path) -> Path:
    """A student's copy of the module after some work: edited lessons, an exercise, notes, and clutter."""
    root = tmp_path / "usvn"
    (root / "notebooks" / "my-notes").mkdir(parents=True)
    (root / "exercises").mkdir()
    (root / "src" / "usvn").mkdir(parents=True)
    (root / "notebooks" / "01-trace.ipynb").write_text(notebook_bytes("My edited lesson 01"))
    (root / "notebooks" / "02-weigh.ipynb").write_text(notebook_bytes("Lesson 02"))
    (root / "exercises" / "01-trace.ipynb").write_text(notebook_bytes("My answer: 1995"))
    (root / "notebooks" / "my-notes" / "05-memo.md").write_text("# My memo\n")
    (root / "notebooks" / "my-notes" / "03-argument-labor.md").write_text("Multilateral, because ...\n")
    (root / "notebooks" / ".ipynb_checkpoints").mkdir()
    (root / "notebooks" / ".ipynb_checkpoints" / "01-trace-checkpoint.ipynb").write_text("{}")
    (root / ".venv" / "lib").mkdir(parents=True)
    (root / ".venv" / "lib" / "x.ipynb").write_text("{}")
    (root / "src" / "usvn" / "data.py").write_text("# package code, not the student's work\n")
    return root


def read_zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_zip_holds_the_notebooks_and_notes_as_saved_and_nothing_else(module):
    result = build_work_zip(module, module / "notebooks" / WORK_ZIP, now=WHEN)
    files = read_zip(result.path)
    assert sorted(files) == [
        "ABOUT-THIS-ZIP.txt",
        "exercises/01-trace.ipynb",
        "notebooks/01-trace.ipynb",
        "notebooks/02-weigh.ipynb",
        "notebooks/my-notes/03-argument-labor.md",
        "notebooks/my-notes/05-memo.md",
    ]
    assert b"My edited lesson 01" in files["notebooks/01-trace.ipynb"]
    assert files["notebooks/my-notes/05-memo.md"] == b"# My memo\n"
    about = files["ABOUT-THIS-ZIP.txt"].decode()
    assert "2026-11-30 at 17:05" in about and "notebooks/my-notes/05-memo.md" in about
    assert result.skipped == [] and "Left out" not in about


def test_a_second_click_replaces_the_zip_and_never_zips_the_zip(module):
    out = module / "notebooks" / WORK_ZIP
    build_work_zip(module, out, now=WHEN)
    (module / "notebooks" / "my-notes" / "new.md").write_text("later note")
    second = build_work_zip(module, out, now=WHEN)
    files = read_zip(out)
    assert "notebooks/my-notes/new.md" in files
    assert not any(name.endswith(".zip") for name in files)
    assert not [path for path in out.parent.iterdir() if path.name.endswith(".partial")]
    assert second.included == sorted(second.included)


def test_an_empty_or_missing_my_notes_still_gives_the_notebooks_and_says_so(module):
    for note in (module / "notebooks" / "my-notes").iterdir():
        note.unlink()
    widget = DownloadWork(folder=module / "notebooks")
    result = widget.build(now=WHEN)
    assert result.notes == [] and len(result.notebooks) == 3
    text = widget.feedback.outputs[0]["data"]["text/plain"]
    assert text == "Your zip is ready: 3 notebooks and 0 files from my-notes. Nothing is saved in my-notes yet."
    assert "(none yet" in read_zip(result.path)["ABOUT-THIS-ZIP.txt"].decode()
    (module / "notebooks" / "my-notes").rmdir()
    assert DownloadWork(folder=module / "notebooks").build(now=WHEN).notes == []


def test_an_unreadable_file_is_skipped_with_a_note_and_the_rest_is_zipped(module, monkeypatch):
    locked = module / "notebooks" / "my-notes" / "05-memo.md"
    if os.geteuid() == 0:  # root reads any file whatever its mode: make this one fail as it would for a student
        real = Path.read_bytes

        def read_bytes(self):
            if self == locked:
                raise PermissionError(13, "Permission denied")
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
    else:
        locked.chmod(0)
    (module / "notebooks" / "my-notes" / "gone.md").symlink_to(module / "nowhere.md")  # a dangling link
    widget = DownloadWork(folder=module / "notebooks")
    result = widget.build(now=WHEN)
    assert ("notebooks/my-notes/05-memo.md", "Permission denied") in result.skipped
    assert [name for name, _ in result.skipped] == ["notebooks/my-notes/05-memo.md", "notebooks/my-notes/gone.md"]
    files = read_zip(result.path)
    assert "notebooks/my-notes/05-memo.md" not in files and "notebooks/my-notes/03-argument-labor.md" in files
    assert "notebooks/my-notes/05-memo.md: Permission denied" in files["ABOUT-THIS-ZIP.txt"].decode()
    text = widget.feedback.outputs[0]["data"]["text/plain"]
    assert "Left out, could not be read: notebooks/my-notes/05-memo.md (Permission denied)" in text
    locked.chmod(0o644)
    assert locked.read_text() == "# My memo\n", "the unreadable file itself must not be touched"


def test_the_button_offers_a_download_link_to_the_zip_beside_the_notebook(module):
    widget = DownloadWork(folder=module / "notebooks")
    assert widget.button.description == "Download my work" and widget.root == module
    widget.button.click()
    html = widget.feedback.outputs[0]["data"]["text/html"]
    assert 'role="alert"' in html
    assert f'href="{WORK_ZIP}"' in html and 'download="usvn-my-work-' in html
    assert (module / "notebooks" / WORK_ZIP).is_file()


def test_a_folder_that_cannot_be_written_is_reported_and_nothing_is_lost(module, monkeypatch):
    import usvn.download as download

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(download.tempfile, "mkstemp", refuse)
    widget = DownloadWork(folder=module / "notebooks")
    assert widget.build(now=WHEN) is None
    text = widget.feedback.outputs[0]["data"]["text/plain"]
    assert text.startswith("Could not write the zip") and "File, then Download" in text
    assert (module / "notebooks" / "my-notes" / "05-memo.md").read_text() == "# My memo\n"


def test_the_module_root_is_found_from_the_lesson_and_exercise_folders(module, tmp_path):
    assert find_module_root(module / "notebooks") == module
    assert find_module_root(module / "exercises") == module
    loose = tmp_path / "elsewhere"
    loose.mkdir()
    assert find_module_root(loose) == loose
    (loose / "copy.ipynb").write_text("{}")
    assert collect_work(loose) == [loose / "copy.ipynb"]
