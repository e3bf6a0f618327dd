"""Rubrics: the memo rubric loads for every audience, a broken rubric is refused, self-scores add up."""

from __future__ import annotations

import re

import pytest
from substitute_data import substituted

from usvn import rubrics
from usvn.data import DataError, load_data
from usvn.loader import UnknownIdError
from usvn.rubrics import load_rubric, rubric_html, rubric_markdown, self_score
from usvn.widgets.memo import RubricSelfCheck

MEMO = load_rubric("memo")


def test_the_memo_rubric_covers_the_memo_template():
    names = {criterion.id for criterion in MEMO.criteria}
    assert {"question-recommendation", "evidence", "counter-argument", "risks"} <= names
    assert [level.points for level in MEMO.levels] == [1, 2, 3, 4]
    assert all(len(criterion.descriptors) == len(MEMO.levels) for criterion in MEMO.criteria)


def test_an_unknown_rubric_is_named():
    with pytest.raises(UnknownIdError, match="No rubric 'essay'.*memo"):
        load_rubric("essay")


@pytest.fixture
def broken(monkeypatch):
    data = load_data("rubrics.yaml")
    with substituted(monkeypatch, "rubrics.yaml", data, rubrics._all_rubrics):
        yield data["rubrics"][0]


def test_a_missing_descriptor_is_refused(broken):
    del broken["criteria"][1]["descriptors"]["proficient"]
    message = "rubrics.yaml, record 'evidence': criterion 'evidence' needs exactly one descriptor per level.*proficient"
    with pytest.raises(DataError, match=message):
        load_rubric("memo")


def test_levels_out_of_order_are_refused(broken):
    broken["levels"].reverse()
    with pytest.raises(DataError, match="rubrics.yaml, record 'memo': levels must .* increasing points"):
        load_rubric("memo")


def test_the_html_table_has_headers_for_every_row_and_column():
    html = rubric_html(MEMO)
    assert html.count('<th scope="col">') == len(MEMO.levels) + 1
    assert html.count('<th scope="row">') == len(MEMO.criteria)
    assert "<caption>Rubric: Policy memo" in html and "maximum 24 points" in html


def test_the_markdown_table_has_one_row_per_criterion():
    lines = rubric_markdown(MEMO).splitlines()
    assert len(lines) == 2 + len(MEMO.criteria)
    assert all(line.count("|") == len(MEMO.levels) + 2 for line in lines)


def test_self_score_adds_points_and_names_the_next_level():
    choices = {criterion.id: "proficient" for criterion in MEMO.criteria}
    choices["evidence"] = "beginning"
    result = self_score(MEMO, choices)
    # 5 criteria at 3 points and one at 1 point.
    assert result.ok and result.points == 16 and result.max_points == 24
    steps = {name: level for name, level, _ in result.next_steps}
    assert steps["Evidence and citation"] == "Developing"
    assert steps["Counter-argument"] == "Exemplary"


def test_self_score_reports_missing_and_unknown_levels():
    result = self_score(MEMO, {"evidence": "superb"})
    assert not result.ok
    assert "Still to choose: Question and recommendation" in result.problems[0]
    assert "Evidence and citation ('superb')" in result.problems[1]


def test_self_check_widget_scores_only_a_complete_choice():
    view = RubricSelfCheck("memo")
    view.score_button.click()
    (output,) = view.output.outputs
    assert output["data"]["text/plain"].startswith("Not scored yet. Choose a level for every criterion.")
    for control in view.choices.values():
        control.value = "exemplary"
    view.score_button.click()
    (output,) = view.output.outputs
    assert output["data"]["text/plain"].startswith("Your self-assessment: 24 of 24 points. Top level")
    for control in view.choices.values():
        control.value = "beginning"
    view.score_button.click()
    (output,) = view.output.outputs
    html = output["data"]["text/html"]
    assert len(re.findall("<li>", html)) == len(MEMO.criteria) and "to reach Developing" in html


def test_the_memo_exercise_grades_with_the_same_rubric_as_the_data_file():
    # The instructor's manual-grading sheet shows each written answer beside the rubric in its solution cell;
    # for the memo that must be the rubric students self-check against in lesson 05.
    from conftest import ROOT

    from usvn.grading.source import read_source

    spec = read_source(ROOT / "solutions" / "05-write-a-policy-memo.ipynb")
    (memo,) = [item for item in spec.manual_items if "Paste your memo" in item.prompt]
    assert rubric_markdown(MEMO) in memo.rubric
    assert memo.points == MEMO.max_points
