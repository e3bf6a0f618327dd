"""The glue between a widget and its saved note: load once, restore the controls, save on every change.

A widget builds a :class:`Autosave` with a function that collects its state as plain JSON data, restores its
controls from ``autosave.data``, then calls :meth:`Autosave.watch` on its controls. Problems (a saved file
that could not be read, a folder that cannot be written) are announced in the widget's own feedback area.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import traitlets

from usvn.display import announce
from usvn.notes import NoteFile

__all__ = ["Autosave", "restore_value"]


def restore_value(control, value: Any) -> bool:
    """Set ``control.value`` from saved data; nothing saved (``None``) or a value the control no longer accepts
    (the options changed since) leaves the control as built."""
    if value is None:
        return False
    try:
        control.value = value
    except (traitlets.TraitError, TypeError, ValueError):
        return False
    return True


class Autosave:
    """Keeps one widget's state in ``my-notes/<name>.json``."""

    def __init__(
        self, name: str, kind: str, collect: Callable[[], dict[str, Any]], output, folder: Path | str | None = None
    ) -> None:
        self.note = NoteFile(name, kind, folder)
        self.collect, self.output = collect, output
        self.data = self.note.load()
        self._muted = 0
        self.last_ok = True

    @property
    def path(self) -> Path:
        return self.note.path

    @property
    def problem(self) -> str:
        return self.note.message

    @contextmanager
    def muted(self):
        """Restoring controls fires their observers: save nothing meanwhile."""
        self._muted += 1
        try:
            yield
        finally:
            self._muted -= 1

    def report_load(self) -> None:
        """Announce a saved file that could not be read (after the widget is built)."""
        if self.note.message:
            announce(self.output, self.note.message)

    def watch(self, controls: Iterable) -> None:
        for control in controls:
            control.observe(lambda _change: self.save(), names="value")

    def save(self) -> bool:
        if self._muted:
            return True
        self.last_ok = self.note.save(self.collect())
        if not self.last_ok:
            announce(self.output, self.note.message)
        return self.last_ok
