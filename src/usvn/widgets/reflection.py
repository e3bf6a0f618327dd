"""A write-then-compare prompt: a text area, and the module's annotated points once the student has written."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets

from usvn.display import WithStaticFallback, announce
from usvn.reflection import Reflection, load_reflection
from usvn.text import cite_html, inline_markdown
from usvn.widgets.saving import Autosave

__all__ = ["ReflectionPrompt"]


def _points_html(reflection: Reflection) -> str:
    items = "".join(
        f"<li>{inline_markdown(point.text)} <small>({cite_html(point.sources)})</small></li>"
        for point in reflection.points
    )
    return (
        f"<p><strong>Points a strong answer weighs:</strong></p><ul>{items}</ul>"
        f"<p><em>{inline_markdown(reflection.caution)}</em></p>"
    )


class ReflectionPrompt:
    """Write an answer, then compare.

    The answer is saved in ``my-notes/NN-reflection-<id>.json`` beside the notebook each time it changes (Enter
    is a new line, so a change lands when the focus leaves the box) and on Compare, and comes back when the cell
    runs again.
    """

    def __init__(self, reflection: Reflection | str, notes_folder: Path | None = None) -> None:
        self.reflection = load_reflection(reflection) if isinstance(reflection, str) else reflection
        self.notes_folder = notes_folder
        self.text = widgets.Textarea(
            value="",
            placeholder=f"Write at least {self.reflection.min_words} words.",
            description="Your answer",
            style={"description_width": "initial"},
            continuous_update=False,
            layout=widgets.Layout(width="95%", height="8em"),
        )
        self.compare_button = widgets.Button(
            description="Compare with the module's notes",
            button_style="primary",
            icon="balance-scale",
            layout=widgets.Layout(width="auto"),
        )
        self.feedback = widgets.Output()
        self.compare_button.on_click(lambda _: self.compare())
        self.saved_to: Path | None = None
        self.widget = widgets.VBox(
            [
                widgets.HTML(f"<p><strong>Your turn.</strong> {inline_markdown(self.reflection.prompt)}</p>"),
                self.text,
                self.compare_button,
                self.feedback,
            ]
        )
        self.autosave = Autosave(
            f"{self.reflection.lesson:02d}-reflection-{self.reflection.id}",
            "reflection",
            lambda: {"prompt": self.reflection.prompt, "text": self.text.value},
            self.feedback,
            notes_folder,
        )
        if isinstance(self.autosave.data.get("text"), str):
            with self.autosave.muted():
                self.text.value = self.autosave.data["text"]
        self.autosave.watch([self.text])
        self.autosave.report_load()

    def compare(self) -> bool:
        assessment = self.reflection.assess(self.text.value)
        if not assessment.ready:
            announce(self.feedback, f"Not yet. {assessment.message}")
            return False
        if self.autosave.save():
            self.saved_to = self.autosave.path
            saved = f" Your answer is saved in {self.saved_to}."
        else:
            saved = f" ({self.autosave.problem})"
        announce(self.feedback, f"{assessment.message}{saved}", _points_html(self.reflection))
        return True

    def _repr_mimebundle_(self, **kwargs):
        static = (
            f"<p><strong>Your turn.</strong> {inline_markdown(self.reflection.prompt)}</p>"
            f"<details><summary>The module's notes (write your own answer first)</summary>"
            f"{_points_html(self.reflection)}</details>"
        )
        text = f"Reflection: {self.reflection.prompt} [Run this notebook to write and compare.]"
        return WithStaticFallback(self.widget, static, text)._repr_mimebundle_(**kwargs)
