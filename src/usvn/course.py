"""The learning path as a table, for notebook 00 and the README."""

from __future__ import annotations

from html import escape

from IPython.display import HTML, display

from usvn.data import load_lessons

__all__ = ["learning_path_html", "learning_path_markdown", "show_learning_path"]


def learning_path_html() -> str:
    rows = "".join(
        f'<tr><td>{lesson.number:02d}</td><td><a href="{lesson.stem}.ipynb">{escape(lesson.title)}</a></td>'
        f"<td>{lesson.minutes} min</td><td>{escape(lesson.summary)}</td></tr>"
        for lesson in load_lessons()
    )
    return (
        '<table><caption>The learning path</caption><thead><tr><th scope="col">No.</th>'
        '<th scope="col">Lesson</th><th scope="col">Time</th><th scope="col">What you do</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def learning_path_markdown(link_prefix: str = "notebooks/") -> str:
    """The same table in Markdown, with each lesson's objectives (used in the README).

    >>> learning_path_markdown().splitlines()[0]
    '| No. | Lesson | Time | Objectives |'
    """
    lines = ["| No. | Lesson | Time | Objectives |", "|---|---|---|---|"]
    for lesson in load_lessons():
        objectives = "<br>".join(objective.text for objective in lesson.objectives)
        lines.append(
            f"| {lesson.number:02d} | [{lesson.title}]({link_prefix}{lesson.stem}.ipynb) "
            f"| {lesson.minutes} min | {objectives} |"
        )
    return "\n".join(lines)


def show_learning_path() -> None:
    display(HTML(learning_path_html()))
