"""Every lesson in a real JupyterLab, in Chromium: runs clean, widgets render and respond, figures keep alt text,
and axe-core finds no serious or critical problem in the module's own content.

Tests run in file order on one open page per lesson: the axe run comes after the interactions, so the
feedback they produce is checked too.
"""

from __future__ import annotations

import pytest

from browser.lab import AXE_IMPACTS_THAT_FAIL, ROOT, format_findings, record_axe, run_axe, split_findings
from browser.lessons import INTERACTIONS, LESSONS, uncovered_widget_cells
from usvn.data import load_lessons

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
NUMBERS = {lesson.stem: lesson.number for lesson in load_lessons()}
STEMS = list(LESSONS)
CASES = [(stem, interaction) for stem, interactions in LESSONS.items() for interaction in interactions]


def test_every_lesson_is_listed_and_every_widget_has_an_interaction():
    assert NOTEBOOKS, "no lesson notebooks found in notebooks/"
    assert sorted(LESSONS) == [path.stem for path in NOTEBOOKS], (
        "add each lesson in notebooks/ to LESSONS in tests/browser/lessons.py (and only those)"
    )
    for stem, interactions in LESSONS.items():
        unknown = set(interactions) - set(INTERACTIONS)
        assert not unknown, f"{stem}: no interaction named {unknown} in tests/browser/lessons.py"
        uncovered = uncovered_widget_cells(ROOT / "notebooks" / f"{stem}.ipynb", interactions)
        assert not uncovered, (
            f"{stem} shows widgets that no browser interaction exercises; add one in "
            f"tests/browser/lessons.py:\n" + "\n".join(uncovered)
        )


@pytest.mark.parametrize("stem", STEMS)
def test_runs_clean_in_jupyterlab(lesson_page, stem):
    notebook = lesson_page(stem)
    problems = notebook.problems()
    assert not problems, "\n".join(map(str, problems))
    notebook.screenshot()


@pytest.mark.parametrize("stem", STEMS)
def test_every_image_in_jupyterlab_has_alt_text(lesson_page, stem):
    images = lesson_page(stem).images()
    missing = [image for image in images if not (image["alt"] or "").strip()]
    assert not missing, f"images without alt text in JupyterLab: {missing}"
    if any("TimelineExplorer(" in source or "timeline_chart(" in source for source in lesson_page(stem).code_sources()):
        assert images, "this lesson draws a timeline, but the page shows no image"


@pytest.mark.parametrize("stem, interaction", CASES, ids=[f"{stem}-{name}" for stem, name in CASES])
def test_widgets_respond_in_the_page(lesson_page, stem, interaction):
    notebook = lesson_page(stem)
    INTERACTIONS[interaction].run(notebook, NUMBERS[stem])
    problems = notebook.problems()
    assert not problems, "\n".join(map(str, problems))


@pytest.mark.parametrize("stem", STEMS)
def test_axe_finds_nothing_serious_in_our_content(lesson_page, axe_source, stem, record_property):
    notebook = lesson_page(stem)
    ours, jupyterlab = split_findings(run_axe(notebook.page, axe_source))
    record_axe(f"jupyterlab-{stem}", ours, jupyterlab, "jupyterlab's own UI")
    record_property("axe_ours", len(ours))
    record_property("axe_jupyterlab", len(jupyterlab))
    failing = [finding for finding in ours if finding["impact"] in AXE_IMPACTS_THAT_FAIL]
    assert not failing, f"axe: serious or critical findings in {stem}'s content:\n{format_findings(failing)}"
