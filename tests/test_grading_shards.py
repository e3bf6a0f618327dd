"""Grading on several machines: ``usvn grade --shard I/N`` on each, then ``usvn merge-shards``.

One small class (four notebooks to run, six entries that only get an error row) is graded once in a single run
and once as three shards, each a separate process, as on three machines; the merge must equal the single run.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import gradingkit as kit
import pytest
import yaml

from usvn.cli import main
from usvn.grading.batch import discover
from usvn.grading.reports import merge_manual
from usvn.grading.shards import Shard, ShardError, merge_shards, shard_number
from usvn.grading.source import read_source

ROOT = Path(__file__).resolve().parents[1]
SHARDS = 3
CLASS_SIZE = 10
#: Fields that say when something ran, not what it graded: they differ between any two runs.
TIMING = {"started", "seconds"}
#: What run.json says about how a merge was made: absent from a single run.
MERGE_ONLY = {"merged_from", "merged"}


def build_class(root: Path) -> tuple[Path, Path]:
    key = kit.write(kit.source_notebook(), root / "key" / "ps.ipynb")
    subs = root / "subs"
    kit.write(kit.submission(), subs / "alice.ipynb")
    kit.write(kit.submission({"q1": 'choice = "a"', "q2": "count = 6.0"}), subs / "carol_12345_67890_ps.ipynb")
    kit.write(
        kit.submission({"q4": "def weighted(scores, weights):\n    return 0"}),
        subs / "Bob Smith_123_assignsubmission_file_" / "ps.ipynb",
    )
    with zipfile.ZipFile(subs / "alice.zip", "w") as archive:  # a second "alice": becomes alice#2
        archive.writestr("ps.ipynb", json.dumps(kit.submission({"q3": "ids = []"})))
    (subs / "broken.ipynb").write_bytes(b'{"cells": [')
    (subs / "bad.zip").write_bytes(b"PK\x03\x04 not really a zip")
    (subs / "link.ipynb").symlink_to(subs / "alice.ipynb")
    (subs / "Empty Person_124_assignsubmission_file_").mkdir()
    (subs / "Empty Person_124_assignsubmission_file_" / "notes.txt").write_text("no notebook here")
    (subs / unicodedata.normalize("NFD", "Trần Thị Bình.pdf")).write_bytes(b"%PDF-1.4")  # as a Mac names it
    (subs / "=cmd.pdf").write_bytes(b"%PDF-1.4")  # a name a spreadsheet would run as a formula
    return key, subs


def usvn(*args: str) -> list[str]:
    return [sys.executable, "-m", "usvn.cli", *args]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("shards")
    key, subs = build_class(root)
    single = subprocess.run(
        usvn("grade", str(subs), "--source", str(key), "--out", str(root / "single"), "--jobs", "2"),
        capture_output=True,
        text=True,
    )
    assert single.returncode == 0, single.stderr[-3000:]
    # Three shards at once, each its own process with its own output folder: three machines in miniature.
    running = [
        subprocess.Popen(
            usvn(
                "grade",
                str(subs),
                "--source",
                str(key),
                "--out",
                str(root / f"shard-{index}"),
                "--shard",
                f"{index}/{SHARDS}",
                "--jobs",
                "1",
            ),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for index in range(1, SHARDS + 1)
    ]
    logs = []
    for process in running:
        _, err = process.communicate(timeout=900)
        assert process.returncode == 0, err[-3000:]
        logs.append(err)
    shards = [root / f"shard-{index}" for index in range(1, SHARDS + 1)]
    merged = main(["merge-shards", str(root / "merged"), *map(str, reversed(shards))])
    assert merged == 0
    return {"root": root, "key": key, "subs": subs, "shards": shards, "logs": logs}


def rows(folder: Path) -> list[str]:
    return (folder / "gradebook.csv").read_text(encoding="utf-8").splitlines()[1:]


def without(data: dict, keys: set[str]) -> dict:
    return {key: value for key, value in data.items() if key not in keys}


def test_a_shard_is_read_from_i_slash_n_and_anything_else_is_refused_with_the_rule():
    assert Shard.parse("2/3") == Shard(2, 3) and str(Shard.parse(" 3 / 3 ")) == "3/3"
    for bad in ("0/3", "4/3", "1/0", "-1/3", "a/b", "1.5/3", "3", "", "1/3/5"):
        with pytest.raises(ShardError, match="1 ≤ I ≤ N"):
            Shard.parse(bad)


def test_the_command_line_refuses_a_bad_shard_before_grading(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["grade", str(tmp_path), "--out", str(tmp_path / "out"), "--source", "1", "--shard", "4/3"])
    assert stopped.value.code == 2
    assert "--shard" in capsys.readouterr().err and not (tmp_path / "out").exists()


def test_shard_assignment_is_a_deterministic_partition_that_ignores_listing_order_and_unicode_form():
    names = [f"student{number:03d}.ipynb" for number in range(300)] + ["Trần Thị Bình.ipynb", "x.zip"]
    for count in range(1, 6):
        assigned = {name: shard_number(name, count) for name in names}
        assert set(assigned.values()) == set(range(1, count + 1))
        again = {name: shard_number(name, count) for name in reversed(names)}
        assert again == assigned  # same on every run and in any order: nothing depends on position
        sizes = [list(assigned.values()).count(index) for index in range(1, count + 1)]
        assert min(sizes) > 0.7 * len(names) / count, sizes  # spread, not piled on one machine
    nfd = unicodedata.normalize("NFD", "Trần Thị Bình.ipynb")
    assert shard_number(nfd, 7) == shard_number("Trần Thị Bình.ipynb", 7)


def test_every_entry_of_a_folder_is_in_exactly_one_shard_and_stays_there_when_files_are_added(tmp_path):
    _, subs = build_class(tmp_path)
    before = discover(subs)
    assert len(before) == CLASS_SIZE
    place = {}
    for count in (1, 2, 3, 5):
        parts = [Shard(index, count).select(before) for index in range(1, count + 1)]
        origins = [submission.origin for part in parts for submission in part]
        assert sorted(origins) == sorted(submission.origin for submission in before)  # each once, none left out
        place[count] = {submission.origin: index for index, part in enumerate(parts, 1) for submission in part}
    for number in range(40):
        (subs / f"late{number:02d}.ipynb").write_text("{}")
    (subs / "alice.html").write_text("<p>sent as a web page</p>")  # now alice.ipynb is the second "alice"
    after = discover(subs)
    for count in (1, 2, 3, 5):
        moved = {
            submission.origin
            for index in range(1, count + 1)
            for submission in Shard(index, count).select(after)
            if submission.origin in place[count] and place[count][submission.origin] != index
        }
        assert moved == set()


def test_each_shard_grades_its_part_and_records_what_it_was_graded_with(graded):
    listed = []
    for index, folder in enumerate(graded["shards"], 1):
        run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
        assert run["shard"]["index"] == index and run["shard"]["count"] == SHARDS
        assert run["source_digest"] and run["grader_version"] and run["grader_digest"] and run["finished"]
        assert run["isolation"] == "bwrap" and run["limits"]["cell_timeout"] == 30
        mine = [entry["origin"] for entry in run["shard"]["listing"] if entry["shard"] == index]
        assert mine, f"shard {index} was given nothing to grade; the test class should fill every shard"
        assert len(rows(folder)) == len(mine)
        assert f"shard {index}/{SHARDS}: {len(mine)} of {CLASS_SIZE} submissions" in graded["logs"][index - 1]
        listed += mine
    assert sorted(listed) == sorted(entry["origin"] for entry in run["shard"]["listing"])
    assert len(listed) == CLASS_SIZE
    # The duplicate name is numbered by the whole folder, whichever shard grades it.
    students = {row.split(",")[0] for folder in graded["shards"] for row in rows(folder)}
    assert {"alice", "alice#2", "Trần Thị Bình", "Empty Person"} <= students


def test_the_merged_gradebook_equals_a_single_run(graded):
    single, merged = graded["root"] / "single", graded["root"] / "merged"
    assert len(rows(single)) == CLASS_SIZE
    assert any(row.startswith("'=cmd,") for row in rows(merged)), "formula-like names stay neutralised"
    for name in ("gradebook.csv", "manual-grading.csv"):
        assert (merged / name).read_bytes() == (single / name).read_bytes(), name
    pages = sorted(path.name for path in (single / "feedback").iterdir())
    assert pages and pages == sorted(path.name for path in (merged / "feedback").iterdir())
    for page in pages:
        assert (merged / "feedback" / page).read_bytes() == (single / "feedback" / page).read_bytes(), page
    results = sorted(path.name for path in (single / "results").iterdir())
    assert len(results) == CLASS_SIZE and results == sorted(path.name for path in (merged / "results").iterdir())
    for name in results:
        ours, theirs = (json.loads((folder / "results" / name).read_text()) for folder in (merged, single))
        assert without(ours, TIMING) == without(theirs, TIMING), name
    run_single = json.loads((single / "run.json").read_text(encoding="utf-8"))
    run_merged = json.loads((merged / "run.json").read_text(encoding="utf-8"))
    assert without(run_merged, TIMING | MERGE_ONLY) == without(run_single, TIMING)
    assert run_merged["merged_from"] == [str(folder.resolve()) for folder in graded["shards"]]
    assert "finished" not in run_merged and "shard" not in run_merged


def refused(graded, tmp_path, shards: list[Path], match: str) -> None:
    out = tmp_path / "merged"
    with pytest.raises(ShardError, match=match):
        merge_shards(out, shards)
    assert not out.exists(), "a refused merge wrote something"


def copy_shard(graded, tmp_path, index: int, change=None) -> Path:
    folder = tmp_path / f"copy-{index}-{len(list(tmp_path.glob('copy-*')))}"
    shutil.copytree(graded["shards"][index - 1], folder)
    (folder / ".lock").unlink(missing_ok=True)
    if change:
        run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
        change(run)
        (folder / "run.json").write_text(json.dumps(run), encoding="utf-8")
    return folder


def test_merge_refuses_shards_graded_against_another_source(graded, tmp_path):
    other = copy_shard(graded, tmp_path, 2, lambda run: run.update(source_digest="0" * 64))
    refused(graded, tmp_path, [graded["shards"][0], other, graded["shards"][2]], "different source notebooks")


def test_merge_refuses_shards_of_another_grader_version(graded, tmp_path):
    other = copy_shard(graded, tmp_path, 3, lambda run: run.update(grader_version="1"))
    refused(graded, tmp_path, [*graded["shards"][:2], other], "different grader versions")
    other = copy_shard(graded, tmp_path, 1, lambda run: run.update(grader_digest="f" * 64))
    refused(graded, tmp_path, [other, *graded["shards"][1:]], "different grader code")


def test_merge_refuses_a_shard_given_twice_or_a_shard_missing(graded, tmp_path):
    first, second, third = graded["shards"]
    again = copy_shard(graded, tmp_path, 2)
    refused(graded, tmp_path, [first, second, again, third], r"more than once: 2/3")
    refused(graded, tmp_path, [first, third], r"shard\(s\) 2/3 missing")
    refused(graded, tmp_path, [first, first, third], "given twice")
    refused(graded, tmp_path, [first, second, tmp_path / "nowhere"], "does not exist")


def test_merge_refuses_a_hand_edited_shard_record(graded, tmp_path):
    first, second, third = graded["shards"]
    moved = copy_shard(graded, tmp_path, 2, lambda run: run["shard"]["listing"][0].update(shard=7))
    refused(graded, tmp_path, [first, moved, third], "does not describe a shard")
    broken = copy_shard(graded, tmp_path, 3, lambda run: run["shard"].pop("listing"))
    refused(graded, tmp_path, [first, second, broken], "does not describe a shard")


def test_merge_refuses_different_numbers_of_shards_and_unsharded_runs(graded, tmp_path):
    first, second, third = graded["shards"]

    def as_part_of_four(run):
        run["shard"]["count"] = 4
        for entry in run["shard"]["listing"]:
            entry["shard"] = shard_number(entry["origin"], 4)

    four = copy_shard(graded, tmp_path, 3, as_part_of_four)
    refused(graded, tmp_path, [first, second, four], "different numbers of shards")
    refused(graded, tmp_path, [first, second, graded["root"] / "single"], "graded without --shard")


def test_merge_refuses_an_unfinished_shard_and_shards_of_different_folders(graded, tmp_path):
    first, second, third = graded["shards"]
    stopped = copy_shard(graded, tmp_path, 1, lambda run: run.pop("finished"))
    refused(graded, tmp_path, [stopped, second, third], "shard 1/3 .* did not finish")
    unfinished = copy_shard(graded, tmp_path, 1)
    next((unfinished / "results").glob("*.json")).unlink()
    refused(graded, tmp_path, [unfinished, second, third], "shard 1/3 .* is incomplete")
    extra = {"student": "zoe", "origin": "zoe.ipynb", "shard": shard_number("zoe.ipynb", SHARDS)}
    moved = copy_shard(graded, tmp_path, 2, lambda run: run["shard"]["listing"].append(extra))
    refused(graded, tmp_path, [first, moved, third], "graded different download folders .*zoe.ipynb")


def test_merge_refuses_a_source_other_than_the_graded_one(graded, tmp_path):
    notebook = kit.source_notebook()
    notebook.cells[0].source = "# Practice set, edited after grading"
    edited = kit.write(notebook, tmp_path / "edited.ipynb")
    out = tmp_path / "merged"
    with pytest.raises(ShardError, match="not the notebook the shards were graded against"):
        merge_shards(out, graded["shards"], source=edited)
    assert not out.exists()


def test_the_merge_command_names_the_problem_and_writes_nothing(graded, tmp_path):
    out = tmp_path / "merged"
    with pytest.raises(SystemExit, match=r"usvn merge-shards: shard\(s\) 3/3 missing.*nothing was written"):
        main(["merge-shards", str(out), *map(str, graded["shards"][:2])])
    assert not out.exists()


def run_with_stub(command: list[str], env: dict, tmp_path: Path) -> list[str]:
    """Run a launcher with a stand-in `usvn` that records its arguments, one per line."""
    stub = tmp_path / "bin" / "usvn"
    stub.parent.mkdir(exist_ok=True)
    stub.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {tmp_path / "args"}\n')
    stub.chmod(0o755)
    path = f"{stub.parent}:{os.environ['PATH']}"
    done = subprocess.run(command, env={"PATH": path, "USVN": str(stub), **env}, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return (tmp_path / "args").read_text().splitlines()


def test_the_kubernetes_indexed_job_turns_each_completion_index_into_its_shard(tmp_path):
    job = yaml.safe_load((ROOT / "deploy" / "grading" / "indexed-job.yaml").read_text(encoding="utf-8"))
    assert job["kind"] == "Job" and job["spec"]["completionMode"] == "Indexed"
    count = job["spec"]["completions"]
    container = job["spec"]["template"]["spec"]["containers"][0]
    command = container.get("command", []) + container.get("args", [])
    assert "--shard" in " ".join(command) and "JOB_COMPLETION_INDEX" in " ".join(command)
    for index in range(count):  # Kubernetes counts from 0, shards from 1
        args = run_with_stub(command, {"JOB_COMPLETION_INDEX": str(index)}, tmp_path)
        assert args[0] == "grade" and args[args.index("--shard") + 1] == f"{index + 1}/{count}"
        assert args[args.index("--out") + 1].endswith(f"shard-{index + 1}")


def test_the_slurm_array_script_turns_each_task_into_its_shard(tmp_path):
    script = ROOT / "deploy" / "grading" / "slurm-array.sh"
    text = script.read_text(encoding="utf-8")
    assert "#SBATCH --array=1-" in text and "SLURM_ARRAY_TASK_ID" in text
    count = int(text.split("#SBATCH --array=1-", 1)[1].split()[0])
    for task in range(1, count + 1):
        env = {"SLURM_ARRAY_TASK_ID": str(task), "SLURM_ARRAY_TASK_COUNT": str(count)}
        args = run_with_stub(["bash", str(script)], env, tmp_path)
        assert args[0] == "grade" and args[args.index("--shard") + 1] == f"{task}/{count}"
        assert args[args.index("--out") + 1].endswith(f"shard-{task}")


def test_a_merge_is_merged_again_keeping_hand_grades_but_never_over_another_run(graded, tmp_path):
    out = tmp_path / "grades"
    shutil.copytree(graded["root"] / "merged", out)
    with open(out / "manual-grading.csv", encoding="utf-8") as stream:
        sheet = list(csv.DictReader(stream))
    for row in sheet:
        row["score"] = "2" if row["student"] == "alice" and row["item"] == "q5" else ""
    with open(tmp_path / "filled.csv", "w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(sheet[0]))
        writer.writeheader()
        writer.writerows(sheet)
    assert merge_manual(read_source(graded["key"]), out, tmp_path / "filled.csv") == (1, [])
    merge_shards(out, graded["shards"])  # e.g. after a late submission was graded in its shard
    with open(out / "gradebook.csv", encoding="utf-8") as stream:
        book = {row["student"]: row for row in csv.DictReader(stream)}
    assert book["alice"]["q5"] == "2" and book["alice"]["total"] == "10"
    single = tmp_path / "single"
    shutil.copytree(graded["root"] / "single", single)
    before = sorted(path.relative_to(single) for path in single.rglob("*"))
    with pytest.raises(ShardError, match="holds another grading run"):
        merge_shards(single, graded["shards"])
    assert sorted(path.relative_to(single) for path in single.rglob("*")) == before


def fenced(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def test_the_guide_shows_the_launchers_as_they_are_in_deploy():
    guide = (ROOT / "docs" / "grading-guide.md").read_text(encoding="utf-8")
    section = guide.split("## Grading on several machines", 1)[1].split("\n## ", 1)[0]
    assert "JOB_COMPLETION_INDEX" in section and "SLURM_ARRAY_TASK_ID" in section
    manifest = (ROOT / "deploy" / "grading" / "indexed-job.yaml").read_text(encoding="utf-8")
    script = (ROOT / "deploy" / "grading" / "slurm-array.sh").read_text(encoding="utf-8")
    assert manifest in fenced(section, "yaml")
    assert script in fenced(section, "bash")
