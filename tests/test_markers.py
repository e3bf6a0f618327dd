"""The markers a quick run selects by: each test gets the right one, and every test named slow exists."""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import SLOW_TESTS, TESTS, _marker


def item(path: Path, name: str, fixtures: tuple[str, ...] = ()) -> SimpleNamespace:
    return SimpleNamespace(path=path, name=f"{name}[x]", originalname=name, fixturenames=list(fixtures))


@pytest.mark.parametrize(
    ("test", "marker"),
    [
        (item(TESTS / "browser" / "test_site.py", "test_anything"), "browser"),
        (item(TESTS / "test_jupyterhub.py", "test_anything"), "hub"),
        (item(TESTS / "test_grading.py", "test_anything", ("batch", "tmp_path")), "slow"),
        (item(TESTS / "test_assignments.py", "test_nbgrader_accepts_the_solutions_as_its_source"), "slow"),
        (item(TESTS / "test_assignments.py", "test_the_leak_check_catches_a_leak", ("tmp_path",)), None),
        (item(TESTS.parent / "notebooks" / "01-trace-us-vietnam-relations.ipynb", "Cell 0"), None),
    ],
    ids=["browser", "hub", "class-grading-fixture", "named-slow", "quick", "nbval-cell"],
)
def test_each_test_gets_the_marker_for_what_it_starts(test, marker):
    assert _marker(test) == marker


def test_every_test_named_slow_exists():
    for file, names in SLOW_TESTS.items():
        tree = ast.parse((TESTS / file).read_text(encoding="utf-8"))
        defined = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
        assert names <= defined, f"tests/conftest.py names slow tests that {file} does not hold: {names - defined}"
