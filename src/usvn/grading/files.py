"""Files a grading run writes: atomically, under names of the students' own, behind one lock per folder."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import time
import unicodedata
from pathlib import Path

__all__ = ["atomic_write", "output_lock", "output_name", "printable"]


def atomic_write(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder and rename it over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name[:60]}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def printable(name: str) -> str:
    """A file name as text that can be written anywhere (bytes that are not UTF-8 become U+FFFD), NFC."""
    raw = os.fsencode(name)
    text = raw.decode("utf-8", errors="replace")
    text = "".join(char if char.isprintable() else "\ufffd" for char in text)
    return unicodedata.normalize("NFC", text)


def output_name(student: str) -> str:
    """A file name of the student's own: readable in any script, never shared by two different students.

    >>> output_name("carol"), output_name("Trần Thị Bình") != output_name("Trần Thị Bính")
    ('carol', True)
    >>> output_name("-rf *")[:3]
    'rf-'
    """
    student = unicodedata.normalize("NFC", student)
    slug = re.sub(r"[^\w.-]+", "_", student, flags=re.UNICODE)
    slug = re.sub(r"^[^\w]+|[._-]+$", "", slug)[:60] or "student"
    if slug == student and slug.isascii() and slug == slug.lower():
        return slug
    return f"{slug}-{hashlib.sha256(student.encode('utf-8')).hexdigest()[:8]}"


@contextlib.contextmanager
def output_lock(out: Path):
    """Hold ``OUT/.lock`` for the whole run; a second run on the same folder is refused, naming the first."""
    import fcntl

    out.mkdir(parents=True, exist_ok=True)
    handle = open(out / ".lock", "a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise RuntimeError(
                f"{out} is in use by another grading run ({holder}); wait for it to finish, "
                "or grade into another --out folder."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}")
        handle.flush()
        yield
    finally:
        handle.close()
