"""Part 1: ordinary nbgrader assignments, graded with the scores nbgrader gives, and what crosses the boundary.

Test code runs in the grader, as ordinary Python, against the source's setup cells; the student's names are
stand-ins (values, or proxies that call the student's function in the kernel). A test that cannot be run that
way makes its own item "graded by hand", never the whole run.
"""

from __future__ import annotations

import csv
import io
import json

import gradingkit as kit
import problemset
import pytest

from usvn.grading.batch import grade_batch
from usvn.grading.sandbox import Limits
from usvn.grading.source import SourceError, read_source

LIMITS = Limits(cell_timeout=15, submission_timeout=120, call_timeout=5)
STUDENTS = 7


@pytest.fixture(scope="module")
def ordinary(tmp_path_factory):
    root = tmp_path_factory.mktemp("ordinary")
    key = kit.write(problemset.source_notebook(), root / "key" / "ps.ipynb")
    notebooks = {f"student{number}": problemset.submission(number) for number in range(STUDENTS)}
    for name, notebook in notebooks.items():
        kit.write(notebook, root / "subs" / f"{name}.ipynb")
    log = io.StringIO()
    results = grade_batch(key, root / "subs", root / "out", jobs=2, limits=LIMITS, stream=log)
    theirs = kit.nbgrader_scores(key, notebooks, root / "nbgrader")
    return {
        "root": root,
        "key": key,
        "results": {result.student: result for result in results},
        "nbgrader": theirs,
        "log": log.getvalue(),
    }


def test_the_ordinary_problem_set_is_accepted_and_uses_setup_data_loops_and_helpers():
    spec = read_source(problemset.source_notebook())
    names = {item.grade_id: set(item.answers) for item in spec.auto_items}
    # The setup's data and the helper defined in an earlier test cell are the grader's, not the student's.
    assert names["weighted-test"] == {"weighted_score"}
    assert names["normalise-test"] == {"weighted_score", "normalise"}
    assert any("COUNTRIES" in code for _, code in spec.setup)


def test_scores_equal_nbgrader_on_honest_submissions(ordinary):
    ours = {
        student: {item.grade_id: item.points for item in result.items if item.kind == "auto"}
        for student, result in ordinary["results"].items()
    }
    assert set(ours) == set(ordinary["nbgrader"]) and len(ours) == STUDENTS
    differences = [
        (student, grade_id, points, ordinary["nbgrader"][student].get(grade_id))
        for student, items in ours.items()
        for grade_id, points in items.items()
        if ordinary["nbgrader"][student].get(grade_id) != points
    ]
    assert differences == []
    # The class is varied: every item is passed by someone and failed by someone.
    for grade_id in problemset.TESTS:
        awarded = {items[f"{grade_id}-test"] for items in ours.values()}
        assert 0 in awarded and problemset.POINTS[grade_id] in awarded, (grade_id, awarded)


def test_a_function_that_changes_its_argument_is_seen_changed_as_in_the_kernel(ordinary):
    # Variant 3 of normalise() divides the dict it was given in place; the hidden test notices.
    mutating = [
        name
        for name in ordinary["results"]
        if "scores[name] = " in problemset.submission(int(name[-1])).cells[12].source
    ]
    assert mutating, "no submission in the class mutates its argument"
    for name in mutating:
        assert ordinary["results"][name].item("normalise-test").points == 0


def test_hidden_test_failures_show_no_hidden_text(ordinary):
    failed = [item for result in ordinary["results"].values() for item in result.items if item.points == 0]
    assert failed, "no item failed in the class, so no failure feedback was checked"
    for item in failed:
        assert "expected" not in item.feedback and "Arcadia" not in item.feedback, item.feedback


HAND_SOURCE = """import math
DATA = [3, 1, 2]"""


def _hand_source():
    cells = [
        kit.cell("code", HAND_SOURCE, "setup", locked=True),
        kit.cell(
            "code",
            "def total(values):\n    ### BEGIN SOLUTION\n    return sum(values)\n    ### END SOLUTION",
            "total",
            solution=True,
        ),
        kit.cell(
            "code",
            "assert total(DATA) == 6\nassert total.__doc__ is None or True",
            "total-doc",
            grade=True,
            locked=True,
            points=1,
        ),
        kit.cell(
            "code",
            "assert total([1, 1]) == 2\n### BEGIN HIDDEN TESTS\nassert total(DATA) == 6\n### END HIDDEN TESTS",
            "total-test",
            grade=True,
            locked=True,
            points=2,
        ),
        kit.cell(
            "code",
            "### BEGIN SOLUTION\nclass Box:\n    pass\nbox = Box()\nvalues = (1, 2.0, float('nan'))\n### END SOLUTION",
            "box",
            solution=True,
        ),
        kit.cell("code", "assert box is not None", "box-test", grade=True, locked=True, points=1),
        kit.cell(
            "code",
            "assert type(values) is tuple and type(values[0]) is int and type(values[1]) is float\n"
            "assert math.isnan(values[2])",
            "values-test",
            grade=True,
            locked=True,
            points=1,
        ),
    ]
    return kit.notebook_of(cells)


