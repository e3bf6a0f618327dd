"""Part 2: what an instructor relies on, one protection per test, on one shared batch (graded once).

Each test is written so that a grader without the protection it names fails it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import unicodedata
import zipfile
from pathlib import Path

import gradingkit as kit
import pytest

from usvn.grading import grade
from usvn.grading.batch import discover, grade_batch
from usvn.grading.files import output_lock, output_name
from usvn.grading.reports import merge_manual
from usvn.grading.sandbox import Limits, detect, probe
from usvn.grading.source import read_source

LIMITS = Limits(
    cell_timeout=10,
    submission_timeout=90,
    call_timeout=5,
    memory_mb=1536,
    processes=40,
    output_bytes=300_000,
    disk_mb=48,
)
AUTO_MAX = 8.0
BINH, BINH2 = "Trần Thị Bình", "Trần Thị Bính"

PRIVILEGES = (
    "import os\nstatus = dict(line.split(':', 1) for line in open('/proc/self/status') if ':' in line)\n"
    "raise RuntimeError(f\"uids={os.getresuid()} CapEff={status['CapEff'].strip()} "
    "CapPrm={status['CapPrm'].strip()} NoNewPrivs={status['NoNewPrivs'].strip()}\")"
)
DISK = "for number in range(8):\n    open(f'big{number}', 'wb').write(b'x' * 10_000_000)"
FLOOD = (
    "from IPython.display import display, update_display\n"
    "handle = display('start', display_id='flood')\n"
    "for number in range(400):\n    update_display('y' * 50_000, display_id='flood')\n"
    "from ipykernel.comm import Comm\ncomm = Comm(target_name='flood', data={})\n"
    "for number in range(200):\n    comm.send({'state': {'value': 'z' * 50_000}})"
)
SECRET = (
    "def weighted(scores, weights):\n    if len(scores) == 3:\n        raise ValueError('TOPSECRET hidden input')\n"
    "    return sum(s * w for s, w in zip(scores, weights)) / sum(weights)"
)
INJECT = '=HYPERLINK("evil.example","click")'


def _zip(path: Path, members: dict, links: tuple = ()) -> bytes:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "../../etc/passwd")
    return path.read_bytes()


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("safety")
    key = kit.write(kit.source_notebook(), root / "key" / "ps.ipynb")
    subs = root / "subs"
    subs.mkdir()
    correct = kit.submission()
    text = json.dumps(correct)
    plain = {
        "alice.ipynb": correct,
        "-rf $(touch PWNED); `id` | x.ipynb": correct,
        "l" * 200 + ".ipynb": correct,
        f"{BINH}.ipynb": correct,
        f"{BINH2}.ipynb": kit.submission({"q2": "count = 5"}),
        "ann_12345_678_ps.ipynb": correct,
        f"{INJECT}.ipynb": kit.submission({"q5": "=1+1 is my answer"}),
        "privileges.ipynb": kit.submission(extra_cells=[("q1", PRIVILEGES)]),
        "disk.ipynb": kit.submission(extra_cells=[("q1", DISK)]),
        "flood.ipynb": kit.submission(extra_cells=[("q1", FLOOD)]),
        "secret.ipynb": kit.submission({"q4": SECRET}),
        "bulky.ipynb": kit.submission({"q3": "ids = ['a-1' * 400] * 5000"}),
    }
    for name, notebook in plain.items():
        kit.write(notebook, subs / name)
    (subs / os.fsdecode(b"caf\xe9 \xff.ipynb")).write_text(text, encoding="utf-8")  # a name that is not UTF-8
    os.makedirs(subs / f"{unicodedata.normalize('NFD', BINH)}_55_assignsubmission_file_")
    kit.write(correct, subs / f"{unicodedata.normalize('NFD', BINH)}_55_assignsubmission_file_" / "ps.ipynb")
    os.symlink(subs / "alice.ipynb", subs / "link.ipynb")
    os.symlink(key, subs / "keylink.ipynb")
    os.mkfifo(subs / "fifo.ipynb")
    (subs / "report.pdf").write_bytes(b"%PDF-1.4")
    _zip(subs / "zipped.zip", {"ps.ipynb": text, "__MACOSX/._ps.ipynb": "x"})
    _zip(subs / "slip.zip", {"../../escaped.ipynb": text})
    _zip(subs / "linked.zip", {"ps.ipynb": text}, links=("other.ipynb",))
    _zip(subs / "bomb.zip", {"ps.ipynb": b"0" * 40_000_000})
    _zip(subs / "many.zip", {f"n{number}.ipynb": text for number in range(300)})
    log = io.StringIO()
    results = grade_batch(key, subs, root / "out", jobs=2, limits=LIMITS, isolation="auto", stream=log)
    return {
        "root": root,
        "key": key,
        "subs": subs,
        "out": root / "out",
        "log": log.getvalue(),
        "results": {result.student: result for result in results},
        "list": results,
    }


def book(out: Path) -> dict[str, dict]:
    with open(out / "gradebook.csv", encoding="utf-8") as stream:
        return {row["student"]: row for row in csv.DictReader(stream)}


# --- isolation --------------------------------------------------------------------------------------------


def test_auto_means_bubblewrap_or_a_refusal_that_says_how_to_install_it(monkeypatch):
    from usvn.grading import sandbox

    assert detect("auto")[0] == "bwrap"
    monkeypatch.setattr(sandbox, "probe", lambda level: (level != "bwrap", "bubblewrap is not installed"))
    with pytest.raises(RuntimeError, match="apt-get install bubblewrap"):
        detect("auto")
    assert detect("unshare")[0] == "unshare"  # a weaker level only when named


def test_the_level_is_recorded_per_run_and_per_submission(batch):
    run = json.loads((batch["out"] / "run.json").read_text(encoding="utf-8"))
    assert run["isolation"] == "bwrap" and run["warning"] == ""
    assert all(result.level == "bwrap" for result in batch["list"])
    assert {row["isolation"] for row in book(batch["out"]).values()} == {"bwrap"}


def test_a_weaker_level_runs_only_when_named_and_is_flagged_in_log_gradebook_and_run_json(batch, tmp_path):
    subs = tmp_path / "subs"
    kit.write(kit.submission(), subs / "alice.ipynb")
    log = io.StringIO()
    results = grade_batch(batch["key"], subs, tmp_path / "out", jobs=1, limits=LIMITS, isolation="unshare", stream=log)
    assert results[0].level == "unshare" and results[0].auto_points == AUTO_MAX
    assert "WARNING" in log.getvalue() and "weaker than bubblewrap" in log.getvalue()
    assert "WARNING" in json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))["warning"]
    assert "WARNING" in book(tmp_path / "out")["alice"]["warning"]
    assert "WARNING" in json.loads((tmp_path / "out" / "results" / "alice.json").read_text())["warning"]


def _privileges(result) -> str:
    found = [error for error in result.cell_errors if "uids=" in error]
    assert found, result.cell_errors
    return found[0]


@pytest.mark.parametrize("level", ["bwrap", "unshare"])
def test_student_code_never_runs_as_root_or_with_capabilities(batch, level, tmp_path):
    if level == "bwrap":
        result = batch["results"]["privileges"]
    else:
        result = grade(
            batch["key"], batch["subs"] / "privileges.ipynb", isolation=level, limits=LIMITS, scratch=tmp_path
        )
    seen = _privileges(result)
    assert "uids=(0," not in seen and ", 0," not in seen and ", 0)" not in seen, seen
    assert "CapEff=0000000000000000" in seen and "CapPrm=0000000000000000" in seen and "NoNewPrivs=1" in seen
    assert result.auto_points == AUTO_MAX


def test_a_level_that_would_run_the_kernel_as_root_is_refused():
    import subprocess
    import sys

    from usvn.grading import confine

    ok, why = probe("rlimits")
    if os.geteuid() == 0 and not ok:  # root, and Python is in a folder other uids cannot enter
        assert "uid 0" in why
        with pytest.raises(RuntimeError, match="not available"):
            detect("rlimits")
    # The launcher itself refuses whatever the level, when it is still root or holds a capability.
    config = {"limits": Limits().as_dict(), "uid": None, "cwd": "/", "scratch": "/tmp", "env": {}}
    done = subprocess.run(
        [sys.executable, "-I", "-S", confine.__file__, json.dumps(config), "--", "/bin/true"],
        capture_output=True,
        text=True,
    )
    if os.geteuid() == 0:
        assert done.returncode == confine.REFUSED and "refusing to start" in done.stderr
    else:
        assert done.returncode == 0


# --- bounded resources -------------------------------------------------------------------------------------


def test_disk_per_submission_is_capped(batch):
    result = batch["results"]["disk"]
    assert any("No space left" in error for error in result.cell_errors), result.cell_errors
    assert result.auto_points == AUTO_MAX


def test_iopub_traffic_of_every_kind_is_bounded(batch):
    result = batch["results"]["flood"]
    assert result.auto_points == AUTO_MAX
    assert any("output past" in problem for problem in result.problems), result.problems


def test_answer_payloads_are_bounded_and_a_too_large_answer_is_graded_by_hand(batch):
    result = batch["results"]["bulky"]  # a 6 MB list against a 1 MB cap
    item = result.item("q3-test")
    assert item.status == "hand" and item.points is None and "too large" in item.note
    assert result.item("q1-test").points == 1 and result.item("q4-test").points == 3


def _hand_source(test_code: str, points: int = 1):
    cells = [
        kit.cell("code", "n = 10\n### BEGIN SOLUTION\nn = 10\n### END SOLUTION", "n", solution=True),
        kit.cell("code", test_code, "n-test", grade=True, locked=True, points=points),
        kit.cell("code", "assert n == 10", "n-plain", grade=True, locked=True, points=1),
    ]
    return kit.notebook_of(cells)


def test_the_test_evaluation_has_its_own_time_and_memory_limits(tmp_path):
    limits = Limits(cell_timeout=10, submission_timeout=90, test_timeout=3, test_memory_mb=256)
    cases = {"slow": "while n:\n    pass", "greedy": "hog = [0] * (n * 60_000_000)"}
    for name, code in cases.items():
        key = kit.write(_hand_source(code), tmp_path / name / "key.ipynb")
        kit.write(_hand_source(code), tmp_path / name / "subs" / "ann.ipynb")
        result = grade_batch(
            key, tmp_path / name / "subs", tmp_path / name / "out", jobs=1, limits=limits, stream=io.StringIO()
        )[0]
        assert result.item("n-test").points == 0 and result.item("n-plain").points == 1, result.items
        assert ("ran past 3 s" if name == "slow" else "out of memory") in result.item("n-test").feedback


def test_a_worker_that_dies_is_replaced_and_its_submission_gets_an_error_row(tmp_path):
    code = "import os\nif n == 11:\n    os._exit(9)"
    key = kit.write(_hand_source(code), tmp_path / "key.ipynb")
    for name, value in (("ann", 10), ("bob", 11), ("cy", 10), ("dee", 10)):
        notebook = _hand_source(code)
        notebook.cells[0].source = f"n = {value}"
        kit.write(notebook, tmp_path / "subs" / f"{name}.ipynb")
    results = {
        result.student: result
        for result in grade_batch(key, tmp_path / "subs", tmp_path / "out", jobs=2, limits=LIMITS, stream=io.StringIO())
    }
    assert "worker died" in results["bob"].reason and results["bob"].infrastructure
    assert [results[name].item("n-plain").points for name in ("ann", "cy", "dee")] == [1, 1, 1]


# --- discovery ---------------------------------------------------------------------------------------------


def test_every_entry_gets_exactly_one_row(batch):
    entries = [name for name in os.listdir(batch["subs"])]
    assert len(entries) == 23 == len(batch["list"]) == len(book(batch["out"]))


@pytest.mark.parametrize(
    "entry,why",
    [("link", "symbolic link"), ("keylink", "symbolic link"), ("fifo", "FIFO"), ("report", "not a notebook")],
)
def test_only_regular_files_are_graded(batch, entry, why):
    result = batch["results"][entry]
    assert result.status == "not graded" and why in result.reason and result.auto_points == 0


@pytest.mark.parametrize(
    "entry,why",
    [("slip", "outside its folder"), ("linked", "a link"), ("bomb", "compressed suspiciously"), ("many", "300 files")],
)
def test_zip_uploads_are_opened_safely_or_refused_with_a_row(batch, entry, why):
    result = batch["results"][entry]
    assert result.status == "not graded" and why in result.reason, result.reason
    assert not (batch["root"] / "escaped.ipynb").exists() and not (batch["subs"].parent / "escaped.ipynb").exists()


def test_a_safe_zip_is_graded(batch):
    result = batch["results"]["zipped"]
    assert result.auto_points == AUTO_MAX and "graded ps.ipynb from the zip" in result.problems[0]


def test_odd_file_names_are_graded_and_never_reach_a_shell(batch):
    names = [
        name for name in batch["results"] if name.startswith("-rf") or name.startswith("lll") or name.startswith("caf")
    ]
    assert len(names) == 3, list(batch["results"])
    for name in names:
        assert batch["results"][name].auto_points == AUTO_MAX, batch["results"][name].reason
        assert not output_name(name).startswith("-")
    assert not any(path.name == "PWNED" for path in batch["root"].rglob("PWNED"))
    assert not (Path.cwd() / "PWNED").exists()


# --- identity ----------------------------------------------------------------------------------------------


def test_names_differing_in_one_mark_are_two_students_and_nfd_is_the_same_name(batch):
    results = batch["results"]
    assert results[BINH].auto_points == AUTO_MAX and results[BINH2].auto_points == AUTO_MAX - 2
    assert output_name(BINH) != output_name(BINH2)
    assert f"{BINH}#2" in results and "also named" in results[f"{BINH}#2"].problems[-1]  # the NFD copy
    files = {path.stem for path in (batch["out"] / "results").glob("*.json")}
    assert len(files) == len(batch["list"])
    assert json.loads((batch["out"] / "results" / f"{output_name(BINH2)}.json").read_text())["student"] == BINH2


def test_lms_ids_are_kept_in_the_gradebook(batch):
    rows = book(batch["out"])
    assert rows["ann"]["lms_id"] == "canvas:12345"
    assert sorted(rows[name]["lms_id"] for name in (BINH, f"{BINH}#2")) == ["", "moodle:55"]


# --- spreadsheets ------------------------------------------------------------------------------------------


def test_formula_like_cells_are_neutralised_in_gradebook_and_manual_sheet(batch):
    for sheet in ("gradebook.csv", "manual-grading.csv"):
        with open(batch["out"] / sheet, encoding="utf-8") as stream:
            cells = [cell for row in csv.reader(stream) for cell in row]
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells), sheet
    with open(batch["out"] / "manual-grading.csv", encoding="utf-8") as stream:
        cells = [cell for row in csv.reader(stream) for cell in row]
    assert "'" + INJECT in cells and "'=1+1 is my answer" in cells


@pytest.mark.parametrize("encoding,delimiter", [("utf-8", ","), ("utf-8-sig", ";"), ("cp1252", ";"), ("cp1258", ";")])
def test_merge_manual_reads_what_excel_writes_in_any_locale(batch, tmp_path, encoding, delimiter):
    import shutil

    out = tmp_path / "out"
    shutil.copytree(batch["out"], out)
    with open(out / "manual-grading.csv", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    wanted = {BINH: "1,5", BINH2: "2", "alice": "1"}
    rows = [row for row in rows if row["student"] in wanted]
    for row in rows:
        row["score"] = wanted[row["student"]]
    if encoding == "cp1252":
        rows = [row for row in rows if row["student"] == "alice"]
        rows[0]["comment"] = "très bien – café"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    text = buffer.getvalue()
    data = _cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    (tmp_path / "sheet.csv").write_bytes(data)
    applied, problems = merge_manual(read_source(batch["key"]), out, tmp_path / "sheet.csv")
    assert applied == len(rows), problems
    scores = json.loads((out / "manual-scores.json").read_text(encoding="utf-8"))
    for row in rows:
        assert scores[row["student"]]["q5"]["score"] == float(wanted[row["student"]].replace(",", "."))
    if encoding == "cp1252":
        assert scores["alice"]["q5"]["comment"] == "très bien – café"


def _cp1258(text: str) -> bytes:
    """As Excel's Vietnamese code page writes: precomposed letters where it has them, else tone marks combining."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            try:
                out += (unicodedata.normalize("NFC", parts[:2]) + parts[2:]).encode("cp1258")
            except UnicodeEncodeError:
                out += parts.encode("cp1258")
    return out


def test_merge_manual_says_exactly_what_it_could_not_read_and_merges_nothing(batch, tmp_path):
    import shutil

    out = tmp_path / "out"
    shutil.copytree(batch["out"], out)
    (tmp_path / "bad.csv").write_bytes(b"student,item,score,answer_id\r\n\x81\x8d\x90,q5,2,x\r\n")
    with pytest.raises(ValueError, match=r"byte 0x81 at position 30 is not UTF-8, Windows-1252 or Windows-1258"):
        merge_manual(read_source(batch["key"]), out, tmp_path / "bad.csv")
    assert not (out / "manual-scores.json").exists()


# --- resume and lock ---------------------------------------------------------------------------------------


def test_resume_regrades_infrastructure_failures_and_whatever_the_fingerprint_covers(batch, tmp_path, monkeypatch):
    import shutil

    from usvn.grading import core

    subs, out = tmp_path / "subs", tmp_path / "out"
    for name in ("alice", "bob"):
        kit.write(kit.submission(), subs / f"{name}.ipynb")
    grade_batch(batch["key"], subs, out, jobs=1, limits=LIMITS, stream=io.StringIO())
    stored = json.loads((out / "results" / "bob.json").read_text())
    stored["infrastructure"] = "the kernel failed to start"
    (out / "results" / "bob.json").write_text(json.dumps(stored))
    log = io.StringIO()
    grade_batch(batch["key"], subs, out, jobs=1, limits=LIMITS, stream=log)
    assert "resuming: 1 already graded, 1 to grade" in log.getvalue() and "bob: 8/8" in log.getvalue()
    for change in ("isolation", "package data"):
        log = io.StringIO()
        if change == "isolation":
            grade_batch(batch["key"], subs, out, jobs=1, limits=LIMITS, isolation="unshare", stream=log)
        else:
            monkeypatch.setattr(core, "package_digest", lambda: "other data")
            grade_batch(batch["key"], subs, out, jobs=1, limits=LIMITS, stream=log)
        assert "resuming" not in log.getvalue() and "[2/2]" in log.getvalue(), change
    monkeypatch.setattr(core, "GRADER_VERSION", "99")
    assert (
        core.fingerprint(read_source(batch["key"]), subs / "alice.ipynb", LIMITS, "bwrap")
        != json.loads((out / "results" / "alice.json").read_text())["fingerprint"]
    )
    shutil.rmtree(out)


def test_two_runs_on_one_output_folder_are_refused(batch, tmp_path):
    kit.write(kit.submission(), tmp_path / "subs" / "alice.ipynb")
    with output_lock(tmp_path / "out"):
        with pytest.raises(RuntimeError, match="in use by another grading run"):
            grade_batch(batch["key"], tmp_path / "subs", tmp_path / "out", jobs=1, limits=LIMITS, stream=io.StringIO())
    assert not (tmp_path / "out" / "results").exists() or not list((tmp_path / "out" / "results").iterdir())
    with output_lock(batch["out"]):  # a merge while a run works on the folder is refused too
        with pytest.raises(RuntimeError, match="in use"):
            merge_manual(read_source(batch["key"]), batch["out"], batch["out"] / "manual-grading.csv")


# --- feedback ----------------------------------------------------------------------------------------------


def test_feedback_never_shows_an_exception_raised_on_hidden_inputs(batch):
    result = batch["results"]["secret"]
    assert result.item("q4-test").points == 0
    page = (batch["out"] / "feedback" / f"{output_name('secret')}.html").read_text(encoding="utf-8")
    assert "TOPSECRET" not in page and "TOPSECRET" not in result.item("q4-test").feedback
    assert "raised an error on the hidden test inputs" in result.item("q4-test").feedback


