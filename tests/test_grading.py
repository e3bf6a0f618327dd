"""The grader against every failure mode, on one shared batch of synthetic submissions (graded once).

Each test names the protection it checks; a grader without that protection fails it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import gradingkit as kit
import pytest

from usvn.grading import grade
from usvn.grading.batch import discover, grade_batch
from usvn.grading.files import atomic_write
from usvn.grading.reports import merge_manual
from usvn.grading.sandbox import Limits, detect, probe
from usvn.grading.source import SourceError, read_source

LIMITS = Limits(
    cell_timeout=8, submission_timeout=90, call_timeout=5, memory_mb=1536, processes=40, output_bytes=200_000
)
AUTO_MAX = 8.0


def hostile(root: Path) -> dict[str, object]:
    """Submissions by file name (or folder), each a notebook or raw bytes."""
    key = root / "key" / "ps.ipynb"
    subs = root / "subs"
    correct = kit.submission()
    wrong_types = kit.submission({"q1": "choice = 2", "q2": "count = 6.0", "q3": 'ids = ("a-1", "b-2")'})
    loop = kit.submission(extra_cells=[("q2", "while True:\n    pass")])
    deaf_loop = kit.submission(
        extra_cells=[("q1", "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass")]
    )
    crash = kit.submission(extra_cells=[("q2", "import os\nos._exit(3)")])
    huge = kit.submission(extra_cells=[("q1", "for _ in range(200):\n    print('x' * 100_000)")])
    spawn = kit.submission(
        extra_cells=[
            (
                "q1",
                "import subprocess\nkids = []\nfor _ in range(300):\n"
                "    kids.append(subprocess.Popen(['sleep', '313.25']))",
            )
        ]
    )
    reader = kit.submission(
        {"q1": 'choice = "a"', "q3": "ids = []"},
        extra_cells=[
            (
                "q3",
                (
                    "import os\n"
                    f"try:\n    choice = 'b' if 'same(choice' in open({str(key)!r}).read() else 'a'\n"
                    "except OSError:\n    pass\n"
                    f"seen = []\nfor folder in ({str(subs)!r}, {str(root / 'out')!r}, {str(key.parent)!r}):\n"
                    "    try:\n        seen += os.listdir(folder)\n    except OSError:\n        pass\nids = seen"
                ),
            )
        ],
    )
    locked = kit.submission({"q2": "count = 5"}, edit={"q2-test": "pass"}, drop=("q3-test",))
    cheat = kit.submission(
        {
            "q1": 'choice = "a"',
            "q2": "count = 1",
            "q3": "ids = ['zzz']",
            "q4": "def weighted(scores, weights):\n    return -1",
        },
        extra_cells=[
            (
                "q4",
                "import usvn.grading.checks as c\n"
                "for name in ('same', 'close', 'one_of', 'same_items', 'is_instance'):\n"
                "    setattr(c, name, lambda *args, **kwargs: None)\n"
                "same = close = one_of = same_items = is_instance = c.same\n"
                "class Always(str):\n    def __eq__(self, other):\n        return True\n"
                "choice = Always('a')",
            )
        ],
    )
    memory = kit.submission(extra_cells=[("q2", "hog = bytearray(3 * 1024 ** 3)")])
    hang_function = kit.submission({"q4": "def weighted(scores, weights):\n    while True:\n        pass"})
    kill_function = kit.submission({"q4": "def weighted(scores, weights):\n    import os\n    os._exit(1)"})
    cp1252 = kit.submission()
    cp1252.cells[0].source = "# Practice set – café"
    wrong_kernel = kit.submission(kernelspec={"name": "ir", "display_name": "R", "language": "R"})
    text = json.dumps(cp1252, ensure_ascii=False)
    return {
        "alice.ipynb": correct,
        "carol_12345_67890_ps.ipynb": wrong_types,
        "loop.ipynb": loop,
        "deafloop.ipynb": deaf_loop,
        "crash.ipynb": crash,
        "huge.ipynb": huge,
        "spawn.ipynb": spawn,
        "reader.ipynb": reader,
        "locked.ipynb": locked,
        "cheat.ipynb": cheat,
        "memory.ipynb": memory,
        "hangfn.ipynb": hang_function,
        "killfn.ipynb": kill_function,
        "latin.ipynb": text.encode("cp1252"),
        "kernel.ipynb": wrong_kernel,
        "broken.ipynb": b'{"cells": [',
        "Bob Smith_123_assignsubmission_file_/ps.ipynb": correct,
        "Empty Person_124_assignsubmission_file_/notes.txt": b"no notebook here",
    }


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("grading")
    key = kit.write(kit.source_notebook(), root / "key" / "ps.ipynb")
    for name, content in hostile(root).items():
        path = root / "subs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            kit.write(content, path)
    log = io.StringIO()
    results = grade_batch(key, root / "subs", root / "out", jobs=2, limits=LIMITS, isolation="auto", stream=log)
    return {"root": root, "key": key, "results": {result.student: result for result in results}, "log": log.getvalue()}


def scores(result) -> dict[str, float | None]:
    return {item.grade_id: item.points for item in result.items}


def test_strong_isolation_is_available_and_used(batch):
    ok, why = probe("bwrap")
    assert ok, f"bubblewrap is needed for strong isolation (apt-get install bubblewrap): {why}"
    assert detect("auto")[0] == "bwrap"
    assert all(
        result.isolation.startswith("bwrap") for result in batch["results"].values() if result.status != "not graded"
    )
    assert "isolation: bwrap" in batch["log"]


def test_every_submission_gets_a_row(batch):
    with open(batch["root"] / "out" / "gradebook.csv", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 18 == len(batch["results"])
    assert {"alice", "carol", "Bob Smith", "Empty Person"} <= {row["student"] for row in rows}
    assert set(rows[0]) >= {"q1-test", "q2-test", "q3-test", "q4-test", "q5", "total", "reason"}


def test_a_correct_submission_scores_full_marks_and_waits_for_the_hand_grade(batch):
    result = batch["results"]["alice"]
    assert result.status == "graded" and result.auto_points == AUTO_MAX
    assert scores(result)["q5"] is None and result.item("q5").answer == kit.CORRECT["q5"]
    assert result.changes == "" and result.problems == []  # silent for a clean submission


def test_comparison_is_type_strict(batch):
    got = scores(batch["results"]["carol"])  # 2 for "b", 6.0 for 6, a tuple for a list
    assert got["q1-test"] == got["q2-test"] == got["q3-test"] == 0 and got["q4-test"] == 3
    assert "whole number" in batch["results"]["carol"].item("q2-test").feedback


@pytest.mark.parametrize("student", ["loop", "deafloop", "crash"])
def test_a_hanging_or_crashing_cell_costs_only_what_depends_on_it(batch, student):
    result = batch["results"][student]
    assert result.auto_points == AUTO_MAX, result.problems
    assert result.status == "partial" and result.problems
    assert any(("limit" in problem or "stopped the kernel" in problem) for problem in result.problems)


def test_memory_is_limited_and_only_the_greedy_cell_fails(batch):
    result = batch["results"]["memory"]
    assert result.auto_points == AUTO_MAX
    assert any("MemoryError" in error for error in result.cell_errors), result.cell_errors


def test_inserted_cells_are_reported_in_one_quiet_line(batch):
    assert batch["results"]["loop"].changes == "1 cell inserted"


def test_huge_output_is_capped_and_grading_goes_on(batch):
    result = batch["results"]["huge"]
    assert result.auto_points == AUTO_MAX
    assert any("output past" in problem for problem in result.problems)


def test_process_spawning_hits_the_limit_and_nothing_survives(batch):
    result = batch["results"]["spawn"]
    assert result.auto_points == AUTO_MAX
    assert any("BlockingIOError" in error or "Resource temporarily" in error for error in result.cell_errors), (
        result.cell_errors
    )
    survivors = subprocess.run(["pgrep", "-f", "^sleep 313.25$"], capture_output=True, text=True).stdout.split()
    assert survivors == []


def test_the_key_other_submissions_and_the_gradebook_are_out_of_reach(batch):
    result = batch["results"]["reader"]
    assert scores(result)["q1-test"] == 0, "the kernel read the answer key"
    seen = result.item("q3-test").answer
    assert "alice" not in seen and "gradebook" not in seen and "ps.ipynb" not in seen, seen


def test_the_key_is_out_of_reach_with_namespaces_only(batch, tmp_path):
    reader = batch["root"] / "subs" / "reader.ipynb"
    result = grade(
        batch["key"], reader, limits=LIMITS, isolation="unshare", scratch=tmp_path, hide=[batch["root"] / "out"]
    )
    assert result.isolation.startswith("unshare")
    assert scores(result)["q1-test"] == 0
    assert "alice" not in result.item("q3-test").answer


def test_locked_and_test_cells_are_restored_and_reported(batch):
    result = batch["results"]["locked"]
    assert scores(result)["q2-test"] == 0  # the student's `pass` did not replace the test
    assert scores(result)["q3-test"] == 2  # the deleted test was put back and run
    assert "edited locked cells restored: q2-test" in result.changes
    assert "deleted locked cells restored: q3-test" in result.changes


def test_overwriting_the_check_functions_awards_nothing(batch):
    result = batch["results"]["cheat"]
    assert result.auto_points == 0, scores(result)


@pytest.mark.parametrize("student", ["hangfn", "killfn"])
def test_a_function_that_hangs_or_kills_the_kernel_fails_only_its_own_item(batch, student):
    result = batch["results"][student]
    assert scores(result)["q4-test"] == 0
    assert result.auto_points == AUTO_MAX - 3
    if student == "hangfn":
        assert "weighted() did not return in time" in result.item("q4-test").feedback
    else:
        assert any("weighted() stopped the kernel" in problem for problem in result.problems)


def test_unreadable_files_get_a_row_with_a_plain_reason(batch):
    broken = batch["results"]["broken"]
    assert broken.status == "not graded" and "not valid JSON" in broken.reason
    assert batch["results"]["Empty Person"].reason == "no .ipynb file in the student's folder"


def test_non_utf8_and_wrong_kernelspec_are_graded_with_a_note(batch):
    latin = batch["results"]["latin"]
    assert latin.auto_points == AUTO_MAX and any("not UTF-8" in problem for problem in latin.problems)
    kernel = batch["results"]["kernel"]
    assert kernel.auto_points == AUTO_MAX and any("kernelspec 'ir' ignored" in p for p in kernel.problems)


def test_feedback_shows_items_and_public_messages_but_no_key(batch):
    folder = batch["root"] / "out" / "feedback"
    pages = sorted(folder.glob("*.html"))
    assert len(pages) == 18
    carol = (folder / "carol.html").read_text(encoding="utf-8")
    assert "<caption>" in carol and "q2-test" in carol and "whole number" in carol
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "same(count, 6" not in text and "HIDDEN" not in text


def test_hand_grades_merge_back_and_bad_rows_change_nothing(batch, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(batch["root"] / "out", out)
    with open(out / "manual-grading.csv", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert {row["student"] for row in rows} >= {"alice", "Bob Smith"} and all(row["rubric"] for row in rows)
    for row in rows:
        row["score"] = "2" if row["student"] == "alice" else ("9" if row["student"] == "Bob Smith" else "")
    rows.append({**rows[0], "student": "nobody"})
    with open(out / "filled.csv", "w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    applied, problems = merge_manual(read_source(batch["key"]), out, out / "filled.csv")
    assert applied == 1
    assert any("outside 0–2" in problem for problem in problems) and any("nobody" in p for p in problems)
    with open(out / "gradebook.csv", encoding="utf-8") as stream:
        book = {row["student"]: row for row in csv.DictReader(stream)}
    assert book["alice"]["q5"] == "2" and book["alice"]["total"] == "10"
    assert book["Bob Smith"]["q5"] == "" and book["Bob Smith"]["needs_hand_grading"] == "q5"


def test_an_interrupted_run_resumes_and_regrades_identically(batch, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(batch["root"] / "out", out)
    before = (out / "gradebook.csv").read_text(encoding="utf-8")
    (out / "results" / "loop.json").unlink()  # as if the run stopped before this one finished
    machine = [result.student for result in batch["results"].values() if result.infrastructure]  # e.g. overload
    log = io.StringIO()
    grade_batch(batch["key"], batch["root"] / "subs", out, jobs=2, limits=LIMITS, stream=log)
    again = 1 + len(set(machine) - {"loop"})
    assert f"resuming: {18 - again} already graded, {again} to grade" in log.getvalue()
    assert (out / "gradebook.csv").read_text(encoding="utf-8") == before


def test_the_gradebook_is_written_atomically(tmp_path, monkeypatch):
    path = tmp_path / "gradebook.csv"
    atomic_write(path, "old\n")

    def fail(_descriptor):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(OSError):
        atomic_write(path, "new and half-written\n")
    assert path.read_text() == "old\n" and [entry.name for entry in tmp_path.iterdir()] == ["gradebook.csv"]


def test_lms_layouts_name_students():
    assert [submission.student for submission in discover_names(["ann_LATE_1_2_ps.ipynb", "x.ipynb"])] == ["ann", "x"]


def discover_names(names):
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            (Path(folder) / name).write_text("{}")
        return discover(Path(folder))


def test_the_source_format_is_checked_with_messages_naming_the_cell():
    notebook = kit.source_notebook()
    notebook.cells[4].metadata["nbgrader"]["grade_id"] = "q2-test"
    with pytest.raises(SourceError, match="used twice"):
        read_source(notebook)
    notebook = kit.source_notebook()
    notebook.cells[13].source = "close(weighted([1, 3], [1, 1]), 2.0, 'w'"
    with pytest.raises(SourceError, match=r"cell 14 \('q4-test'\): the test code is not valid Python"):
        read_source(notebook)
    notebook = kit.source_notebook()  # any Python that passes values is accepted: no "literal arguments only"
    notebook.cells[13].source = "close(weighted(list(range(1, 4)), [len('a')] * 3), 2.0, 'w')"
    assert read_source(notebook).auto_items[3].answers == ("weighted",)  # `close` comes from the setup cell


def test_the_api_grades_one_submission(batch, tmp_path):
    result = grade(batch["key"], batch["root"] / "subs" / "alice.ipynb", limits=LIMITS, scratch=tmp_path)
    assert [(item.grade_id, item.points) for item in result.items] == [
        ("q1-test", 1.0),
        ("q2-test", 2.0),
        ("q3-test", 2.0),
        ("q4-test", 3.0),
        ("q5", None),
    ]
    assert not list(tmp_path.iterdir()), "the scratch area is removed after grading"


def test_command_line_grades_and_names_a_missing_source(tmp_path, capsys):
    from usvn.cli import main

    key = kit.write(kit.source_notebook(), tmp_path / "key" / "ps.ipynb")
    kit.write(kit.submission(), tmp_path / "subs" / "alice.ipynb")
    out = tmp_path / "out"
    assert main(["grade", str(tmp_path / "subs"), "--out", str(out), "--source", str(key), "--jobs", "1"]) == 0
    assert "1 students; 1 written answers to grade by hand" in capsys.readouterr().out
    with open(out / "gradebook.csv", encoding="utf-8") as stream:
        (row,) = csv.DictReader(stream)
    assert row["student"] == "alice" and float(row["q4-test"]) == 3.0
    with pytest.raises(SystemExit, match="not found"):
        main(["grade", str(tmp_path / "subs"), "--out", str(out), "--source", str(tmp_path / "none.ipynb")])
