"""Authoring steps on notebooks built in memory."""

from __future__ import annotations

import copy

import nbformat
import pytest
from conftest import ROOT
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from usvn.authoring import INSTRUCTOR_TAG, apply_generated_cells, cited_ids, notebook_from_percent
from usvn.data import DataError


def lesson_notebook():
    cell = new_code_cell("show()", execution_count=1)
    cell.outputs = [new_output("display_data", data={"text/html": '<a href="#src-project88-2024">P</a>'})]
    return new_notebook(cells=[new_markdown_cell("Intro citing [Tran 2021](#src-tran-2021)."), cell])


def test_citations_are_collected_from_markdown_and_outputs_in_order():
    assert cited_ids(lesson_notebook()) == ["tran-2021", "project88-2024"]


def test_generated_cells_frame_the_lesson_and_are_idempotent():
    once = apply_generated_cells(lesson_notebook(), "01-trace-us-vietnam-relations")
    roles = [cell.metadata.get("usvn", {}).get("generated") for cell in once.cells]
    assert roles == ["header", None, None, "sources", "download", "navigation"]
    assert "download_button()" in once.cells[4].source and once.cells[4].cell_type == "code"
    sources = once.cells[3].source
    assert 'id="src-tran-2021"' in sources and 'id="src-project88-2024"' in sources
    assert "00 How to use this module" in once.cells[-1].source
    twice = apply_generated_cells(copy.deepcopy(once), "01-trace-us-vietnam-relations")
    assert [cell.source for cell in twice.cells] == [cell.source for cell in once.cells]
    assert [cell.id for cell in twice.cells] == [cell.id for cell in once.cells]


def test_an_unregistered_citation_stops_generation():
    notebook = new_notebook(cells=[new_markdown_cell("See [x](#src-invented-source).")])
    with pytest.raises(DataError, match="invented-source"):
        apply_generated_cells(notebook, "01-trace-us-vietnam-relations")


def test_an_unknown_lesson_stem_is_refused():
    with pytest.raises(DataError, match="lessons.yaml"):
        apply_generated_cells(new_notebook(), "99-no-such-lesson")


def test_percent_text_becomes_cells_with_tags_and_stable_ids():
    notebook = notebook_from_percent(
        "# %% [markdown]\n# ## What you'll do\n# Read.\n# %%\nfrom usvn import load_quiz\n"
        "# %% tags=['nbval-ignore-output']\nshow_quiz(1)\n"
    )
    assert [cell.cell_type for cell in notebook.cells] == ["markdown", "code", "code"]
    assert notebook.cells[0].source == "## What you'll do\nRead."
    assert notebook.cells[2].metadata["tags"] == ["nbval-ignore-output"]
    assert [cell.id for cell in notebook.cells] == ["cell-000", "cell-001", "cell-002"]


def test_an_executed_download_cell_keeps_its_outputs_when_regenerated():
    once = apply_generated_cells(lesson_notebook(), "01-trace-us-vietnam-relations")
    button = next(cell for cell in once.cells if cell.metadata.get("usvn", {}).get("generated") == "download")
    button.execution_count = 2
    button.outputs = [new_output("display_data", data={"text/plain": "[Download my work]"})]
    twice = apply_generated_cells(copy.deepcopy(once), "01-trace-us-vietnam-relations")
    again = next(cell for cell in twice.cells if cell.metadata.get("usvn", {}).get("generated") == "download")
    assert again.execution_count == 2 and again.outputs == button.outputs
    assert sum(cell.metadata.get("usvn", {}).get("generated") == "download" for cell in twice.cells) == 1


def test_a_solution_notebook_gets_no_download_button():
    notebook = lesson_notebook()
    notebook.cells[1].metadata["nbgrader"] = {"grade_id": "q1", "solution": True, "grade": False, "locked": False}
    roles = [
        cell.metadata.get("usvn", {}).get("generated")
        for cell in apply_generated_cells(notebook, "01-trace-us-vietnam-relations").cells
    ]
    assert "download" not in roles and roles[-1] == "navigation"


def _quiz_lesson(label: str | None):
    cells = [new_markdown_cell("Intro."), new_code_cell("show_quiz(1)")]
    if label is not None:
        cells.append(new_markdown_cell(label))
    cells += [new_code_cell("print(load_quiz(1).key_check())"), new_markdown_cell("## Discuss")]
    return new_notebook(cells=cells)


def _hidden(cell) -> bool:
    return cell.metadata.get("jupyter", {}).get("source_hidden") is True


def test_a_labelled_key_check_cell_is_folded_and_tagged_with_its_label_and_nothing_else():
    notebook = apply_generated_cells(
        _quiz_lesson("For instructors: this line checks the answer key without showing it."),
        "01-trace-us-vietnam-relations",
    )
    tagged = [cell for cell in notebook.cells if INSTRUCTOR_TAG in cell.metadata.get("tags", [])]
    assert [cell.source for cell in tagged] == [
        "For instructors: this line checks the answer key without showing it.",
        "print(load_quiz(1).key_check())",
    ]
    assert _hidden(tagged[1]) and tagged[1].metadata["jupyter"]["outputs_hidden"] is True
    others = [cell for cell in notebook.cells if cell not in tagged]
    assert not any(_hidden(cell) or cell.metadata.get("tags") for cell in others)
    assert len(notebook.cells) == 1 + 5 + 2  # header, the five cells, download button, navigation


def test_an_unlabelled_key_check_cell_gets_a_generated_label_once():
    once = apply_generated_cells(_quiz_lesson(None), "01-trace-us-vietnam-relations")
    twice = apply_generated_cells(copy.deepcopy(once), "01-trace-us-vietnam-relations")
    for notebook in (once, twice):
        index = next(i for i, cell in enumerate(notebook.cells) if "key_check" in cell.source)
        label = notebook.cells[index - 1]
        assert label.source.startswith("For instructors") and label.metadata["usvn"]["generated"] == "instructor-label"
        assert INSTRUCTOR_TAG in label.metadata["tags"] and _hidden(notebook.cells[index])
    assert [cell.source for cell in twice.cells] == [cell.source for cell in once.cells]
    assert [cell.id for cell in twice.cells] == [cell.id for cell in once.cells]


def test_a_longer_paragraph_that_names_instructors_labels_the_cell_but_stays_visible():
    paragraph = "Try the quiz first.\n\nThe next cell is for instructors and maintainers."
    notebook = apply_generated_cells(_quiz_lesson(paragraph), "01-trace-us-vietnam-relations")
    cell = next(cell for cell in notebook.cells if cell.source == paragraph)
    assert "tags" not in cell.metadata
    assert not any(c.metadata.get("usvn", {}).get("generated") == "instructor-label" for c in notebook.cells)


def test_every_lesson_key_check_cell_is_marked_once_refreshed():
    """The stored lessons after `usvn refresh`: each key-check cell folded, tagged and labelled."""
    lessons = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    assert lessons
    checks = 0
    for path in lessons:
        notebook = apply_generated_cells(nbformat.read(path, as_version=4), path.stem)
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "code" and "key_check()" in cell.source:
                checks += 1
                assert _hidden(cell) and INSTRUCTOR_TAG in cell.metadata["tags"], path.name
                assert "for instructors" in notebook.cells[index - 1].source.lower(), path.name
    assert checks >= len(lessons)
