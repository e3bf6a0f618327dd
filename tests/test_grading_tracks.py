"""An optional data-skills track is totalled apart in the gradebook, so a course grade can leave it out."""

from __future__ import annotations

import csv

from gradingkit import source_notebook
from nbformat.v4 import new_notebook

from usvn.grading.reports import write_gradebook
from usvn.grading.results import ItemResult, SubmissionResult
from usvn.grading.source import Item, SourceSpec, read_source


def _gradebook(tmp_path, items, points):
    spec = SourceSpec(new_notebook(), items)
    result = SubmissionResult(
        "Ana",
        "Ana.ipynb",
        "graded",
        [ItemResult(item.grade_id, item.kind, item.points, points[item.grade_id], "passed") for item in items],
    )
    write_gradebook(spec, [result], tmp_path)
    with open(tmp_path / "gradebook.csv", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))[0]


def test_the_data_skills_track_is_totalled_apart(tmp_path):
    items = [
        Item("q1-test", 2.0, "auto", ""),
        Item("q2", 3.0, "manual", ""),
        Item("d1-test", 4.0, "auto", "", track="data-skills"),
    ]
    row = _gradebook(tmp_path, items, {"q1-test": 2.0, "q2": 1.0, "d1-test": 4.0})
    assert (row["total"], row["max_points"]) == ("7", "9")
    assert (row["core_total"], row["core_max"], row["data_skills_total"], row["data_skills_max"]) == (
        "3",
        "5",
        "4",
        "4",
    )


def test_an_assignment_without_tracks_keeps_the_gradebook_as_it_was(tmp_path):
    items = [Item("q1-test", 2.0, "auto", ""), Item("q2", 3.0, "manual", "")]
    row = _gradebook(tmp_path, items, {"q1-test": 2.0, "q2": 1.0})
    assert "core_total" not in row and row["total"] == "3"


def test_the_track_is_read_from_the_graded_cell_metadata():
    notebook = source_notebook()
    graded = [cell for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("grade")]
    graded[-1].metadata["usvn"] = {"objectives": ["00-a"], "track": "data-skills"}
    tracks = {item.grade_id: item.track for item in read_source(notebook).items}
    last = graded[-1].metadata["nbgrader"]["grade_id"]
    assert tracks[last] == "data-skills"
    assert {track for grade_id, track in tracks.items() if grade_id != last} == {"core"}
