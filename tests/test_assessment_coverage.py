"""Every objective assessed (2 quiz questions, 1 core graded item), and core items that ask for no programming.

The module-wide tests read lessons.yaml, every quiz bank and every solutions notebook. Each rule is also run on a
synthetic complete lesson, which must pass, and on broken copies of it, each of which must fail naming the gap.
"""

from __future__ import annotations

import copy

import pytest
from conftest import ROOT
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from usvn.coverage import (
    DATA_SKILLS_LABEL,
    core_code_problems,
    graded_items,
    lesson_coverage,
    module_coverage,
    module_problems,
)
from usvn.data import Lesson, Objective, load_lessons

LESSONS = load_lessons()
SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]-*.ipynb"))


# --------------------------------------------------------------------------- the module's own lessons


def test_lessons_and_solutions_were_found():
    assert len(LESSONS) >= 6 and len(SOLUTIONS) >= 5


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.stem)
def test_every_objective_has_two_quiz_questions_and_a_core_graded_item(lesson):
    coverage = module_coverage(lesson, ROOT)
    assert coverage.problems() == [], f"{lesson.stem}: " + "; ".join(coverage.problems())


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda path: path.stem)
def test_core_solution_code_asks_for_no_function_loop_or_comprehension(path):
    import nbformat

    problems = core_code_problems(nbformat.read(path, as_version=4))
    assert problems == [], f"{path.name}: " + "; ".join(problems)


def test_module_problems_lists_every_lesson():
    assert set(module_problems(ROOT)) == {lesson.stem for lesson in LESSONS}


# --------------------------------------------------------------------------- a synthetic complete lesson

LESSON = Lesson(
    9, "09-demo", "Demo", 30, "A demo lesson.", (Objective("09-a", "Code a case."), Objective("09-b", "Rate a factor."))
)
QUIZ = [
    {"id": "q1", "objective": "09-a"},
    {"id": "q2", "objective": "09-a"},
    {"id": "q3", "objective": "09-b"},
    {"id": "q4", "objective": "09-b"},
]


def _meta(grade_id, *, solution, grade, points=0, objectives=None, track="core"):
    metadata = {
        "nbgrader": {
            "grade_id": grade_id,
            "solution": solution,
            "grade": grade,
            "locked": not solution,
            "points": points,
            "schema_version": 3,
        }
    }
    if grade and objectives is not None:
        metadata["usvn"] = {"objectives": objectives, "track": track}
    return metadata


def complete_notebook():
    return new_notebook(
        cells=[
            new_code_cell(
                "from usvn.grading.checks import one_of, passed", metadata=_meta("setup", solution=False, grade=False)
            ),
            new_markdown_cell('## 1. Code the case\n\nChoose a channel: "a", "b" or "c".'),
            new_code_cell(
                'channel = None\n### BEGIN SOLUTION\nchannel = "b"\n### END SOLUTION',
                metadata=_meta("q1", solution=True, grade=False),
            ),
            new_code_cell(
                'one_of(channel, ["a", "b", "c"], "channel")\npassed("Question 1")',
                metadata=_meta("q1-test", solution=False, grade=True, points=2, objectives=["09-a"]),
            ),
            new_markdown_cell("## 2. Rate the factor\n\nWhy that rating? One sentence."),
            new_markdown_cell(
                "It leans state-directed.\n\n**Rubric** 2 points for a reason from the evidence.",
                metadata=_meta("q2", solution=True, grade=True, points=2, objectives=["09-b"]),
            ),
            new_markdown_cell(f"## 3. Count with code\n\n*{DATA_SKILLS_LABEL}.* Write a function."),
            new_code_cell(
                "def count(xs):\n    ### BEGIN SOLUTION\n    return sum(1 for x in xs)\n    ### END SOLUTION",
                metadata=_meta("q3", solution=True, grade=False),
            ),
            new_code_cell(
                "assert count([1, 2]) == 2",
                metadata=_meta(
                    "q3-test", solution=False, grade=True, points=1, objectives=["09-a"], track="data-skills"
                ),
            ),
        ]
    )


def problems_of(notebook, quiz=QUIZ):
    return lesson_coverage(LESSON, quiz, notebook).problems() + core_code_problems(notebook)


def test_a_complete_lesson_passes_both_rules():
    notebook = complete_notebook()
    assert problems_of(notebook) == []
    coverage = lesson_coverage(LESSON, QUIZ, notebook)
    by_id = {entry.objective.id: entry for entry in coverage.objectives}
    assert by_id["09-a"].quiz == ["q1", "q2"] and by_id["09-a"].core == ["q1-test"]
    assert by_id["09-a"].data_skills == ["q3-test"] and by_id["09-b"].core == ["q2"]


def test_an_objective_with_one_quiz_question_is_named():
    assert problems_of(complete_notebook(), QUIZ[:3]) == ["09-b: 1 quiz question (needs 2)"]


def test_an_objective_assessed_only_by_a_data_skills_item_is_named():
    notebook = complete_notebook()
    notebook.cells[3].metadata["usvn"]["objectives"] = ["09-b"]  # 09-a keeps only the data-skills item
    assert problems_of(notebook) == ["09-a: no core graded item (needs 1)"]


def test_a_missing_solutions_notebook_is_named():
    assert lesson_coverage(LESSON, QUIZ, None).problems() == [
        "09-a: no core graded item (needs 1)",
        "09-b: no core graded item (needs 1)",
        "no solutions notebook for lesson 09",
    ]


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda meta: meta.pop("usvn"), "graded item q2: has no usvn metadata"),
        (lambda meta: meta["usvn"].update(track="optional"), "graded item q2: usvn.track is 'optional'"),
        (lambda meta: meta["usvn"].update(objectives=[]), "graded item q2: usvn.objectives must be a non-empty list"),
        (
            lambda meta: meta["usvn"].update(objectives=["08-b"]),
            "graded item q2: names objectives lesson 09 does not state: 08-b",
        ),
    ],
)
def test_bad_item_metadata_is_named(change, expected):
    notebook = complete_notebook()
    change(notebook.cells[5].metadata)
    problems = problems_of(notebook)
    assert any(problem.startswith(expected) for problem in problems), problems
    assert "09-b: no core graded item (needs 1)" in problems


def test_an_unlabelled_data_skills_item_is_named():
    notebook = complete_notebook()
    notebook.cells[6].source = "## 3. Count with code\n\nWrite a function."
    assert problems_of(notebook) == [
        f'graded item q3-test: a data-skills item, but no cell before it says "{DATA_SKILLS_LABEL}"'
    ]


@pytest.mark.parametrize(
    "code, construct",
    [
        ('def pick():\n    return "b"\nchannel = pick()', "a function definition (def)"),
        ('channel = (lambda: "b")()', "a lambda"),
        ('for channel in ["b"]:\n    pass', "a for loop"),
        ('channel = "a"\nwhile channel != "b":\n    channel = "b"', "a while loop"),
        ('channel = [c for c in "b"][0]', "a list comprehension"),
        ('channel = {c: c for c in "b"}["b"]', "a dict comprehension"),
        ('channel = {c for c in "b"}.pop()', "a set comprehension"),
        ('channel = next(c for c in "b")', "a generator expression"),
        ('class Channel:\n    pass\nchannel = "b"', "a class definition"),
    ],
)
def test_programming_in_a_core_answer_is_named(code, construct):
    notebook = complete_notebook()
    notebook.cells[2].source = f"channel = None\n### BEGIN SOLUTION\n{code}\n### END SOLUTION"
    problems = core_code_problems(notebook)
    assert problems and all(problem.startswith("answer cell q1 (core):") for problem in problems), problems
    assert any(construct in problem for problem in problems), problems


def test_the_same_code_in_a_data_skills_answer_is_allowed_and_no_track_means_core():
    notebook = complete_notebook()
    assert core_code_problems(notebook) == []  # q3 defines a function, but it is data-skills
    unlabelled = copy.deepcopy(notebook)
    del unlabelled.cells[8].metadata["usvn"]
    assert any(
        problem.startswith("answer cell q3 (core): a function definition") for problem in core_code_problems(unlabelled)
    )


def test_an_answer_cell_no_test_reads_is_named_and_broken_code_is_reported():
    notebook = complete_notebook()
    notebook.cells[2].source = 'other = "b"'
    assert any("answer cell q1: no graded test reads" in problem for problem in core_code_problems(notebook))
    notebook.cells[2].source = 'channel = ("b"'
    # The grader's source reader refuses such a notebook first, naming the cell; either way the problem is named.
    assert any(
        "not valid Python" in problem and ("q1" in problem or "cell 3" in problem)
        for problem in core_code_problems(notebook)
    )


def test_an_answer_cells_own_track_decides_and_magics_are_ignored():
    notebook = complete_notebook()
    notebook.cells[2].source = '%matplotlib inline\nchannel = [c for c in "b"][0]'
    notebook.cells[2].metadata["usvn"] = {"objectives": ["09-a"], "track": "data-skills"}
    assert core_code_problems(notebook) == []


def test_graded_items_reads_kind_points_and_track():
    items, problems = graded_items(complete_notebook(), LESSON)
    assert problems == []
    assert [(item.grade_id, item.kind, item.points, item.track) for item in items] == [
        ("q1-test", "test", 2.0, "core"),
        ("q2", "written", 2.0, "core"),
        ("q3-test", "test", 1.0, "data-skills"),
    ]
