"""`usvn new-lesson`: a new lesson gets every file the suite expects, marked to write, and passes once written."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from conftest import ROOT

from usvn.cli import main
from usvn.data import schema_errors
from usvn.grading.source import read_source
from usvn.scaffold import (
    PLACEHOLDER,
    _insert_entry,
    lesson_notebook,
    lessons_entry,
    quiz_bank,
    solution_notebook,
    unfinished,
)

STEM = "06-compare-trade-deals"


def test_no_lesson_is_left_unfinished():
    assert unfinished(ROOT) == [], f"write every '{PLACEHOLDER}' part (CONTRIBUTING.md, 'Adding a lesson')"


def test_a_taken_number_or_slug_or_a_bad_slug_is_refused_and_nothing_is_written():
    registry = (ROOT / "src/usvn/data/lessons.yaml").read_bytes()
    with pytest.raises(SystemExit, match=r"lesson 05 exists already \(.*05-write-a-policy-memo.*\); pick a free"):
        main(["new-lesson", "5", "another-memo", "--root", str(ROOT)])
    with pytest.raises(SystemExit, match="the slug 'write-a-policy-memo' is taken by lesson 05-write-a-policy-memo"):
        main(["new-lesson", "7", "write-a-policy-memo", "--root", str(ROOT)])
    with pytest.raises(SystemExit, match="'Memo_Two' is not a slug"):
        main(["new-lesson", "7", "Memo_Two", "--root", str(ROOT)])
    assert (ROOT / "src/usvn/data/lessons.yaml").read_bytes() == registry
    assert not list((ROOT / "notebooks").glob("07-*")) and not list((ROOT / "solutions").glob("07-*"))


def test_a_checkout_the_package_is_not_installed_from_is_refused(tmp_path):
    (tmp_path / "src/usvn/data").mkdir(parents=True)
    shutil.copy(ROOT / "src/usvn/data/lessons.yaml", tmp_path / "src/usvn/data/lessons.yaml")
    with pytest.raises(SystemExit, match="installed from"):
        main(["new-lesson", "6", "compare-trade-deals", "--root", str(tmp_path)])
    assert not (tmp_path / "notebooks").exists()


def test_the_registry_entry_goes_in_number_order_and_keeps_the_comments():
    text = "# The learning path.\nlessons:\n  - number: 0\n    stem: 00-a\n  - number: 2\n    stem: 02-b\n"
    new = _insert_entry(text, 1, lessons_entry(1, "01-x", "X", 30))
    assert new.startswith("# The learning path.\n")
    assert [record["number"] for record in yaml.safe_load(new)["lessons"]] == [0, 1, 2]
    last = _insert_entry(text, 6, lessons_entry(6, "06-x", "X", 30))
    assert [record["number"] for record in yaml.safe_load(last)["lessons"]] == [0, 2, 6]


def test_the_skeleton_has_the_shape_the_schemas_and_the_grader_accept():
    entry = yaml.safe_load("lessons:\n" + lessons_entry(6, STEM, "Compare trade deals", 45))
    assert schema_errors(entry, "lessons") == []
    bank = yaml.safe_load(quiz_bank(6))
    assert schema_errors(bank, "quiz") == [] and len(bank["questions"]) >= 8
    spec = read_source(solution_notebook(6, "Compare trade deals"))
    assert spec.auto_items and spec.manual_items
    markdown = "\n".join(cell.source for cell in lesson_notebook(6, "Compare trade deals").cells)
    headings = ["## What you'll do", "## What you'll learn", "## What you'll need", "## Check your understanding"]
    assert [markdown.find(heading) for heading in headings] == sorted(markdown.find(h) for h in headings) != -1


# --------------------------------------------------------------------------- a whole lesson, in a copy


OBJECTIVES = {
    "06-a": "Name the labor commitments Vietnam made in two trade agreements and say when each took effect.",
    "06-b": "Compare how the two agreements check those commitments, citing a source for each.",
}
#: What the writer puts in place of each kind of mark (by how the mark begins); anything else gets FILLER.
WRITING = {
    "the answer": "2019",
    "the first section's heading": "Two agreements, one labor code",
    "short paragraphs": "Vietnam revised its Labor Code in 2019 ([Tran](#src-tran-2021)).",
    "a model answer": "The side letter set deadlines for the union rules, while the other agreement relied on review.",
    "what earns it": "names a commitment and the year it took effect",
    "keep the objectives": "",
}
FILLER = (
    "A sentence of the new lesson's content, written for this check, with enough words to count as a real "
    "paragraph for every test that counts them."
)


def _write(phrase: str) -> str:
    for objective, text in OBJECTIVES.items():
        if phrase.startswith(f"objective {objective}"):
            return text
    return next((text for start, text in WRITING.items() if phrase.startswith(start)), FILLER)


def _fill(text: str, *, stop: str) -> str:
    return re.sub(rf"{re.escape(PLACEHOLDER)} ?([^{stop}]*)", lambda match: _write(match[1]), text)


def write_the_lesson(copy: Path) -> None:
    """What a writer does: replace every mark with content (the same objectives in the registry and notebook)."""
    for name in ("src/usvn/data/lessons.yaml", "src/usvn/data/quiz-06.yaml"):
        path = copy / name
        text = _fill(path.read_text(encoding="utf-8"), stop='"\\n')
        path.write_text(text.replace("to-write-a-source-id-from-sources-yaml", "tran-2021"), encoding="utf-8")
    for folder in ("notebooks", "solutions"):
        path = copy / folder / f"{STEM}.ipynb"
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            stop = "\\n" if cell.cell_type == "markdown" else '"\\n'
            cell.source = re.sub(r"\n{2,}\Z|^\n", "", _fill(cell.source, stop=stop).replace("\n\n\n", "\n\n"))
        nbformat.write(notebook, path)
    page = copy / "docs/instructor" / f"{STEM}.md"
    page.write_text(_fill(page.read_text(encoding="utf-8"), stop="\\n"), encoding="utf-8")


def _copy_of_the_module(target: Path) -> Path:
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listing.split("\0")):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


def test_a_scaffolded_lesson_passes_the_suite_once_written(tmp_path):
    copy = _copy_of_the_module(tmp_path / "module")
    (tmp_path / "notes").mkdir()
    # The copy's own package (and data) in every process started here, kernels included.
    env = {**os.environ, "PYTHONPATH": str(copy / "src"), "USVN_NOTES_DIR": str(tmp_path / "notes")}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, *args], cwd=copy, env=env, capture_output=True, text=True, timeout=900)

    started = run("-m", "usvn.cli", "new-lesson", "6", "compare-trade-deals", "--minutes", "45")
    assert started.returncode == 0, started.stderr
    assert f"lesson {STEM} started" in started.stdout
    assert unfinished(copy) == [
        f"notebooks/{STEM}.ipynb",
        f"solutions/{STEM}.ipynb",
        "src/usvn/data/lessons.yaml",
        "src/usvn/data/quiz-06.yaml",
    ]
    assert f'"{STEM}": ("quiz",)' in (copy / "tests/browser/lessons.py").read_text(encoding="utf-8")
    assert (copy / "exercises" / f"{STEM}.ipynb").is_file()
    assert "[Compare trade deals](notebooks/06-compare-trade-deals.ipynb) | 45 min" in (copy / "README.md").read_text()
    again = run("-m", "usvn.cli", "new-lesson", "6", "another-slug")
    assert again.returncode != 0 and "lesson 06 exists already" in again.stderr

    write_the_lesson(copy)
    assert unfinished(copy) == []
    for step in (
        ("refresh", f"notebooks/{STEM}.ipynb", f"solutions/{STEM}.ipynb"),
        ("generate",),
        ("guide",),
    ):
        done = run("-m", "usvn.cli", *step)
        assert done.returncode == 0, f"usvn {' '.join(step)}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"

    suite = run(
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-m",
        "not slow",
        "tests/test_data.py",
        "tests/test_notebooks.py",
        "tests/test_quiz_model.py",
        "tests/test_quiz_widgets.py",
        "tests/test_assessment_coverage.py",
        "tests/test_guide.py",
        "tests/test_assignments.py",
        "tests/test_cli.py",
        "tests/test_scaffold.py::test_no_lesson_is_left_unfinished",
        f"notebooks/{STEM}.ipynb",
        f"solutions/{STEM}.ipynb",
        "--nbval",
        "--nbval-sanitize-with",
        "tests/nbval-sanitize.cfg",
        f"--junitxml={tmp_path / 'report.xml'}",
    )
    assert suite.returncode == 0, suite.stdout[-6000:]
    report = (tmp_path / "report.xml").read_text(encoding="utf-8")
    for ran in (f"{STEM}.ipynb", f"[{STEM}]", "quiz-06", "test_every_lesson_has_a_finished_instructor_page"):
        assert ran in report, f"the run checked nothing named {ran}"
