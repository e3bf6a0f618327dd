"""The quiz widget driven headlessly: set values, click buttons, read the Output area."""

from __future__ import annotations

import re

import pytest
from helpers import plain_text

from usvn.data import load_lessons
from usvn.quiz.model import MultipleChoice, MultipleSelect, Numeric, ShortText, load_quiz
from usvn.quiz.widgets import QuestionView, quiz_views
from usvn.text import inline_markdown


def printed(view: QuestionView) -> str:
    return plain_text(view.feedback)


def announced(view: QuestionView) -> bool:
    """Feedback sits in a role="alert" element, which screen readers read out when it appears."""
    outputs = view.feedback.outputs
    return bool(outputs) and all('role="alert"' in output["data"]["text/html"] for output in outputs)


def first(kind):
    return next(question for question in load_quiz(1).questions if isinstance(question, kind))


BANKS = [lesson.number for lesson in load_lessons()]


def test_the_banks_were_found():
    assert len(BANKS) >= 2


@pytest.mark.parametrize("number", BANKS, ids=lambda number: f"quiz-{number:02d}")
def test_every_question_of_every_bank_builds_a_view(number):
    quiz = load_quiz(number)
    views = quiz_views(quiz)
    assert len(quiz) >= 1 and len(views) == len(quiz)
    assert [view.question.id for view in views] == [question.id for question in quiz.questions]


def test_explanation_stays_locked_until_an_answer_is_checked():
    view = QuestionView(first(MultipleChoice), 1)
    assert view.explain_button.disabled
    view.explain()
    assert "Check an answer first" in printed(view)
    view.check_button.click()  # nothing chosen
    assert "No answer yet" in printed(view) and view.explain_button.disabled
    view.answer_control.value = view.question.wrong_answer()
    view.check_button.click()
    assert printed(view).startswith("Not quite.") and not view.explain_button.disabled
    assert announced(view)


def test_right_answer_then_explanation_shows_the_answer_and_its_sources():
    view = QuestionView(first(MultipleChoice), 1)
    view.answer_control.value = view.question.correct_answer()
    view.check_button.click()
    assert printed(view).startswith("Correct.")
    view.explain_button.click()
    html = "".join(output["data"].get("text/html", "") for output in view.feedback.outputs if "data" in output)
    assert "Answer:" in html and "#src-" in html


def test_multiple_select_reads_the_ticked_boxes():
    view = QuestionView(first(MultipleSelect), 2)
    shown = view.question.shown_options()
    # The page sends the positions of the ticked boxes, as they are shown.
    view.answer_control.indices = [at for at, (_, option) in enumerate(shown) if option.correct]
    assert view.check().correct
    view.answer_control.indices = [at for at, (_, option) in enumerate(shown) if not option.correct][:1]
    assert not view.check().correct
    view.answer = view.question.correct_answer()
    assert view.answer_control.indices == sorted(at for at, (_, option) in enumerate(shown) if option.correct)
    assert view.answer_control.description == "Your answer to question 2 (tick all that apply)"


def _static_labels(html: str) -> list[str]:
    return re.findall(r"<li>(\([a-h]\) .*?)</li>", html.partition("<details>")[0])


def test_widget_and_static_view_show_options_in_the_same_shuffled_order():
    questions = [
        question
        for number in (1, 2, 3)
        for question in load_quiz(number).questions
        if isinstance(question, MultipleChoice | MultipleSelect)
    ]
    assert len(questions) >= 10
    moved = 0
    for question in questions:
        view = QuestionView(question, 1)
        if isinstance(question, MultipleChoice):
            shown = [label for label, _ in view.answer_control.options]
        else:
            shown = [label for label, _ in view.answer_control.options]
        expected = [f"({label}) {option.text}" for label, option in question.shown_options()]
        assert shown == expected, question.id
        assert _static_labels(view._repr_mimebundle_()["text/html"]) == [
            f"({label}) {inline_markdown(option.text)}" for label, option in question.shown_options()
        ], question.id
        moved += [option.id for _, option in question.shown_options()] != [option.id for option in question.options]
    assert moved >= len(questions) // 2, "the shown order should differ from the file order for most questions"


def test_a_radio_choice_sends_the_option_id_whatever_letter_it_shows():
    question = first(MultipleChoice)
    view = QuestionView(question, 1)
    label = question.label_of(question.correct_answer())
    # The browser sends the index of the radio the student picked, as it is shown.
    view.answer_control.index = next(
        index for index, text in enumerate(view.answer_control.labels) if text.startswith(f"({label}) ")
    )
    assert view.answer == question.correct_answer() and view.check().correct


@pytest.mark.parametrize(
    "kind, typed, status",
    [
        (Numeric, "not a number", "invalid"),
        (Numeric, "", "invalid"),
        (ShortText, "   ", "invalid"),
        (ShortText, "something else entirely", "incorrect"),
    ],
)
def test_typed_answers_get_a_clear_verdict(kind, typed, status):
    view = QuestionView(first(kind), 3)
    view.answer_control.value = typed
    assert view.check().status == status
    assert printed(view).strip()


def test_try_again_clears_answer_and_feedback_but_keeps_the_explanation_unlocked():
    view = QuestionView(first(Numeric), 4)
    view.answer_control.value = "1"
    view.check()
    view.reset_button.click()
    assert view.answer_control.value == "" and view.feedback.outputs == ()
    assert not view.explain_button.disabled


def test_display_bundle_has_the_widget_and_a_static_fallback_with_the_answer_folded():
    view = QuestionView(first(ShortText), 5)
    bundle = view._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    html = bundle["text/html"]
    before_fold, _, folded = html.partition("<details>")
    assert folded, "the answer must sit inside <details>"
    assert view.question.accepted[0] not in before_fold and view.question.accepted[0] in folded
    assert view.question.accepted[0] not in bundle["text/plain"]


def test_questions_share_layouts_and_styles_and_a_closed_one_is_made_afresh(tmp_path):
    import ipywidgets as widgets

    from usvn.display import shared_widget

    first, second = quiz_views(load_quiz(1), notes_folder=tmp_path)[:2]
    first_prompt, second_prompt = first.widget.children[0], second.widget.children[0]
    assert first_prompt.layout is second_prompt.layout and first_prompt.style is second_prompt.style
    assert first.feedback.layout is second.feedback.layout
    assert first.widget.layout is not first.feedback.layout, "different settings share a layout"
    assert first.widget.layout.border == "1px solid #767676" and first.feedback.layout.min_height == "1.5em"
    shared = shared_widget(widgets.Layout, width="auto")
    shared.close()
    assert shared_widget(widgets.Layout, width="auto") is not shared


def test_show_quiz_displays_every_question_in_one_output_with_its_static_copy(monkeypatch, tmp_path):
    import usvn.quiz.widgets as quiz_widgets

    monkeypatch.chdir(tmp_path)
    shown = []
    monkeypatch.setattr(quiz_widgets, "display", shown.append)
    quiz_widgets.show_quiz(1)
    (output,) = shown
    bundle = output._repr_mimebundle_()
    quiz = load_quiz(1)
    assert len(output.widget.children) == len(quiz.questions)
    assert bundle["text/html"].count('<div class="usvn-quiz"') == len(quiz.questions)
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == output.widget.model_id
