"""Item analysis (`usvn report`): on gradebooks written by the grader's own writer, for synthetic classes."""

from __future__ import annotations

import json
import random
import re
import statistics

import pytest

from usvn.cli import main
from usvn.grading.itemanalysis import SMALL_CLASS, GradebookError, analyse, load_gradebook
from usvn.grading.itemreport import ITEM_COLUMNS, write_report
from usvn.grading.reports import write_gradebook
from usvn.grading.results import ItemResult, SubmissionResult
from usvn.grading.source import Item, SourceSpec

ITEMS = [
    ("q1-test", "auto", 1.0),
    ("q2-test", "auto", 2.0),
    ("q3-test", "auto", 2.0),
    ("q4-test", "auto", 1.0),
    ("q5-test", "auto", 2.0),
    ("q6", "manual", 3.0),
    ("q7-miskeyed", "auto", 2.0),
]


def write_class(folder, scores: dict[str, dict[str, float | None]], *, items=ITEMS, not_graded=()):
    """Write results/*.json and gradebook.csv as `usvn grade` does, through the grader's own writer."""
    from nbformat.v4 import new_notebook

    spec = SourceSpec(new_notebook(), [Item(grade_id, points, kind, "") for grade_id, kind, points in items])
    results = []
    for student, points in scores.items():
        status = "not graded" if student in not_graded else "graded"
        result = SubmissionResult(
            student,
            f"{student}.ipynb",
            status,
            [
                ItemResult(
                    grade_id,
                    kind,
                    maximum,
                    points.get(grade_id),
                    "ungraded" if points.get(grade_id) is None else "passed",
                )
                for grade_id, kind, maximum in items
            ],
        )
        results.append(result)
        (folder / "results").mkdir(parents=True, exist_ok=True)
        (folder / "results" / f"{student}.json").write_text(json.dumps(result.as_dict()), encoding="utf-8")
    write_gradebook(spec, results, folder)
    return folder


def synthetic_class(size: int, seed: int = 7) -> dict[str, dict[str, float]]:
    """Students of spread ability; q7 is keyed wrong: the stronger a student, the likelier they 'fail' it."""
    rng = random.Random(seed)
    scores = {}
    for index in range(size):
        ability = index / (size - 1)
        row = {}
        for grade_id, kind, maximum in ITEMS:
            chance = 1 - ability if grade_id == "q7-miskeyed" else 0.15 + 0.75 * ability
            if kind == "manual":
                row[grade_id] = float(round(maximum * min(1.0, max(0.0, ability + rng.uniform(-0.2, 0.2)))))
            else:
                row[grade_id] = maximum if rng.random() < chance else 0.0
        scores[f"s{index:03d}"] = row
    return scores


def test_a_deliberately_mis_keyed_item_is_flagged_and_the_others_are_not(tmp_path):
    analysis = analyse(load_gradebook(write_class(tmp_path, synthetic_class(60))))
    assert analysis.students == 60 and not analysis.small_class
    assert analysis.flagged("possibly mis-keyed") == ["q7-miskeyed"]
    by_id = {item.grade_id: item for item in analysis.items}
    assert by_id["q7-miskeyed"].point_biserial < -0.3 and by_id["q7-miskeyed"].upper_lower < 0
    for grade_id in ("q1-test", "q2-test", "q3-test", "q5-test", "q6"):
        assert by_id[grade_id].point_biserial > 0.2, grade_id


def test_numbers_agree_with_an_independent_computation(tmp_path):
    scores = synthetic_class(40, seed=3)
    analysis = analyse(load_gradebook(write_class(tmp_path, scores)))
    students = sorted(scores)
    for item in analysis.items:
        maximum = next(points for grade_id, _, points in ITEMS if grade_id == item.grade_id)
        shares = [scores[s][item.grade_id] / maximum for s in students]
        rests = [sum(value for key, value in scores[s].items() if key != item.grade_id) for s in students]
        assert item.difficulty == pytest.approx(statistics.fmean(shares))
        assert item.full_marks == pytest.approx(sum(share == 1 for share in shares) / len(shares))
        assert item.point_biserial == pytest.approx(statistics.correlation(shares, rests))


def test_upper_minus_lower_and_difficulty_on_a_class_worked_by_hand(tmp_path):
    items = [("a", "auto", 1.0), ("b", "auto", 1.0), ("c", "auto", 2.0)]
    scores = {
        "ann": {"a": 1.0, "b": 1.0, "c": 2.0},
        "bo": {"a": 1.0, "b": 1.0, "c": 0.0},
        "cy": {"a": 1.0, "b": 0.0, "c": 2.0},
        "di": {"a": 0.0, "b": 0.0, "c": 1.0},
    }
    analysis = analyse(load_gradebook(write_class(tmp_path, scores, items=items)))
    c = next(item for item in analysis.items if item.grade_id == "c")
    # c: shares 1, 0, 1, 0.5; mean 0.625. Rest-scores 2, 2, 1, 0: upper 27% of 4 is one student (bo: rest 2, name
    # after ann), lower is di: 0 - 0.5 = -0.5.
    assert c.difficulty == pytest.approx(0.625) and c.full_marks == pytest.approx(0.5)
    assert c.upper_lower == pytest.approx(-0.5)
    assert analysis.percents == pytest.approx((100.0, 50.0, 75.0, 25.0))


def test_a_small_class_gets_a_plain_warning_with_the_threshold_and_why(tmp_path, capsys):
    folder = write_class(tmp_path, synthetic_class(12))
    assert main(["report", str(folder)]) == 0
    assert f"fewer than {SMALL_CLASS} students" in capsys.readouterr().out
    html = (folder / "item-analysis.html").read_text(encoding="utf-8")
    assert f"Small class (12 students, fewer than {SMALL_CLASS})" in html
    assert "standard error" in html and "27% groups hold fewer than 8 students" in html
    big = write_class(tmp_path / "big", synthetic_class(SMALL_CLASS))
    assert "Small class" not in write_report(big)[0].read_text(encoding="utf-8")


def test_a_class_where_everybody_scores_the_same_divides_by_nothing(tmp_path):
    same = {f"s{n}": {grade_id: maximum for grade_id, _, maximum in ITEMS} for n in range(8)}
    path, analysis = write_report(write_class(tmp_path, same))
    assert analysis.alpha is None
    for item in analysis.items:
        assert item.difficulty == 1 and item.point_biserial is None and item.upper_lower is None
        assert item.flags == ("everybody full marks",)
    assert "— (no variation)" in path.read_text(encoding="utf-8")
    zeros = {f"s{n}": {grade_id: 0.0 for grade_id, _, _ in ITEMS} for n in range(5)}
    _, analysis = write_report(write_class(tmp_path / "zeros", zeros))
    assert all(item.flags == ("nobody scored",) for item in analysis.items)
    _, single = write_report(write_class(tmp_path / "one", {"solo": synthetic_class(5)["s002"]}))
    assert single.students == 1 and all(item.point_biserial is None for item in single.items)


def test_the_report_embeds_plots_with_alt_text_and_writes_the_same_numbers_as_csv(tmp_path):
    path, analysis = write_report(write_class(tmp_path, synthetic_class(40)))
    html = path.read_text(encoding="utf-8")
    assert html.count('<img alt="') == 2 and html.count("data:image/png;base64,") == 2
    assert "Possibly mis-keyed, drawn as downward triangles below zero: q7-miskeyed." in html
    assert "Bar chart of the total scores of 40 students" in html
    rows = (tmp_path / "item-analysis.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0].split(",") == ITEM_COLUMNS and len(rows) == 1 + len(ITEMS)
    miskeyed = next(row for row in rows if row.startswith("q7-miskeyed,"))
    item = next(item for item in analysis.items if item.grade_id == "q7-miskeyed")
    assert f"{item.point_biserial:.3f}" in miskeyed and miskeyed.endswith("possibly mis-keyed")
    bands = (tmp_path / "score-distribution.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert len(bands) == 10 and sum(int(line.rsplit(",", 1)[1]) for line in bands) == 40


def test_pending_hand_grades_and_ungraded_students_are_said_and_left_out(tmp_path):
    scores = synthetic_class(20)
    scores["s000"]["q6"] = None
    scores["s001"]["q6"] = None
    path, analysis = write_report(write_class(tmp_path, scores, not_graded=("s019",)))
    assert analysis.students == 19 and analysis.pending == 2
    assert next(item for item in analysis.items if item.grade_id == "q6").scored == 17
    html = path.read_text(encoding="utf-8")
    assert "2 item score(s) are still missing" in html and "s019: not graded" in html


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda f: (f / "gradebook.csv").unlink(), "No gradebook.csv"),
        (lambda f: [p.unlink() for p in (f / "results").glob("*.json")], "No per-student results"),
        (lambda f: (f / "gradebook.csv").write_text(""), "is empty"),
        (
            lambda f: (f / "gradebook.csv").write_text("name,score\nann,3\n"),
            "lacks the column(s) student, status, total",
        ),
        (
            lambda f: (f / "gradebook.csv").write_text("student,status,total,max_points\nann,graded,3,5\n"),
            "no item columns",
        ),
        (lambda f: _edit(f, "s001,graded,1,", "s001,graded,one,"), "'one' is not a number of points"),
        (lambda f: _edit(f, "s001,graded,1,", "s001,graded,5,"), "5 points is outside 0-1"),
        (lambda f: _edit(f, "s001,", "s000,"), "student 's000' appears twice"),
        (lambda f: (f / "results" / "s000.json").write_text("{not json"), "not a result the grader wrote"),
        (
            lambda f: (f / "gradebook.csv").write_bytes(
                "student,status,q1-test,total,max_points\nJos\xe9,graded,1,1,1\n".encode("cp1252")
            ),
            "is not UTF-8",
        ),
        (lambda f: _edit(f, ",graded,", ",not graded,", every=True), "no graded student"),
    ],
)
def test_a_malformed_gradebook_gets_a_clear_error_and_nothing_is_written(tmp_path, damage, message):
    scores = synthetic_class(6)
    scores["s001"]["q1-test"] = 1.0
    folder = write_class(tmp_path, scores)
    damage(folder)
    with pytest.raises(GradebookError, match=re.escape(message)):
        write_report(folder)
    assert not (folder / "item-analysis.html").exists() and not (folder / "item-analysis.csv").exists()
    with pytest.raises(SystemExit, match="usvn report: "):
        main(["report", str(folder)])


def _edit(folder, old, new, every=False):
    path = folder / "gradebook.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new) if every else text.replace(old, new, 1), encoding="utf-8")


def test_the_report_command_prints_what_it_flags_and_honours_out(tmp_path, capsys):
    folder = write_class(tmp_path / "grades", synthetic_class(40))
    out = tmp_path / "elsewhere" / "analysis.html"
    assert main(["report", str(folder), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "possibly mis-keyed: q7-miskeyed" in printed and str(out) in printed
    assert out.is_file() and (out.parent / "item-analysis.csv").is_file()
