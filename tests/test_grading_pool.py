"""A batch starts each submission's kernel before that submission's turn; nothing of it may be shared.

Each kernel is started for one submission and destroyed after it. These tests fail if a started kernel served two
students, if anything one student's code left behind (a global, a file, a patched module, a planted module) could
be seen by the next one, if a waiting kernel that died cost the student anything, or if warming a kernel's
``sys.modules`` changed a score.
"""

from __future__ import annotations

import ast
import io

import gradingkit as kit
import problemset
import pytest
from nbformat.v4 import new_notebook

from usvn.grading import grade, runner
from usvn.grading.batch import grade_batch
from usvn.grading.sandbox import Limits
from usvn.grading.source import read_source

LIMITS = Limits(cell_timeout=20, submission_timeout=120, call_timeout=5, memory_mb=1536, processes=40, disk_mb=48)

#: The student's answer records what the kernel held before the student's own code ran, then leaves traces.
PROBE = """import builtins, os, sys
ip = get_ipython()
seen = {
    "id": ip.kernel.session.session[-12:],
    "count": ip.execution_count,
    "history": len(ip.user_ns["In"]),
    "warm": "colorsys" in sys.modules,
    "global": "LEFTOVER" in globals(),
    "bound": "colorsys" in globals(),
    "file": os.path.exists("leftover.txt"),
    "tmp": os.path.exists("/tmp/leftover"),
    "patched": "colorsys" in sys.modules and sys.modules["colorsys"].rgb_to_hsv(0, 0, 0) != (0.0, 0.0, 0.0),
    "builtin": hasattr(builtins, "usvn_leftover"),
    "planted": "usvn_planted" in sys.modules,
}
LEFTOVER = 1
open("leftover.txt", "w").write("x")
open("/tmp/leftover", "w").write("x")
import colorsys
colorsys.rgb_to_hsv = lambda *args: "patched"
builtins.usvn_leftover = 1
sys.modules["usvn_planted"] = colorsys
"""


def _source():
    """An answer cell that runs before the locked setup cell, its test, then the setup (which imports colorsys)."""
    cells = [
        kit.cell("code", "seen = None\n### BEGIN SOLUTION\nseen = {}\n### END SOLUTION", "probe", solution=True),
        kit.cell("code", "assert isinstance(seen, dict)", "probe-test", grade=True, locked=True, points=1),
        kit.cell("code", "import colorsys\nimport json", "setup", locked=True),
    ]
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


def _seen(result) -> dict:
    answer = result.item("probe-test").answer
    assert answer.startswith("seen = {"), answer
    return ast.literal_eval(answer[len("seen = ") :])


def test_the_warm_modules_are_the_locked_cells_top_level_imports(tmp_path):
    spec = read_source(kit.write(_source(), tmp_path / "key.ipynb"))
    assert runner.warm_modules(spec) == ["colorsys", "json"]


@pytest.fixture(scope="module")
def probed(tmp_path_factory):
    """Five students graded one at a time (one job), so each next kernel is started while the current one runs."""
    root = tmp_path_factory.mktemp("pool")
    key = kit.write(_source(), root / "key.ipynb")
    for number in range(5):
        notebook = _source()
        notebook.cells[0].source = PROBE
        kit.write(notebook, root / "subs" / f"student{number}.ipynb")
    results = grade_batch(key, root / "subs", root / "out", jobs=1, limits=LIMITS, stream=io.StringIO())
    cold = grade(key, root / "subs" / "student0.ipynb", limits=LIMITS)  # a kernel started alone, not warmed
    return {"batch": {result.student: result for result in results}, "cold": _seen(cold)}


def test_every_student_gets_a_kernel_of_its_own_that_ran_nothing_before(probed):
    seen = {student: _seen(result) for student, result in probed["batch"].items()}
    assert len({record["id"] for record in seen.values()}) == len(seen) == 5
    cold = probed["cold"]
    assert not cold["warm"]
    for student, record in seen.items():
        # The warm-up neither counts as an execution nor enters the history: the first cell finds the same
        # count and history as in a kernel started for it alone, so no cell of anyone ran in it before.
        assert (record["count"], record["history"]) == (cold["count"], cold["history"]), (student, record)


def test_the_kernel_was_warmed_before_the_first_cell_and_no_name_was_bound(probed):
    for student, result in probed["batch"].items():
        record = _seen(result)
        assert record["warm"] and not record["bound"], (student, record)
        assert result.status == "graded" and result.item("probe-test").points == 1, (student, result.problems)


@pytest.mark.parametrize("trace", ["global", "file", "tmp", "patched", "builtin", "planted"])
def test_nothing_a_student_leaves_behind_reaches_the_next_student(probed, trace):
    seen = {student: _seen(result) for student, result in probed["batch"].items()}
    assert not any(record[trace] for record in seen.values()), seen


def test_a_waiting_kernel_that_died_is_replaced_and_the_student_is_charged_nothing(tmp_path, monkeypatch):
    key = kit.write(kit.source_notebook(), tmp_path / "key.ipynb")
    submission = kit.write(kit.submission(), tmp_path / "subs" / "ann.ipynb")
    monkeypatch.setattr(runner, "_warm_code", lambda modules: "import os\nos._exit(9)\n")
    turns = []
    result = grade(key, submission, limits=LIMITS, gate=lambda: turns.append(1))
    assert turns == [1]
    assert result.status == "graded" and not result.problems and not result.infrastructure, result.problems
    assert result.auto_points == 8


def test_warm_imports_do_not_change_scores(tmp_path):
    """The same submissions graded one by one (cold kernels) and in a batch (started early and warmed)."""
    key = kit.write(problemset.source_notebook(), tmp_path / "key.ipynb")
    for number in range(4):
        kit.write(problemset.submission(number), tmp_path / "subs" / f"student{number}.ipynb")
    batch = grade_batch(key, tmp_path / "subs", tmp_path / "out", jobs=1, limits=LIMITS, stream=io.StringIO())
    for result in batch:
        cold = grade(key, tmp_path / "subs" / f"{result.student}.ipynb", limits=LIMITS)
        assert [(item.grade_id, item.points, item.status) for item in result.items] == [
            (item.grade_id, item.points, item.status) for item in cold.items
        ], result.student
        assert result.status == cold.status == "graded"