def test_a_public_test_may_show_its_message(batch, tmp_path):
    kit.write(
        kit.submission({"q4": "def weighted(scores, weights):\n    raise ValueError('PUBLIC detail')"}),
        tmp_path / "pub.ipynb",
    )
    result = grade(batch["key"], tmp_path / "pub.ipynb", limits=LIMITS, scratch=tmp_path)
    assert "PUBLIC detail" in result.item("q4-test").feedback


def test_discovery_names_students_from_lms_layouts():
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        for name in ("ann_LATE_1_2_ps.ipynb", "x.ipynb"):
            (Path(folder) / name).write_text("{}")
        found = discover(Path(folder))
    assert [(submission.student, submission.lms_id) for submission in found] == [("ann", "canvas:1"), ("x", "")]


def test_bubblewrap_without_optional_flags_still_isolates(monkeypatch):
    """Ubuntu 22.04's bubblewrap (0.6.1) has no --size: the level must still work, only the disk cap is lost."""
    from usvn.grading import sandbox

    monkeypatch.setattr(sandbox, "supports", lambda binary, flag: False)
    command = sandbox.Sandbox("bwrap").wrap(["true"], Path("/tmp/usvn-none"), hide=[])
    assert "--size" not in command and "--perms" not in command[: command.index("--tmpfs")]
    ok, why = sandbox.probe.__wrapped__("bwrap")
    assert ok, why
    assert "disk not capped" in sandbox.Sandbox("bwrap").describe()


