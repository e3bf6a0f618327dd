"""Lesson notebooks: present, stored executed, structured alike, figures with alt text, generated cells current."""

from __future__ import annotations

import copy
import re

import nbformat
import pytest
from conftest import ROOT

from usvn.authoring import apply_generated_cells
from usvn.data import load_lessons

LESSONS = load_lessons()
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: Lessons, solutions and generated exercises: every notebook a reader may open (the browser tests check the
#: rendered pages: tests/browser).
ALL_NOTEBOOKS = NOTEBOOKS + sorted((ROOT / "solutions").glob("*.ipynb")) + sorted((ROOT / "exercises").glob("*.ipynb"))
OPENING = ("## What you'll do", "## What you'll learn", "## What you'll need")
CLOSING = ("## Check your understanding", "## Discuss", "## Sources")


def read(path):
    return nbformat.read(path, as_version=4)


def test_notebooks_are_found():
    assert len(NOTEBOOKS) >= 2


def test_notebooks_and_the_learning_path_match():
    assert [path.stem for path in NOTEBOOKS] == [lesson.stem for lesson in LESSONS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_stored_executed_from_a_fresh_kernel(path):
    code = [cell for cell in read(path).cells if cell.cell_type == "code" and cell.source.strip()]
    counts = [cell.execution_count for cell in code]
    assert None not in counts, "store the notebook executed (make notebooks), or nbval compares nothing"
    assert counts == list(range(1, len(code) + 1)), "run top to bottom after a restart"
    for cell in code:
        assert not any(output.get("output_type") == "error" for output in cell.outputs)


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_every_image_carries_alt_text(path):
    images = 0
    for cell in read(path).cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            assert not ({"image/png", "image/jpeg", "image/svg+xml"} & set(data)), (
                f"raw image output in {path.name}: render figures with usvn.display.FigureOutput"
            )
            for tag in re.findall(r"<img\b[^>]*>", str(data.get("text/html", ""))):
                images += 1
                alt = re.search(r'alt="([^"]*)"', tag)
                assert alt and len(alt[1]) >= 40, f"figure without a real alt text in {path.name}: {tag[:80]}"
    if path.parent.name == "notebooks" and path.stem.startswith("01"):
        assert images >= 1


@pytest.mark.parametrize("path", [path for path in NOTEBOOKS if not path.stem.startswith("00")], ids=lambda p: p.stem)
def test_lessons_open_and_close_with_the_shared_headings(path):
    markdown = "\n".join(cell.source for cell in read(path).cells if cell.cell_type == "markdown")
    positions = [markdown.find(heading) for heading in OPENING + CLOSING]
    assert -1 not in positions, [h for h, p in zip(OPENING + CLOSING, positions) if p == -1]
    assert positions == sorted(positions)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_first_code_cell_imports_from_the_package_only_and_no_cell_opens_files(path):
    code = [cell.source for cell in read(path).cells if cell.cell_type == "code"]
    imports = [line for line in code[0].splitlines() if line.strip()]
    assert imports and all(re.match(r"from usvn(\.\w+)* import ", line) for line in imports), imports
    for source in code:
        assert "open(" not in source and "read_csv(" not in source
        assert len(source.splitlines()) <= 6, f"code cells stay short (1-6 lines):\n{source}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_every_quiz_has_a_key_check_cell(path):
    sources = [cell.source for cell in read(path).cells if cell.cell_type == "code"]
    shown = {int(n) for source in sources for n in re.findall(r"show_quiz\((\d+)\)", source)}
    assert shown, f"{path.name} shows no quiz: every lesson ends with its self-check quiz"
    for number in shown:
        assert any(f"load_quiz({number}).key_check()" in source for source in sources), path.name


SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS + SOLUTIONS, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_generated_cells_are_current(path):
    stored = read(path)
    regenerated = apply_generated_cells(copy.deepcopy(stored), path.stem)
    assert [cell.source for cell in regenerated.cells] == [cell.source for cell in stored.cells], (
        "run `make notebooks` to refresh the header, sources and navigation cells"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_no_widget_state_or_random_ids_are_stored(path):
    notebook = read(path)
    assert "widgets" not in notebook.metadata
    text = path.read_text()
    assert not re.search(r"0x[0-9a-f]{8,}", text)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.stem)
def test_stated_objectives_match_the_learning_path(lesson):
    markdown = "\n".join(
        cell.source for cell in read(ROOT / "notebooks" / lesson.notebook).cells if cell.cell_type == "markdown"
    )
    section = markdown.split("## What you'll learn", 1)[1].split("## What you'll need", 1)[0]
    stated = [line[2:].strip() for line in section.splitlines() if line.startswith("- ")]
    assert stated == [objective.text for objective in lesson.objectives]
