"""The student's saved work: one JSON file per widget in ``my-notes/`` beside the notebooks.

Every widget that takes input keeps it here as it changes and reads it back when its cell runs again, in a
fresh kernel too. One format for all of them::

    {"format": "usvn-notes", "version": 1, "kind": "claim", "saved": "2026-11-30T17:02:11+00:00",
     "data": {...what the widget keeps...}}

Writes are atomic (a temporary file in the same folder, then ``os.replace``), so a crash mid-write leaves the
old file whole. A file that cannot be read (corrupt JSON, another format, a newer version) is never
overwritten: the widget says so, starts fresh and saves beside it under a new name (``name-2.json``,
``name-3.json``...); next time the first readable file in that chain is loaded. A folder that cannot be
written gets a plain message, and the student's entries stay in the widget.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> note = NoteFile("02-claim-demo", kind="claim", folder=folder)
>>> note.load()
{}
>>> note.save({"rating": "strong"})
True
>>> NoteFile("02-claim-demo", kind="claim", folder=folder).load()
{'rating': 'strong'}
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_FOLDER",
    "FORMAT",
    "VERSION",
    "NoteFile",
    "NoteError",
    "notes_folder",
    "quiz_attempts",
    "read_note",
    "write_json_atomic",
    "write_text_atomic",
]

#: Beside the notebook: JupyterLab runs a notebook's kernel in the notebook's folder.
DEFAULT_FOLDER = Path("my-notes")
#: Set by the test suite, so tests and notebook runs never read or write a real student's notes.
FOLDER_VARIABLE = "USVN_NOTES_DIR"
FORMAT = "usvn-notes"
VERSION = 1
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,120}")
_MAX_ALTERNATIVES = 50


class NoteError(ValueError):
    """A saved file that is not a readable note of this module."""


def notes_folder() -> Path:
    """Where notes go: ``$USVN_NOTES_DIR`` if set, else ``my-notes`` in the working directory."""
    return Path(os.environ.get(FOLDER_VARIABLE) or DEFAULT_FOLDER)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def write_json_atomic(path: Path, payload: Any) -> None:
    """Write ``payload`` as JSON to ``path`` through a temporary file and ``os.replace``.

    Raises ``OSError`` if the folder cannot be written; the temporary file is then removed and ``path`` is
    unchanged.
    """
    write_text_atomic(path, json.dumps(payload, ensure_ascii=False, indent=1) + "\n")


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file in the same folder and ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def read_note(path: Path, kind: str | None = None) -> dict[str, Any]:
    """The whole saved record (format, version, kind, saved, data); ``NoteError`` or ``OSError`` if unreadable."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise NoteError("it is not text") from error
    except json.JSONDecodeError as error:
        raise NoteError(f"it is not valid JSON (line {error.lineno})") from error
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise NoteError("it is not a note saved by this module")
    version = record.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise NoteError("it has no valid version number")
    if version > VERSION:
        raise NoteError(f"it was saved by a newer version of the module (format {version}; this one reads {VERSION})")
    if kind is not None and record.get("kind") != kind:
        raise NoteError(f"it holds a {record.get('kind')!r} note, not a {kind!r} one")
    if not isinstance(record.get("data"), dict):
        raise NoteError("its data is missing")
    return record


class NoteFile:
    """The saved state of one widget: ``load()`` once when the widget is built, ``save(data)`` on each change.

    ``message`` holds what the student should be told (a file that could not be read, a save that failed),
    or ``""``. Nothing here raises on a bad file or folder: the widget shows ``message`` and carries on.
    """

    def __init__(self, name: str, kind: str, folder: Path | str | None = None) -> None:
        if not _NAME.fullmatch(name):
            raise ValueError(f"A note name is letters, digits, '.', '_' and '-' only, not {name!r}.")
        self.name, self.kind = name, kind
        self.folder = Path(folder) if folder is not None else notes_folder()
        self.path = self.folder / f"{name}.json"
        self.message = ""
        self.loaded_from: Path | None = None

    def _chain(self):
        yield self.folder / f"{self.name}.json"
        for number in range(2, _MAX_ALTERNATIVES + 1):
            yield self.folder / f"{self.name}-{number}.json"

    def load(self) -> dict[str, Any]:
        """The saved data, or ``{}``; picks the file later saves go to (never one it could not read)."""
        unreadable: list[str] = []
        self.message = ""
        for path in self._chain():
            try:
                if not path.exists():
                    self.path = path
                    break
                data = read_note(path, self.kind)["data"]
            except NoteError as error:
                unreadable.append(f"{path} ({error})")
                continue
            except OSError as error:
                unreadable.append(f"{path} ({error.strerror or error})")
                continue
            self.path, self.loaded_from = path, path
            if unreadable:
                self.message = (
                    f"Could not read {'; '.join(unreadable)}: left untouched. Loaded your work from {path} instead."
                )
            return data
        else:
            self.path = self.folder / f"{self.name}-recovered.json"
        if unreadable:
            self.message = (
                f"Could not read your saved work in {'; '.join(unreadable)}. That file is left "
                f"untouched; this starts fresh and saves to {self.path}."
            )
        return {}

    def save(self, data: dict[str, Any]) -> bool:
        """Write ``data`` atomically; on failure set ``message`` (the widget keeps the entries) and return False."""
        record = {"format": FORMAT, "version": VERSION, "kind": self.kind, "saved": _now(), "data": data}
        try:
            write_json_atomic(self.path, record)
        except OSError as error:
            self.message = (
                f"Could not save your work to {self.path} ({error.strerror or error}). Your entries "
                "are still here in the notebook: copy them somewhere safe before you close it."
            )
            return False
        self.message = ""
        return True


def quiz_attempts(lesson: int | None = None, folder: Path | str | None = None) -> list[dict[str, Any]]:
    """Every saved quiz attempt (lesson, question, answer, verdict, time), oldest first, for the student's review.

    Files that cannot be read are skipped here; the quiz itself reports them when it runs.
    """
    folder = Path(folder) if folder is not None else notes_folder()
    pattern = f"{lesson:02d}-quiz-*.json" if lesson is not None else "*-quiz-*.json"
    attempts = []
    for path in sorted(folder.glob(pattern)):
        try:
            data = read_note(path, "quiz")["data"]
        except (NoteError, OSError):
            continue
        for attempt in data.get("attempts", []):
            attempts.append({"lesson": data.get("lesson"), "question": data.get("question"), **attempt})
    return sorted(attempts, key=lambda attempt: str(attempt.get("time", "")))