def test_a_test_that_reaches_into_student_objects_is_graded_by_hand_item_by_item(tmp_path):
    key = kit.write(_hand_source(), tmp_path / "key" / "hand.ipynb")
    kit.write(_hand_source(), tmp_path / "subs" / "ann.ipynb")
    results = grade_batch(key, tmp_path / "subs", tmp_path / "out", jobs=1, limits=LIMITS, stream=io.StringIO())
    result = results[0]
    doc, test, box, values = (
        result.item(grade_id) for grade_id in ("total-doc", "total-test", "box-test", "values-test")
    )
    assert doc.status == "hand" and doc.points is None and "total.__doc__" in doc.note
    assert box.status == "hand" and "Box" in box.note
    assert test.status == "passed" and values.status == "passed"  # the rest of the run is graded
    with open(tmp_path / "out" / "manual-grading.csv", encoding="utf-8") as stream:
        rows = {row["item"]: row for row in csv.DictReader(stream)}
    assert {"total-doc", "box-test"} <= set(rows) and "total.__doc__" in rows["total-doc"]["answer"]
    with open(tmp_path / "out" / "gradebook.csv", encoding="utf-8") as stream:
        book = next(csv.DictReader(stream))
    assert set(book["needs_hand_grading"].split()) == {"total-doc", "box-test"}


def test_values_cross_type_strictly(tmp_path):
    from usvn.grading.extract import encode
    from usvn.grading.wire import Unsupported, decode

    numpy = pytest.importorskip("numpy")
    samples = [
        None,
        True,
        1,
        1.0,
        -0.0,
        float("inf"),
        "tên",
        [1, (2, {3})],
        {(1, 2): frozenset({"a"})},
        2**80,
        numpy.int64(3),
        numpy.float32(0.5),
        numpy.arange(6).reshape(2, 3),
    ]
    for value in samples:
        back = decode(json.loads(json.dumps(encode(value))))
        assert type(back) is type(value), (value, back)
        if type(value).__name__ == "ndarray":
            assert back.dtype == value.dtype and (back == value).all()
        else:
            assert repr(back) == repr(value)
    nan = decode(json.loads(json.dumps(encode(float("nan")))))
    assert type(nan) is float and nan != nan

    class Own(str):
        pass

    assert isinstance(decode(encode(Own("a"))), Unsupported)
    assert isinstance(decode({"__t": "bigint", "v": "9" * 100_000}), Unsupported)  # decoding work is bounded


def test_a_source_the_grader_cannot_use_is_refused_naming_the_cell():
    notebook = problemset.source_notebook()
    notebook.cells[7].metadata["nbgrader"]["grade_id"] = "weighted-test"
    with pytest.raises(SourceError, match=r"cell 8 \('weighted-test'\).*used twice"):
        read_source(notebook)
    plain = problemset.source_notebook()
    for cell in plain.cells:
        cell.metadata.pop("nbgrader", None)
    with pytest.raises(SourceError, match="no graded cells"):
        read_source(plain)
    broken = problemset.source_notebook()
    broken.cells[1].source = "COUNTRIES = {}\nWEIGHTS = 1 / 0"
    from usvn.grading.evaluate import check_setup

    with pytest.raises(SourceError, match=r"cell 2 \('setup'\).*ZeroDivisionError"):
        check_setup(read_source(broken))


def test_a_function_that_removes_the_graders_helpers_from_the_kernel_is_still_graded(tmp_path):
    # The helpers travel with the first call only; later calls find them in the kernel's sys.modules. A function
    # that deletes them there must cost the student nothing: the next call sends them again.
    def source(body: str):
        return kit.notebook_of(
            [
                kit.cell(
                    "code",
                    f"def double(x):\n    ### BEGIN SOLUTION\n{body}\n    ### END SOLUTION",
                    "double",
                    solution=True,
                ),
                kit.cell(
                    "code",
                    "assert double(1) == 2\nassert double(2) == 4\nassert [double(n) for n in range(3)] == [0, 2, 4]",
                    "double-test",
                    grade=True,
                    locked=True,
                    points=2,
                ),
            ]
        )

    key = kit.write(source("    return 2 * x"), tmp_path / "key" / "double.ipynb")
    forgetful = (
        "    import sys\n"
        "    for name in [name for name in sys.modules if name.startswith('_usvn_wire_')]:\n"
        "        del sys.modules[name]\n"
        "    return 2 * x"
    )
    kit.write(source(forgetful), tmp_path / "subs" / "ann.ipynb")
    results = grade_batch(key, tmp_path / "subs", tmp_path / "out", jobs=1, limits=LIMITS, stream=io.StringIO())
    item = results[0].item("double-test")
    assert (item.status, item.points) == ("passed", 2), item.note