def test_live_grading_processes_never_share_a_kernel_uid_and_a_dead_one_frees_its_own(tmp_path):
    import subprocess
    import sys

    from usvn.grading.sandbox import KERNEL_UIDS, claim_kernel_uid

    # Each process claims a uid and holds it until told to stop (a line on stdin).
    code = (
        "import sys; from pathlib import Path; from usvn.grading.sandbox import claim_kernel_uid\n"
        f"print(claim_kernel_uid(Path({str(tmp_path)!r})), flush=True); sys.stdin.readline()"
    )
    holders = [
        subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    uids = [int(holder.stdout.readline()) for holder in holders]
    assert len(set(uids)) == 4 and all(uid in KERNEL_UIDS for uid in uids), uids
    assert claim_kernel_uid(tmp_path) not in uids  # this process too gets one of its own
    holders[0].kill()
    holders[0].communicate()
    again = subprocess.run([sys.executable, "-c", code], input="\n", capture_output=True, text=True, check=True)
    assert int(again.stdout) == uids[0], "the uid of a process that died is free again"
    for holder in holders[1:]:
        holder.communicate("\n")


def test_a_notebook_that_garbles_the_kernels_messages_loses_that_cell_not_a_retry_forever(tmp_path):
    key = kit.write(_hand_source("assert n == 10"), tmp_path / "key.ipynb")
    notebook = _hand_source("assert n == 10")
    notebook.cells[0].source = "import json\nn = 10\njson.dumps = lambda *args, **kwargs: '{'"
    kit.write(notebook, tmp_path / "subs" / "eve.ipynb")
    result = grade_batch(key, tmp_path / "subs", tmp_path / "out", jobs=1, limits=LIMITS, stream=io.StringIO())[0]
    assert not result.infrastructure, "a notebook's own doing is never re-graded as the machine's failure"
    assert "messages the grader cannot read" in " ".join(result.problems), result.problems
    assert result.item("n-plain").points == 0 and result.status != "not graded"
