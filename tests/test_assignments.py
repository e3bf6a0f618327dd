"""Exercises and the student release are generated from solutions/, leak nothing, and nbgrader accepts the source."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import gradingkit as kit
import nbformat
import pytest
from conftest import ROOT

from usvn.assignments import generate_exercises, leaks, student_version
from usvn.grading.core import grade
from usvn.grading.sandbox import Limits
from usvn.grading.source import read_source
from usvn.grading.student import FOOTER, check_report

SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]-*.ipynb"))
LIMITS = Limits(cell_timeout=60, submission_timeout=180)


def test_solutions_are_found_and_each_has_an_exercise():
    assert SOLUTIONS, "no solutions/NN-*.ipynb found"
    assert [path.name for path in SOLUTIONS] == sorted(path.name for path in (ROOT / "exercises").glob("[0-9]*.ipynb"))


def test_committed_exercises_are_exactly_what_generate_writes(tmp_path):
    written = generate_exercises(ROOT / "solutions", tmp_path, progress=lambda line: None)
    assert written
    for path in written:
        committed = ROOT / "exercises" / path.name
        assert committed.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), (
            f"exercises/{path.name} is stale or hand-edited: run `usvn generate`"
        )


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda path: path.stem)
def test_no_solution_hidden_test_or_rubric_text_leaks(path):
    source = nbformat.read(path, as_version=4)
    spec = read_source(source)
    assert spec.auto_items and spec.manual_items, "each set mixes autograded and hand-graded items"
    exercise = (ROOT / "exercises" / path.name).read_text(encoding="utf-8")
    assert leaks(source, exercise) == []
    for item in spec.manual_items:
        assert item.rubric.strip() and item.rubric not in exercise and item.model_answer not in exercise


def test_the_leak_check_catches_a_leak():
    source = kit.source_notebook()
    leaked = nbformat.writes(student_version(source, "ps")) + 'same(count, 6, \\"count\\")'
    assert leaks(source, leaked)


def test_the_release_zip_is_reproducible(tmp_path):
    """The same checkout gives the same zip, byte for byte (the leak scan itself is in test_release.py)."""
    from usvn.authoring import release

    first, again = tmp_path / "student.zip", tmp_path / "again.zip"
    release(ROOT, out=first)
    release(ROOT, out=again)
    with zipfile.ZipFile(first) as opened:
        names = opened.namelist()
    assert any(name.endswith(".ipynb") and "/exercises/" in f"/{name}" for name in names), names
    assert first.read_bytes() == again.read_bytes(), "the release zip is reproducible"


def test_nbgrader_accepts_the_solutions_as_its_source(tmp_path):
    course = tmp_path / "course"
    for path in SOLUTIONS:
        (course / "source" / "ps").mkdir(parents=True, exist_ok=True)
        shutil.copy(path, course / "source" / "ps" / path.name)
    (course / "nbgrader_config.py").write_text(f"c = get_config()\nc.CourseDirectory.root = r'{course}'\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "nbgrader",
            "generate_assignment",
            "ps",
            "--force",
            f"--CourseDirectory.root={course}",
            f"--db=sqlite:///{tmp_path / 'gradebook.db'}",
        ],
        cwd=course,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"},
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    released = sorted((course / "release" / "ps").glob("*.ipynb"))
    assert [path.name for path in released] == [path.name for path in SOLUTIONS]
    for path in released:
        text = path.read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text


@pytest.fixture(scope="module")
def key_results(tmp_path_factory):
    """Each solution graded against itself (full marks) and its blank exercise (no marks), bwrap-isolated."""
    results = {}
    for path in SOLUTIONS:
        scratch = tmp_path_factory.mktemp("scratch")
        results[path.stem] = (
            grade(path, path, limits=LIMITS, scratch=scratch),
            grade(path, ROOT / "exercises" / path.name, limits=LIMITS, scratch=scratch),
        )
    return results


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda path: path.stem)
def test_each_solution_earns_every_automatic_point(key_results, path):
    solved, _ = key_results[path.stem]
    failed = [
        (item.grade_id, item.feedback) for item in solved.items if item.kind == "auto" and item.status != "passed"
    ]
    assert failed == [] and solved.status == "graded"


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda path: path.stem)
def test_a_blank_exercise_earns_nothing_and_is_told_why(key_results, path):
    _, blank = key_results[path.stem]
    assert blank.status == "graded" and blank.changes == ""
    assert all(item.points == 0 for item in blank.items)
    assert all(item.feedback for item in blank.items)


def test_check_your_work_names_what_is_wrong_without_the_answer(tmp_path):
    exercise = ROOT / "exercises" / SOLUTIONS[0].name
    notebook = nbformat.read(exercise, as_version=4)
    answer = next(cell for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("grade_id") == "q1")
    answer.source = 'printed_number = "42"'  # SOLUTIONS[0] is lesson 00's practice exercise
    nbformat.write(notebook, tmp_path / exercise.name)
    report, passed = check_report(tmp_path / exercise.name)
    assert not passed and FOOTER in report
    assert "`printed_number` should be a whole number (like 7), but it is text" in report
    assert "✎ q5" in report and "not answered yet" in report
    hidden = read_source(SOLUTIONS[0]).items[0].segments[-1].code
    assert hidden not in report


def test_the_check_cell_finds_the_saved_notebook_and_prints_the_report(tmp_path, monkeypatch, capsys):
    from usvn.grading.student import check_work

    exercise = ROOT / "exercises" / SOLUTIONS[0].name
    shutil.copy(exercise, tmp_path / exercise.name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    check_work(SOLUTIONS[0].stem)
    out = capsys.readouterr().out
    assert f"Checking {exercise.name}" in out and "✗ q1-test" in out and FOOTER in out
