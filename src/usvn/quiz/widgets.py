"""Widget views of the quiz model: labelled controls, keyboard operable, feedback in an Output area."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import traitlets
from IPython.display import display
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

from usvn.display import WithStaticFallback, announce
from usvn.display import shared_widget as _shared
from usvn.notes import quiz_attempts
from usvn.quiz.model import Feedback, MultipleChoice, MultipleSelect, Question, Quiz, load_quiz
from usvn.quiz.static import question_html, question_text
from usvn.text import cite_html, inline_markdown
from usvn.widgets.actions import Action, ActionBar
from usvn.widgets.choices import CheckGroup, ChoiceGroup
from usvn.widgets.saving import Autosave

__all__ = ["QuestionView", "attempts_html", "quiz_views", "show_attempts", "show_quiz"]


class QuestionView:
    """One question: its controls, Check / Show explanation / Try again buttons and a feedback area.

    The explanation stays locked until the student has checked an answer at least once. The answer and every
    checked attempt (answer, verdict, time) are saved in ``my-notes/NN-quiz-<question id>.json`` and come
    back when the cell runs again; ``usvn.notes.quiz_attempts()`` lists them.
    """

    def __init__(
        self, question: Question, number: int, lesson: int | None = None, notes_folder: Path | None = None
    ) -> None:
        self.question = question
        self.number = number
        self.lesson = lesson
        self.attempts = 0
        self.last_feedback: Feedback | None = None
        self.answer_control = self._make_control()
        self.check_button = Action(
            "Check answer", icon="check", primary=True, tooltip=f"Check your answer to question {number}"
        )
        self.explain_button = Action(
            "Show explanation", icon="book", disabled=True, tooltip="Available after you have checked an answer"
        )
        self.reset_button = Action("Try again", icon="refresh", tooltip="Clear your answer")
        self.feedback = widgets.Output(layout=_shared(widgets.Layout, min_height="1.5em"))
        self.check_button.on_click(lambda _: self.check())
        self.explain_button.on_click(lambda _: self.explain())
        self.reset_button.on_click(lambda _: self.reset())
        prompt = widgets.HTML(
            f"<p><strong>Question {number}</strong> ({escape(question.label)}). {inline_markdown(question.prompt)}</p>",
            layout=_shared(widgets.Layout),
            style=_shared(HTMLStyle),
        )
        self.widget = widgets.VBox(
            [
                prompt,
                self.answer_control,
                ActionBar([self.check_button, self.explain_button, self.reset_button], layout=_shared(widgets.Layout)),
                self.feedback,
            ],
            layout=_shared(widgets.Layout, border="1px solid #767676", padding="4px 12px", margin="8px 0"),
            _dom_classes=("usvn-quiz-question",),  # in the constructor: add_class() would send one more message
        )
        name = f"{lesson:02d}-quiz-{question.id}" if lesson is not None else f"quiz-{question.id}"
        self.attempt_log: list[dict[str, Any]] = []
        self.autosave = Autosave(name, "quiz", self._saved_state, self.feedback, notes_folder)
        self._restore(self.autosave.data)
        self.autosave.watch([self.answer_control])
        self.autosave.report_load()

    def _saved_state(self) -> dict[str, Any]:
        return {
            "lesson": self.lesson,
            "question": self.question.id,
            "answer": self.answer,
            "attempts": self.attempt_log,
        }

    def _restore(self, data: dict[str, Any]) -> None:
        attempts = data.get("attempts")
        self.attempt_log = [item for item in attempts if isinstance(item, dict)] if isinstance(attempts, list) else []
        self.attempts = len(self.attempt_log)
        if self.attempts:
            self.explain_button.disabled = False
            self.explain_button.tooltip = "Show why, with sources"
        if data.get("answer") is not None:
            with self.autosave.muted():
                try:
                    self.answer = data["answer"]
                except (traitlets.TraitError, ValueError, TypeError, LookupError):
                    pass  # an answer the question no longer offers: start that question afresh

    def _make_control(self) -> widgets.Widget:
        question = self.question
        if isinstance(question, MultipleChoice):
            return ChoiceGroup(
                options=[(f"({label}) {option.text}", option.id) for label, option in question.shown_options()],
                value=None,
                description=f"Your answer to question {self.number}",
                layout=_shared(widgets.Layout),
            )
        if isinstance(question, MultipleSelect):
            return CheckGroup(
                options=[(f"({label}) {option.text}", option.id) for label, option in question.shown_options()],
                description=f"Your answer to question {self.number} (tick all that apply)",
            )
        placeholder = "Type a number" if question.kind == "numeric" else "Type a short answer"
        # continuous_update=False: one value message on Enter or blur, not one per keystroke. A click can
        # overtake value messages still queued in the browser, and would then be judged on a half-typed answer.
        return widgets.Text(
            value="",
            placeholder=placeholder,
            description="Your answer",
            continuous_update=False,
            style=_shared(TextStyle, description_width="initial"),
            layout=_shared(widgets.Layout, width="28em"),
        )

    @property
    def answer(self) -> Any:
        """The student's current answer, in the form the model's ``check`` takes."""
        if isinstance(self.question, MultipleSelect):
            return list(self.answer_control.value)
        return self.answer_control.value

    @answer.setter
    def answer(self, value: Any) -> None:
        self.answer_control.value = tuple(value) if isinstance(self.question, MultipleSelect) else value

    def _say(self, text: str, html: str = "") -> None:
        announce(self.feedback, text, html)

    def check(self) -> Feedback:
        result = self.question.check(self.answer)
        self.last_feedback = result
        if result.status != "invalid":
            self.attempts += 1
            self.explain_button.disabled = False
            self.explain_button.tooltip = "Show why, with sources"
            self.attempt_log.append(
                {
                    "answer": self.answer,
                    "verdict": result.status,
                    "time": datetime.now(UTC).isoformat(timespec="seconds"),
                }
            )
            self.autosave.save()
        tries = f" (attempt {self.attempts})" if self.attempts > 1 and result.status != "invalid" else ""
        unsaved = f" {self.autosave.problem}" if not self.autosave.last_ok else ""
        self._say(f"{result}{tries}{unsaved}")
        return result

    def explain(self) -> None:
        if self.attempts == 0:
            self._say("Check an answer first; the explanation opens after your first try.")
            return
        registry_note = cite_html(self.question.sources)
        verdict = str(self.last_feedback) if self.last_feedback is not None else f"Question {self.number}, explained."
        self._say(
            verdict,
            f"<p><strong>Answer:</strong> {inline_markdown(self.question.answer_text())}</p>"
            f"<p>{inline_markdown(self.question.explanation)}</p><p><em>Sources:</em> {registry_note}</p>",
        )

    def reset(self) -> None:
        if isinstance(self.question, MultipleSelect):
            self.answer = []
        else:
            self.answer = None if isinstance(self.question, MultipleChoice) else ""
        self.feedback.outputs = ()
        self.last_feedback = None

    def _repr_mimebundle_(self, **kwargs):
        return WithStaticFallback(
            self.widget, question_html(self.question, self.number), question_text(self.question, self.number)
        )._repr_mimebundle_(**kwargs)


def quiz_views(quiz: Quiz, notes_folder: Path | None = None) -> list[QuestionView]:
    return [
        QuestionView(question, number, quiz.lesson, notes_folder)
        for number, question in enumerate(quiz.questions, start=1)
    ]


def show_quiz(lesson_number: int) -> None:
    """Display every question of a lesson's quiz, each with its own controls and feedback.

    The questions go out as one output (a box of question boxes, in order; its static copy the questions' copies
    one after another): each output makes the kernel wait for its streams to flush, and a quiz of 13 questions
    took a fifth of its time in that waiting.
    """
    views = quiz_views(load_quiz(lesson_number))
    questions = widgets.VBox([view.widget for view in views], layout=_shared(widgets.Layout))
    display(
        WithStaticFallback(
            questions,
            "".join(question_html(view.question, view.number) for view in views),
            "\n\n".join(question_text(view.question, view.number) for view in views),
        )
    )


_VERDICTS = {"correct": "Correct", "partial": "Partly right", "incorrect": "Not quite"}


def attempts_html(lesson: int | None = None, notes_folder: Path | None = None) -> str:
    """The student's saved quiz attempts as a table (time, question, answer, verdict), oldest first."""
    attempts = quiz_attempts(lesson, notes_folder)
    which = f"lesson {lesson:02d}" if lesson is not None else "every lesson"
    if not attempts:
        return f"<p>No saved quiz attempts for {which} yet: check an answer in a quiz, and it is kept here.</p>"
    rows = "".join(
        f"<tr><td>{escape(str(item.get('time', '')))}</td><td>{escape(str(item.get('lesson', '')))}</td>"
        f'<th scope="row">{escape(str(item.get("question", "")))}</th><td>{escape(str(item.get("answer", "")))}</td>'
        f"<td>{escape(_VERDICTS.get(item.get('verdict'), str(item.get('verdict', ''))))}</td></tr>"
        for item in attempts
    )
    return (
        f"<table><caption>Your quiz attempts, {which} ({len(attempts)}; times in UTC)</caption><thead><tr>"
        '<th scope="col">Time</th><th scope="col">Lesson</th><th scope="col">Question</th>'
        '<th scope="col">Your answer</th><th scope="col">Verdict</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def show_attempts(lesson: int | None = None) -> None:
    """Display the student's saved quiz attempts, for their own review."""
    display(
        {"text/html": attempts_html(lesson), "text/plain": f"{len(quiz_attempts(lesson))} saved quiz attempt(s)."},
        raw=True,
    )
