"""Every widget that takes input keeps it in my-notes/ and gets it back, headlessly.

A "fresh kernel" here is a new widget instance reading the same folder: nothing but the files carries over.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import traitlets
from helpers import plain_text

import usvn.notes as notes
from usvn.quiz.model import MultipleChoice, MultipleSelect, Numeric, load_quiz
from usvn.quiz.widgets import QuestionView
from usvn.widgets import EvidenceScorecard, MarginCalculator, ReflectionPrompt, TimelineExplorer
from usvn.widgets.choices import ChoiceGroup
from usvn.widgets.claims import claim_views
from usvn.widgets.leverage import ArgumentBuilder, CaseExplorer, RateExplorer
from usvn.widgets.memo import RubricSelfCheck

LONG_TEXT = (
    "The partnership upgrade shows that Hanoi weighs security and trade together, and the dates matter "
    "because each claim describes its own moment rather than a settled trend in the relationship."
)


def _question(kind):
    for lesson in range(6):
        for number, question in enumerate(load_quiz(lesson).questions, start=1):
            if isinstance(question, kind):
                return lesson, number, question
    raise AssertionError(f"no {kind.__name__} question in any bank")


def _quiz(kind):
    lesson, number, question = _question(kind)
    return lambda folder: QuestionView(question, number, lesson, folder)


def _first_claim(folder):
    return claim_views("tran-2021", notes_folder=folder)[0]


@dataclass
class Case:
    """How to build one widget, fill it as a student would, and read back what it shows."""

    name: str
    build: Callable[[Any], Any]
    fill: Callable[[Any], None]
    shown: Callable[[Any], Any]
    file: str
    output: Callable[[Any], Any]


def _fill_scorecard(card):
    first = card.criteria.factors[0].id
    card.ratings[first].value = 2
    card.weights[first].value = 3
    card.justifications[first].value = "The cards on wages decide it."


def _fill_argument(builder):
    builder.channel.value = "bilateral"
    builder.support_list.value = ("market-economy-review",)
    builder.counter_list.value = ("csp-upgrade-2023",)
    builder.justification.value = LONG_TEXT


def _fill_margin(calculator):
    calculator.export_price.value = "37.50"
    calculator.surrogate.value = calculator.example.surrogates[-1].id


def _fill_timeline(explorer):
    explorer.theme_boxes[next(iter(explorer.theme_boxes))].value = False
    explorer.years.start.value = explorer.first_year + 5


def _rubric_fill(check):
    levels = [value for _, value in next(iter(check.choices.values())).options]
    for control in check.choices.values():
        control.value = levels[1]


CASES = [
    Case(
        "quiz choice",
        _quiz(MultipleChoice),
        lambda v: setattr(v, "answer", v.question.wrong_answer()),
        lambda v: v.answer,
        "*-quiz-",
        lambda v: v.feedback,
    ),
    Case(
        "quiz select",
        _quiz(MultipleSelect),
        lambda v: setattr(v, "answer", v.question.correct_answer()),
        lambda v: sorted(v.answer),
        "*-quiz-",
        lambda v: v.feedback,
    ),
    Case(
        "quiz number",
        _quiz(Numeric),
        lambda v: setattr(v, "answer", "1234"),
        lambda v: v.answer,
        "*-quiz-",
        lambda v: v.feedback,
    ),
    Case(
        "claim",
        _first_claim,
        lambda v: (setattr(v.kind, "value", v.kind.values[1]), setattr(v.rating, "value", v.rating.values[0])),
        lambda v: (v.kind.value, v.rating.value),
        "02-claim-",
        lambda v: v.feedback,
    ),
    Case(
        "cases",
        lambda folder: CaseExplorer(notes_folder=folder),
        lambda v: v.code(v.cases[0].id, "multilateral", v.outcome_menus[v.cases[0].id].values[0]),
        lambda v: v.codings,
        "03-cases",
        lambda v: v.message,
    ),
    Case(
        "argument",
        lambda folder: ArgumentBuilder("ratify-c87", notes_folder=folder),
        _fill_argument,
        lambda v: (v.channel.value, v.supporting, v.counter, v.justification.value),
        "03-argument-",
        lambda v: v.feedback,
    ),
    Case(
        "rates",
        lambda folder: RateExplorer(notes_folder=folder),
        lambda v: v.use_original(),
        lambda v: v._saved_state(),
        "03-rates",
        lambda v: v.message,
    ),
    Case(
        "scorecard",
        lambda folder: EvidenceScorecard(notes_folder=folder),
        _fill_scorecard,
        lambda v: v._saved_state(),
        "04-scorecard",
        lambda v: v.output,
    ),
    Case(
        "margin",
        lambda folder: MarginCalculator(notes_folder=folder),
        _fill_margin,
        lambda v: (v.export_price.value, v.surrogate.value),
        "04-margin",
        lambda v: v.output,
    ),
    Case(
        "reflection",
        lambda folder: ReflectionPrompt("tran-2021-strategic-partnership", notes_folder=folder),
        lambda v: setattr(v.text, "value", LONG_TEXT),
        lambda v: v.text.value,
        "01-reflection-",
        lambda v: v.feedback,
    ),
    Case(
        "rubric",
        lambda folder: RubricSelfCheck("memo", notes_folder=folder),
        _rubric_fill,
        lambda v: {key: control.value for key, control in v.choices.items()},
        "05-rubric-",
        lambda v: v.output,
    ),
    Case(
        "timeline",
        lambda folder: TimelineExplorer(notes_folder=folder),
        _fill_timeline,
        lambda v: (v.selected_themes, v.years.value),
        "01-timeline",
        lambda v: v.status,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_input_is_saved_as_it_changes_and_comes_back_in_a_new_instance(tmp_path, case):
    widget = case.build(tmp_path)
    untouched = case.shown(widget)
    assert not list(tmp_path.glob("*.json")), "building a widget must not write anything"
    case.fill(widget)
    filled = case.shown(widget)
    assert filled != untouched, "the fill step changed nothing: the test would prove nothing"
    files = list(tmp_path.glob(f"{case.file}*.json"))
    assert len(files) == 1, f"expected one note {case.file}*.json, found {[p.name for p in tmp_path.iterdir()]}"
    record = json.loads(files[0].read_text())
    assert record["format"] == "usvn-notes" and record["version"] == 1
    assert case.shown(case.build(tmp_path)) == filled


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_corrupt_note_is_reported_never_overwritten_and_work_goes_beside_it(tmp_path, case):
    case.fill(case.build(tmp_path))
    (saved,) = tmp_path.glob(f"{case.file}*.json")
    saved.write_text('{"format": "usvn-notes", "version": 1, "kind": ')
    broken = saved.read_bytes()
    fresh = case.build(tmp_path)
    assert "Could not read your saved work" in plain_text(case.output(fresh), " ")
    assert 'role="alert"' in case.output(fresh).outputs[0]["data"]["text/html"]
    assert case.shown(fresh) == case.shown(case.build(tmp_path / "empty")), "it did not start fresh"
    case.fill(fresh)
    assert saved.read_bytes() == broken
    assert saved.with_name(saved.stem + "-2.json").is_file()


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_folder_that_cannot_be_written_is_reported_and_the_entries_stay(tmp_path, case, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(notes.tempfile, "mkstemp", refuse)
    widget = case.build(tmp_path)
    case.fill(widget)
    assert "Could not save your work" in plain_text(case.output(widget), " ") and "Permission denied" in plain_text(
        case.output(widget), " "
    )
    assert case.shown(widget) != case.shown(case.build(tmp_path / "empty")), "the entries were lost"


def test_quiz_attempts_are_kept_with_answer_verdict_and_time(tmp_path):
    lesson, number, question = _question(MultipleChoice)
    view = QuestionView(question, number, lesson, tmp_path)
    view.answer = question.wrong_answer()
    view.check()
    view.answer = question.correct_answer()
    view.check()
    attempts = notes.quiz_attempts(lesson, folder=tmp_path)
    assert [(item["answer"], item["verdict"]) for item in attempts] == [
        (question.wrong_answer(), "incorrect"),
        (question.correct_answer(), "correct"),
    ]
    assert all(item["question"] == question.id and item["time"] for item in attempts)
    again = QuestionView(question, number, lesson, tmp_path)
    assert again.attempts == 2 and not again.explain_button.disabled and again.answer == question.correct_answer()


def test_attempts_html_lists_the_attempts_for_review(tmp_path):
    from usvn.quiz.widgets import attempts_html

    lesson, number, question = _question(MultipleChoice)
    assert "No saved quiz attempts" in attempts_html(lesson, tmp_path)
    view = QuestionView(question, number, lesson, tmp_path)
    view.answer = question.wrong_answer()
    view.check()
    table = attempts_html(lesson, tmp_path)
    assert "<caption>Your quiz attempts" in table and "(1;" in table
    assert f">{question.id}</th><td>{question.wrong_answer()}</td><td>Not quite</td>" in table


def test_the_reflection_says_where_it_saved_on_compare(tmp_path):
    prompt = ReflectionPrompt("tran-2021-strategic-partnership", notes_folder=tmp_path)
    prompt.text.value = LONG_TEXT + " " + LONG_TEXT
    assert prompt.compare()
    assert str(tmp_path / "01-reflection-tran-2021-strategic-partnership.json") in plain_text(prompt.feedback, " ")


def test_a_saved_value_the_widget_no_longer_offers_is_skipped(tmp_path):
    notes.NoteFile("04-margin", "margin", tmp_path).save(
        {"export_price": "39.00", "surrogate": "gone", "quantities": {"nonexistent": "1"}}
    )
    calculator = MarginCalculator(notes_folder=tmp_path)
    assert calculator.export_price.value == "39.00" and calculator.surrogate.value in calculator.surrogate.values


def test_a_choice_group_keeps_value_and_index_in_step_and_names_itself():
    group = ChoiceGroup(options=[("One", 1), ("Two", 2)], description="Pick one")
    assert group.labels == ["One", "Two"] and group.index is None and group.value is None
    group.index = 1  # what the browser sends when a radio is chosen
    assert group.value == 2
    group.value = 1
    assert group.index == 0
    group.value = None
    assert group.index is None
    with pytest.raises(traitlets.TraitError, match="not one of the choices in 'Pick one'"):
        group.value = 3
    with pytest.raises(traitlets.TraitError, match="out of range"):
        group.index = 5
    with pytest.raises(ValueError, match="accessible|screen readers"):
        ChoiceGroup(options=["a"], description=" ")


def test_a_choice_group_renders_a_fieldset_with_a_legend_and_radios_sharing_one_name():
    source = ChoiceGroup(options=["a"], description="A group")._esm  # what the page is sent
    assert 'createElement("fieldset")' in source and 'createElement("legend")' in source
    assert "input.name = name" in source and 'input.type = "radio"' in source
    assert "data-lm-suppress-shortcuts" in source


def test_the_memo_draft_is_kept_as_it_changes_and_comes_back(tmp_path, monkeypatch):
    from usvn.widgets.memo import MemoEditor

    path = tmp_path / "05-memo.md"
    editor = MemoEditor(path)
    assert not path.exists()
    editor.areas["recommendation"].value = LONG_TEXT
    assert LONG_TEXT in path.read_text()
    assert MemoEditor(path).areas["recommendation"].value == LONG_TEXT

    def refuse(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    before = path.read_bytes()
    monkeypatch.setattr(notes.tempfile, "mkstemp", refuse)
    editor.areas["risks"].value = LONG_TEXT
    assert "Could not save your draft" in plain_text(editor.output, " ") and editor.areas["risks"].value == LONG_TEXT
    assert path.read_bytes() == before, "a failed save touched the saved draft"
