"""Shared fixtures. Paths are found from this file, never from the working directory."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Widgets save to $USVN_NOTES_DIR (usvn.notes): tests, and the kernels nbval starts, never read or write a real
# student's my-notes/ folder. Each test gets its own empty folder (below); this one covers notebook kernels.
os.environ["USVN_NOTES_DIR"] = tempfile.mkdtemp(prefix="usvn-notes-")


@pytest.fixture(autouse=True)
def notes_dir(tmp_path, monkeypatch) -> Path:
    """An empty notes folder for this test, used by every widget that is not given one."""
    folder = tmp_path / "my-notes"
    monkeypatch.setenv("USVN_NOTES_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT
