"""Authoring steps on notebooks built in memory."""

from __future__ import annotations

import copy

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from usvn.authoring import apply_generated_cells, cited_ids, notebook_from_percent
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
    assert roles == ["header", None, None, "sources", "navigation"]
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
