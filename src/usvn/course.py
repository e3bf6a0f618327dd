"""Lesson tables: one renderer for every table of lessons the module shows.

The learning path in notebook 00 and the README, the instructor guide's lesson index, the self-study path, the
deployment page's links, the students' README and the static site's index are each :func:`lesson_table` with
their own columns, so a lesson added to ``lessons.yaml`` reaches all of them at once.

>>> print(lesson_table([NUMBER, Column("Lesson", lambda lesson: lesson.title)]).splitlines()[:3])
['| No. | Lesson |', '|---|---|', '| 00 | How to use this module |']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html import escape

from usvn.data import Lesson, load_lessons

__all__ = [
    "MINUTES",
    "NUMBER",
    "Column",
    "learning_path_html",
    "learning_path_markdown",
    "lesson_table",
    "show_learning_path",
]


@dataclass(frozen=True)
class Column:
    """One column of a lesson table: its heading, and the text a lesson puts in it (Markdown, or HTML for an
    HTML table; the column escapes what it takes from the data)."""

    heading: str
    cell: Callable[[Lesson], str]


NUMBER = Column("No.", lambda lesson: f"{lesson.number:02d}")
MINUTES = Column("Minutes", lambda lesson: str(lesson.minutes))


def lesson_table(
    columns: Sequence[Column],
    *,
    html: bool = False,
    caption: str | None = None,
    lessons: Iterable[Lesson] | None = None,
    css_class: str | None = None,
) -> str:
    """A table with a row per lesson (default: every lesson of ``lessons.yaml``, in order): Markdown, or an
    HTML table with column headers and an optional caption (the caption is plain text)."""
    lessons = load_lessons() if lessons is None else tuple(lessons)
    if not columns:
        raise ValueError("a lesson table needs at least one column")
    if not html:
        lines = ["| " + " | ".join(column.heading for column in columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(column.cell(lesson) for column in columns) + " |" for lesson in lessons]
        return "\n".join(lines)
    head = "".join(f'<th scope="col">{escape(column.heading)}</th>' for column in columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{column.cell(lesson)}</td>" for column in columns) + "</tr>" for lesson in lessons
    )
    opening = f'<table class="{escape(css_class)}">' if css_class else "<table>"
    title = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f"{opening}{title}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def learning_path_html() -> str:
    """The learning path for notebook 00: each lesson linked, with its time and summary."""
    return lesson_table(
        [
            NUMBER,
            Column("Lesson", lambda lesson: f'<a href="{lesson.stem}.ipynb">{escape(lesson.title)}</a>'),
            Column("Time", lambda lesson: f"{lesson.minutes} min"),
            Column("What you do", lambda lesson: escape(lesson.summary)),
        ],
        html=True,
        caption="The learning path",
    )


def learning_path_markdown(link_prefix: str = "notebooks/") -> str:
    """The learning path in Markdown, with each lesson's objectives (the README's ``usvn:learning-path`` block).

    >>> learning_path_markdown().splitlines()[0]
    '| No. | Lesson | Time | Objectives |'
    """
    return lesson_table(
        [
            NUMBER,
            Column("Lesson", lambda lesson: f"[{lesson.title}]({link_prefix}{lesson.stem}.ipynb)"),
            Column("Time", lambda lesson: f"{lesson.minutes} min"),
            Column("Objectives", lambda lesson: "<br>".join(objective.text for objective in lesson.objectives)),
        ]
    )


def show_learning_path() -> None:
    from IPython.display import HTML, display

    display(HTML(learning_path_html()))
