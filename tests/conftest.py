"""Shared fixtures, and the markers that let a quick run leave out the browser, hub and slow tests.

Paths are found from this file, never from the working directory.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent

# Widgets save to $USVN_NOTES_DIR (usvn.notes): tests, and the kernels nbval starts, never read or write a real
# student's my-notes/ folder. Each test gets its own empty folder (below); this one covers notebook kernels.
os.environ["USVN_NOTES_DIR"] = tempfile.mkdtemp(prefix="usvn-notes-")

#: Fixtures that grade a whole class of submissions in sandboxed kernels: every test using one is `slow`.
CLASS_GRADING_FIXTURES = frozenset({"batch", "ordinary", "key_results"})
#: Tests that start many grading kernels (or one that runs for long) themselves, by file and name: `slow`.
SLOW_TESTS = {
    "test_assignments.py": {
        "test_nbgrader_accepts_the_solutions_as_its_source",  # nbgrader's own autograde of every solution
        "test_the_check_cell_finds_the_saved_notebook_and_prints_the_report",  # runs a whole exercise
    },
    "test_grading_safety.py": {
        "test_the_test_evaluation_has_its_own_time_and_memory_limits",  # waits out time and memory limits
    },
    "test_scaffold.py": {
        "test_a_scaffolded_lesson_passes_the_suite_once_written",  # a copy of the module, its kernels and tests
    },
}


def _marker(item: pytest.Item) -> str | None:
    path = Path(str(item.path)).resolve()
    if TESTS / "browser" in path.parents:
        return "browser"
    if path == TESTS / "test_jupyterhub.py":
        return "hub"
    if path.parent == TESTS and (
        CLASS_GRADING_FIXTURES & set(getattr(item, "fixturenames", ()))
        or getattr(item, "originalname", item.name) in SLOW_TESTS.get(path.name, ())
    ):
        return "slow"
    return None


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by these markers
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test `browser`, `hub` or `slow` by where it is and what it starts (see the lists above;
    tests/test_markers.py checks that every name listed is a test that exists)."""
    for item in items:
        marker = _marker(item)
        if marker:
            item.add_marker(marker)


@pytest.fixture(autouse=True)
def notes_dir(tmp_path, monkeypatch) -> Path:
    """An empty notes folder for this test, used by every widget that is not given one."""
    folder = tmp_path / "my-notes"
    monkeypatch.setenv("USVN_NOTES_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT
