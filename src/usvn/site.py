"""The static site: each lesson as an HTML page for readers without a kernel, and an index in learning-path order.

Built with nbconvert's HTML exporter (already installed with JupyterLab). The lessons are stored without widget
state, and nbconvert then shows each output's ``text/html`` instead of its widget view (its
``WidgetsDataTypeFilter`` skips a widget view whose model is not in the saved state). Every widget in the
package carries such a static fallback: a quiz shows each question with its answer and explanation folded in a
``<details>`` element, the timeline explorer shows its chart (with alt text) and event list as first drawn, and a
reflection shows its prompt with the module's notes folded. A note on each page says that interaction needs
JupyterLab or Binder, and links the lesson on Binder. Cells tagged ``remove-cell`` (the instructor-only key checks
and their labels) are left out.

>>> relink('[Next](01-trace-us-vietnam-relations.ipynb) and <a href="00-how-to-use-this-module.ipynb#top">')
'[Next](01-trace-us-vietnam-relations.html) and <a href="00-how-to-use-this-module.html#top">'
"""

from __future__ import annotations

import copy
import re
from html import escape
from importlib import resources
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbformat.v4 import new_markdown_cell, new_notebook

from usvn.authoring import INSTRUCTOR_TAG, binder_url, mark_instructor_cells
from usvn.course import NUMBER, Column, lesson_table
from usvn.data import DataError, Lesson, load_lessons

__all__ = ["MODULE_TITLE", "build_site", "index_html", "lesson_note", "relink"]

MODULE_TITLE = "US–Vietnam relations, leverage and market-economy status"
_LESSON_LINK = re.compile(r"(?<=[(\"'])(\d\d-[a-z0-9]+(?:-[a-z0-9]+)*)\.ipynb(?=[)\"'#])")


def relink(text: str) -> str:
    """Point links between lessons (``NN-name.ipynb``) at their pages (``NN-name.html``)."""
    return _LESSON_LINK.sub(r"\1.html", text)


def lesson_note(lesson: Lesson) -> str:
    """The note at the top of a lesson's page: what the static copy shows, and where to run the lesson."""
    binder = escape(binder_url(f"notebooks/{lesson.notebook}"))
    return (
        f"<p><strong>You are reading a static copy of lesson {lesson.number:02d}.</strong> "
        "Nothing here runs: each quiz question shows its answer folded (try the question first, then open "
        "<em>Show the answer</em>), the timeline shows every event as first drawn, and a reflection shows its "
        "prompt with the module's notes folded. "
        f"To answer the quizzes, filter the timeline and write your reflections, open the lesson in JupyterLab, "
        f'or <a href="{binder}">open lesson {lesson.number:02d} on Binder</a> (free; it takes a minute or two to '
        "start, and the session is deleted when it ends: press <em>Download my work</em> at the end of the lesson to "
        'keep your notes and notebooks). <a href="index.html">All lessons</a>.</p>'
    )


def index_html(lessons: tuple[Lesson, ...]) -> str:
    """The index: the lessons in learning-path order, each with its time, summary, objectives and Binder link."""

    def what_you_do(lesson: Lesson) -> str:
        objectives = "".join(f"<li>{escape(objective.text)}</li>" for objective in lesson.objectives)
        return f"<p>{escape(lesson.summary)}</p><p>After this lesson you can:</p><ul>{objectives}</ul>"

    def run_it(lesson: Lesson) -> str:
        return f'<a href="{escape(binder_url(f"notebooks/{lesson.notebook}"))}">Run lesson {lesson.number:02d} on Binder</a>'

    table = lesson_table(
        [
            NUMBER,
            Column("Lesson", lambda lesson: f'<a href="{lesson.stem}.html">{escape(lesson.title)}</a>'),
            Column("Time", lambda lesson: f"about {lesson.minutes} min"),
            Column("What you do", what_you_do),
            Column("Run it", run_it),
        ],
        html=True,
        caption="The lessons, in the order to take them",
        lessons=lessons,
        css_class="usvn-path",
    )
    return (
        f"<h1>{escape(MODULE_TITLE)}</h1>"
        "<p>A short course in notebooks on US–Vietnam relations since 1995, on multilateral and bilateral leverage, "
        "and on the US market-economy criteria. Take the lessons in this order.</p>"
        f"{table}"
    )


def _index_note() -> str:
    return (
        "<p><strong>These pages are static copies of the lessons</strong>, for reading without running anything. "
        "The quizzes, the timeline explorer and the reflections need a running notebook: open a lesson in "
        "JupyterLab, or use its Binder link below.</p>"
    )


def _static_copy(notebook: NotebookNode, title: str) -> NotebookNode:
    notebook = copy.deepcopy(notebook)
    notebook.cells = mark_instructor_cells(notebook.cells)  # tagged even where the stored copy predates the tags
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = relink(cell.source)
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html")
            if html is not None:
                output["data"]["text/html"] = relink("".join(html) if isinstance(html, list) else html)
    notebook.metadata["title"] = title
    return notebook


def _exporter():
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    templates = resources.files("usvn") / "templates"
    exporter = HTMLExporter(template_name="lab", extra_template_paths=[str(templates)], template_file="site.html.j2")
    # Instructor-only cells (the quiz key checks and their labels; usvn.authoring.mark_instructor_cells) stay out.
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={INSTRUCTOR_TAG}), enabled=True)
    return exporter


def build_site(notebooks: Path, out: Path) -> list[Path]:
    """Write ``index.html`` and one page per lesson of the learning path into ``out``; returns the pages written."""
    notebooks, out = Path(notebooks), Path(out)
    lessons = load_lessons()
    missing = [lesson.notebook for lesson in lessons if not (notebooks / lesson.notebook).is_file()]
    if missing:
        raise DataError(f"The learning path names lessons that are not in {notebooks}: {', '.join(missing)}.")
    out.mkdir(parents=True, exist_ok=True)
    exporter = _exporter()
    pages = []
    for lesson in lessons:
        title = f"{lesson.number:02d}. {lesson.title} · {MODULE_TITLE}"
        notebook = _static_copy(nbformat.read(notebooks / lesson.notebook, as_version=4), title)
        html, _ = exporter.from_notebook_node(notebook, resources={"usvn_note": lesson_note(lesson)})
        pages.append(out / f"{lesson.stem}.html")
        pages[-1].write_text(html, encoding="utf-8")
    index = new_notebook(cells=[new_markdown_cell(index_html(lessons))])
    index.metadata["title"] = MODULE_TITLE
    html, _ = exporter.from_notebook_node(index, resources={"usvn_note": _index_note()})
    (out / "index.html").write_text(html, encoding="utf-8")
    return [out / "index.html", *pages]
