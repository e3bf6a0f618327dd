"""The quiz as static HTML: readable where no kernel runs, with the answer folded until the reader opens it."""

from __future__ import annotations

from html import escape

from usvn.quiz.model import MultipleChoice, MultipleSelect, Numeric, Question, ShortText
from usvn.text import cite_html, inline_markdown

__all__ = ["question_html", "question_text"]


def _answer_hint(question: Question) -> str:
    if isinstance(question, MultipleChoice):
        return "Choose one."
    if isinstance(question, MultipleSelect):
        return "Select all that apply."
    if isinstance(question, Numeric):
        return f"Answer with a number{' in ' + escape(question.unit) if question.unit else ''}."
    if isinstance(question, ShortText):
        return "Answer in a few words."
    return ""


def question_html(question: Question, number: int, *, folded_answer: bool = True) -> str:
    """The question, its options and (folded in a ``<details>`` element) its answer and explanation."""
    options = ""
    if isinstance(question, MultipleChoice | MultipleSelect):
        items = "".join(
            f"<li>({label}) {inline_markdown(option.text)}</li>" for label, option in question.shown_options()
        )
        options = f'<ul class="usvn-quiz-options" style="list-style: none">{items}</ul>'
    answer = (
        f"<p><strong>Answer:</strong> {inline_markdown(question.answer_text())}</p>"
        f"<p>{inline_markdown(question.explanation)}</p>"
        f"<p><em>Sources:</em> {cite_html(question.sources)}</p>"
    )
    if folded_answer:
        answer = (
            f"<details><summary>Show the answer and explanation (try the question first)</summary>{answer}</details>"
        )
    return (
        f'<div class="usvn-quiz" id="quiz-{escape(question.id)}">'
        f"<p><strong>Question {number}</strong> ({escape(question.label)}). {inline_markdown(question.prompt)}"
        f" <em>{_answer_hint(question)}</em></p>{options}{answer}</div>"
    )


def question_text(question: Question, number: int) -> str:
    """A one-line plain-text stand-in, for text-only front ends."""
    return f"Question {number} ({question.label}): {question.prompt} [Run this notebook to answer it.]"
