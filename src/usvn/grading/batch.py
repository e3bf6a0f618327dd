"""Grade a folder of submissions in parallel, resumably, and write the gradebook and feedback.

Layouts understood (what instructors actually download):

- one file per student, named by the LMS: Canvas ``login_12345_67890_name.ipynb`` (``login_LATE_...``),
  Blackboard ``Assignment_login_attempt_2024-...ipynb``, or any ``name.ipynb``; a ``.zip`` upload holding
  the notebook is opened safely;
- one folder per student: Moodle ``Full Name_12345_assignsubmission_file_/...``, nbgrader/JupyterHub
  ``submitted/<student>/<assignment>/<notebook>.ipynb``, or any ``<student>/...``.

Every entry of the folder gets exactly one row: a notebook is graded; anything else (a symbolic link, a FIFO,
a device, a PDF, an unsafe zip) gets a row saying why it was not. Names are compared after Unicode NFC
normalisation; each student gets an output file name of their own, readable in any script.

Each submission is graded in a worker process of its own (started from a pre-loaded fork server), so a
worker that dies or hangs costs only its submission, which gets an error row. Each finished submission is
saved at once (``OUT/results/<file>.json``, atomically) and the gradebook is rewritten after each one, so an
interrupted run loses nothing; a re-run grades only what is missing, changed, or failed for reasons of the
machine (a kernel that did not start, a worker that died). A lock refuses a second run on the same folder.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import re
import stat
import sys
import tempfile
import time
import unicodedata
import zipfile
from multiprocessing.connection import wait
from pathlib import Path

from usvn.grading.core import GRADER_VERSION, fingerprint, load_source, package_digest, weaker_warning
from usvn.grading.files import atomic_write, output_lock, output_name, printable
from usvn.grading.homes import adopt_home_files, home_files
from usvn.grading.results import Submission, SubmissionResult, not_graded_items
from usvn.grading.sandbox import Limits, Sandbox, detect, matplotlib_cache
from usvn.grading.source import SourceSpec

__all__ = ["Submission", "discover", "grade_batch", "open_zip"]

_CANVAS = re.compile(r"^(?P<id>[A-Za-z0-9.\-]+?)(?:_LATE)?_(?P<user>\d+)_\d+_.+$", re.I)
_BLACKBOARD = re.compile(r"^.+?_(?P<id>[^_]+)_attempt_\d{4}-\d{2}-\d{2}", re.I)
_MOODLE = re.compile(r"^(?P<id>.+?)_(?P<user>\d+)_assign(?:submission|feedback)_\w*$", re.I)
#: Files an operating system leaves behind; they get no row.
SYSTEM_FILES = {".DS_Store", "Thumbs.db", "desktop.ini", "__MACOSX", ".ipynb_checkpoints"}
ZIP_MAX_MEMBERS = 200
ZIP_MAX_BYTES = 64 * 2**20
ZIP_MAX_RATIO = 200


def _identify(stem: str, folder: bool) -> tuple[str, str]:
    """``(student, lms_id)`` from a file's stem or a folder's name."""
    if folder:
        match = _MOODLE.match(stem)
        return (match["id"], f"moodle:{match['user']}") if match else (stem, "")
    match = _CANVAS.match(stem)
    if match:
        return match["id"], f"canvas:{match['user']}"
    match = _BLACKBOARD.match(stem)
    if match:
        return match["id"], f"blackboard:{match['id']}"
    return stem, ""


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _walk_notebooks(folder: Path) -> tuple[list[Path], list[str]]:
    """Regular ``.ipynb`` files under ``folder`` (no link followed) and notes on entries that were refused."""
    found, refused = [], []
    for current, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(name for name in dirs if name not in SYSTEM_FILES and not name.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or not name.lower().endswith(".ipynb"):
                continue
            path = Path(current) / name
            mode = os.lstat(path).st_mode
            if stat.S_ISREG(mode):
                found.append(path)
            else:
                refused.append(f"{printable(str(path.relative_to(folder)))} is {_kind(mode)}, not graded")
        for name in list(dirs):
            if os.path.islink(Path(current) / name):
                refused.append(f"{printable(name)} is a symbolic link, not followed")
    return found, refused


def discover(folder: Path, assignment_stem: str = "") -> list[Submission]:
    """Every entry of a download folder, each with what to grade (or a note saying why there is nothing)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"Submissions folder not found: {folder}")
    found: list[Submission] = []
    for entry in sorted(os.scandir(folder), key=lambda entry: os.fsencode(entry.name)):
        name = printable(entry.name)
        if entry.name in SYSTEM_FILES:
            continue
        path = Path(entry.path)
        mode = os.lstat(path).st_mode
        is_dir = stat.S_ISDIR(mode)
        stem = name if is_dir else (name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name)
        student, lms_id = _identify(stem, is_dir)
        if is_dir:
            notebooks, refused = _walk_notebooks(path)
            note = "; ".join(refused)
            if not notebooks:
                found.append(Submission(student, None, note or "no .ipynb file in the student's folder", lms_id, name))
                continue
            matching = [notebook for notebook in notebooks if assignment_stem and assignment_stem in notebook.stem]
            chosen = (matching or notebooks)[0]
            if len(notebooks) > 1:
                note = "; ".join(
                    filter(
                        None,
                        [
                            note,
                            f"{len(notebooks)} notebooks in the folder; graded "
                            f"{printable(str(chosen.relative_to(path)))}",
                        ],
                    )
                )
            found.append(Submission(student, chosen, note, lms_id, name))
        elif not stat.S_ISREG(mode):
            found.append(
                Submission(student, None, f"{name} is {_kind(mode)}, not a regular file: not graded", lms_id, name)
            )
        elif name.lower().endswith(".ipynb"):
            found.append(Submission(student, path, "", lms_id, name))
        elif name.lower().endswith(".zip"):
            found.append(Submission(student, path, "", lms_id, name, zip_member="?"))
        else:
            found.append(
                Submission(student, None, f"{name} is not a notebook (.ipynb) or a .zip: not graded", lms_id, name)
            )
    counts: dict[str, int] = {}
    unique = []
    for submission in found:
        student = unicodedata.normalize("NFC", submission.student)
        key = student.casefold()
        counts[key] = counts.get(key, 0) + 1
        note = submission.note
        if counts[key] > 1:
            note = "; ".join(filter(None, [note, f"another submission is also named {student}"]))
            student = f"{student}#{counts[key]}"
        unique.append(
            Submission(student, submission.path, note, submission.lms_id, submission.origin, submission.zip_member)
        )
    return unique


def open_zip(path: Path, target: Path, assignment_stem: str = "") -> tuple[Path | None, str]:
    """Take one notebook out of a zip upload, safely: ``(path, note)`` or ``(None, why it was refused)``."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > ZIP_MAX_MEMBERS:
                return None, f"the zip holds {len(members)} files (at most {ZIP_MAX_MEMBERS})"
            total = sum(member.file_size for member in members)
            if total > ZIP_MAX_BYTES:
                return None, f"the zip unpacks to {total // 2**20} MiB (at most {ZIP_MAX_BYTES // 2**20} MiB)"
            notebooks = []
            for member in members:
                name = member.filename
                kind = (member.external_attr >> 16) & 0o170000
                if kind == stat.S_IFLNK:
                    return None, f"the zip holds a link ({printable(name)}); zips with links are refused"
                parts = name.replace("\\", "/").split("/")
                if name.startswith(("/", "\\")) or ".." in parts or re.match(r"^[A-Za-z]:", name):
                    return None, f"the zip holds a path outside its folder ({printable(name)}); refused"
                if member.compress_size and member.file_size / member.compress_size > ZIP_MAX_RATIO:
                    return None, f"the zip member {printable(name)} is compressed suspiciously well; refused"
                if (
                    name.lower().endswith(".ipynb")
                    and not member.is_dir()
                    and not any(part.startswith(".") or part == "__MACOSX" for part in parts)
                ):
                    notebooks.append(member)
            if not notebooks:
                return None, "the zip holds no notebook (.ipynb)"
            matching = [member for member in notebooks if assignment_stem and assignment_stem in member.filename]
            chosen = (matching or notebooks)[0]
            target.mkdir(parents=True, exist_ok=True)
            out = target / "submission.ipynb"
            with archive.open(chosen) as source, open(out, "wb") as sink:
                left = ZIP_MAX_BYTES
                while block := source.read(1 << 20):
                    left -= len(block)
                    if left < 0:
                        raise zipfile.BadZipFile("a member is larger than its header says")
                    sink.write(block)
            note = f"graded {printable(chosen.filename)} from the zip"
            if len(notebooks) > 1:
                note += f" ({len(notebooks)} notebooks in it)"
            return out, note
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as error:
        return None, f"the zip cannot be opened ({str(error)[:120] or type(error).__name__})"


def _failed(spec: SourceSpec, submission: Submission, reason: str, infrastructure: str = "") -> SubmissionResult:
    result = SubmissionResult(
        submission.student,
        submission.origin,
        "not graded",
        reason=reason,
        infrastructure=infrastructure,
        lms_id=submission.lms_id,
        items=not_graded_items(spec.items, reason),
    )
    return result


def _grade_one(spec: SourceSpec, submission: Submission, options: dict, gate=None) -> dict:
    """Worker body: grade one submission; never raises (a failure becomes a row with a reason)."""
    from usvn.grading.core import grade

    def grade_at(path: Path) -> SubmissionResult:
        return grade(
            spec,
            path,
            student=submission.student,
            limits=options["limits"],
            isolation=options["isolation"],
            scratch=options["scratch"],
            keep_scratch=options["keep_scratch"],
            hide=options["hide"],
            gate=gate,
        )

    try:
        _cap_memory(options["limits"])
        path = submission.path
        note = submission.note
        if submission.zip_member:
            unpacked = Path(tempfile.mkdtemp(prefix="usvn-zip-", dir=options["scratch"]))
            try:
                path, why = open_zip(submission.path, unpacked, spec.path.stem if spec.path else "")
                if path is None:
                    return _finish(_failed(spec, submission, why), submission, options)
                note = "; ".join(filter(None, [note, why]))
                result = grade_at(path)
            finally:
                import shutil

                shutil.rmtree(unpacked, ignore_errors=True)
        else:
            result = grade_at(path)
        result.submission = submission.origin
        if note:
            result.problems.insert(0, note)
        result.fingerprint = fingerprint(spec, submission.path, options["limits"], options["isolation"])
    except Exception as error:  # noqa: BLE001 - every student gets a row, whatever went wrong
        result = _failed(
            spec,
            submission,
            f"the grader failed: {type(error).__name__}: {str(error)[:200]}",
            infrastructure=f"grader error {type(error).__name__}",
        )
    return _finish(result, submission, options)


def _finish(result: SubmissionResult, submission: Submission, options: dict) -> dict:
    result.lms_id = submission.lms_id
    result.submission = printable(str(submission.path)) if submission.path else submission.origin
    result.file = output_name(submission.student)
    result.level = options["isolation"]
    result.warning = weaker_warning(options["isolation"])
    if not result.isolation:
        result.isolation = options["describe"]
    return result.as_dict()


def _cap_memory(limits: Limits) -> None:
    """Bound what this worker may add while it evaluates tests (the kernel has its own limits)."""
    import resource

    try:
        with open("/proc/self/status", encoding="ascii") as status:
            size_kb = next(int(line.split()[1]) for line in status if line.startswith("VmSize:"))
    except (OSError, StopIteration, ValueError):
        return
    soft = (size_kb * 1024) + (512 + limits.test_memory_mb) * 2**20
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))


def _worker(connection, spec, submission, options, turn=None) -> None:
    os.setpgrp()
    # Worked out once by the batch: a worker started by a fork server has not seen what was declared since.
    adopt_home_files(options.get("home_files", ()))
    try:
        connection.send(_grade_one(spec, submission, options, _turn_gate(turn)))
    finally:
        connection.close()


def _turn_gate(turn):
    """A callable that blocks until the batch says this worker's turn has come (at most once), or None."""
    if turn is None:
        return None
    waited = []
    batch = os.getppid()

    def gate() -> None:
        if not waited:
            waited.append(True)
            # Other workers forked meanwhile hold this pipe open too, so the batch's end may never close: a
            # worker whose batch is gone stops here rather than wait forever.
            while not turn.poll(1):
                if os.getppid() != batch:
                    raise EOFError("the grading batch is gone")
            turn.recv()
            turn.close()

    return gate


def _no_notebook(submission: Submission) -> str:
    return f"no notebook: {submission.note}"


def _progress(done: int, total: int, started: float, line: str, stream) -> None:
    elapsed = time.monotonic() - started
    rate = done / elapsed if elapsed > 0 else 0
    eta = (total - done) / rate if rate else 0
    print(
        f"[{done}/{total}] {line} · {elapsed:.0f} s elapsed, ETA {int(eta // 60)}:{int(eta % 60):02d}",
        file=stream,
        flush=True,
    )


_CONTEXT = None


def _context():
    """How workers start: forked from this process when it runs a single thread (each worker then starts in
    milliseconds with the source's setup modules already imported), else from a fork server with the grader
    pre-loaded (forking a process that runs threads is unsafe)."""
    global _CONTEXT
    import threading

    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    if _CONTEXT is None:
        _CONTEXT = multiprocessing.get_context("forkserver")
        _CONTEXT.set_forkserver_preload(
            ["usvn.grading.core", "usvn.grading.runner", "usvn.grading.evaluate", "usvn.grading.batch"]
        )
    return _CONTEXT


#: Workers per job that start the next submissions' kernels while the running ones work (0: start on their turn).
PRESTART_PER_JOB = 1


def run_workers(
    spec: SourceSpec, todo: list[Submission], options: dict, jobs: int, record, prestart: int | None = None
) -> None:
    """Grade ``todo`` with at most ``jobs`` submissions running; a worker that dies or hangs gets its submission an
    error row.

    Beside the running workers, up to ``prestart`` more (default: :data:`PRESTART_PER_JOB` per job) each take the next submission in
    the queue, start its kernel and warm it (see :func:`usvn.grading.runner.run`), then wait for their turn: a
    kernel's start-up overlaps another submission's run. Every worker still grades exactly one submission in a
    kernel of its own, started for it; a worker that dies while it waits has its submission queued once more.
    """
    context = _context()
    limit = options["limits"].submission_timeout * 1.5 + 120
    prestart = jobs * PRESTART_PER_JOB if prestart is None else max(0, prestart)
    queue = list(todo)
    running: dict = {}  # connection -> (process, submission, started)
    waiting: dict = {}  # connection -> (process, submission, turn): started, not yet told to run (in order)
    queued_again: set[str] = set()

    def start_turn(connection, process, submission, turn) -> None:
        with contextlib.suppress(OSError):  # a worker that died meanwhile is reported through its connection
            turn.send(True)
        turn.close()
        running[connection] = (process, submission, time.monotonic())

    while queue or running or waiting:
        while waiting and len(running) < jobs:
            connection = next(iter(waiting))
            start_turn(connection, *waiting.pop(connection))
        while queue and len(running) + len(waiting) < jobs + prestart:
            submission = queue.pop(0)
            receive, send = context.Pipe(duplex=False)
            turn_receive, turn = context.Pipe(duplex=False)
            process = context.Process(target=_worker, args=(send, spec, submission, options, turn_receive), daemon=True)
            process.start()
            send.close()
            turn_receive.close()
            if len(running) < jobs:
                start_turn(receive, process, submission, turn)
            else:
                waiting[receive] = (process, submission, turn)
        ready = wait([*running, *waiting], timeout=1.0)
        for connection in ready:
            was_waiting = connection in waiting
            if was_waiting:
                process, submission, turn = waiting.pop(connection)
                turn.close()
            else:
                process, submission, _ = running.pop(connection)
            try:
                data = connection.recv()
                result = SubmissionResult.from_dict(data)
            except (EOFError, OSError, TypeError, ValueError):
                process.join(5)
                connection.close()
                if was_waiting and submission.student not in queued_again:
                    queued_again.add(submission.student)
                    queue.insert(0, submission)
                    continue
                why = f"the grading worker died (exit code {process.exitcode})"
                result = SubmissionResult.from_dict(_finish(_failed(spec, submission, why, why), submission, options))
            connection.close()
            process.join(10)
            record(result)
        now = time.monotonic()
        for connection, (process, submission, started) in list(running.items()):
            if now - started > limit:
                with contextlib.suppress(OSError):
                    os.killpg(process.pid, 9)
                process.kill()
                process.join(5)
                running.pop(connection)
                connection.close()
                why = f"the grading worker hung past {limit:.0f} s and was stopped"
                record(SubmissionResult.from_dict(_finish(_failed(spec, submission, why, why), submission, options)))


def grade_batch(
    source,
    submissions: Path,
    out: Path,
    *,
    jobs: int | None = None,
    limits: Limits | None = None,
    isolation: str = "auto",
    scratch: Path | None = None,
    keep_scratch: bool = False,
    feedback: Path | None = None,
    stream=None,
    shard=None,
) -> list[SubmissionResult]:
    """Grade every submission in a folder against ``source`` (a source notebook's path, or a spec); write ``OUT``: gradebook.csv, results/, feedback/, manual-grading.csv,
    run.json. ``isolation="auto"`` needs bubblewrap; a weaker level must be named and is flagged everywhere.
    ``shard`` (a :class:`usvn.grading.shards.Shard`) grades only that shard's part of the folder.

    Workers are separate processes, so a script calling this needs the usual ``if __name__ == "__main__":`` guard.
    """
    from usvn.grading import reports
    from usvn.grading.evaluate import check_setup
    from usvn.grading.shards import mark_finished, run_fields, shard_record

    stream = stream or sys.stderr
    spec = load_source(source)
    check_setup(spec)  # a source the grader cannot use is refused before anyone is graded
    out = Path(out)
    limits = limits or Limits()
    level, why = detect(isolation)
    describe = Sandbox(level, limits).describe()
    warning = weaker_warning(level)
    package_digest(), matplotlib_cache()  # computed once here, inherited by every worker
    print(f"isolation: {describe}\n  ({why})", file=stream)
    if warning:
        print(warning, file=stream)
    with output_lock(out):
        (out / "results").mkdir(parents=True, exist_ok=True)
        everyone = discover(Path(submissions), spec.path.stem if spec.path else "")
        if not everyone:
            raise FileNotFoundError(f"No submissions (.ipynb files, zips or student folders) in {submissions}.")
        found = shard.select(everyone) if shard else everyone
        if shard:
            print(f"shard {shard}: {len(found)} of {len(everyone)} submissions", file=stream)
        atomic_write(
            out / "run.json",
            json.dumps(
                {
                    "source": str(spec.path) if spec.path else None,
                    "feedback": str(feedback) if feedback else None,
                    "isolation": level,
                    "isolation_described": describe,
                    "warning": warning,
                    "grader_version": GRADER_VERSION,
                    "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                    "submissions": str(Path(submissions).resolve()),
                    **run_fields(spec, limits),
                    **({"shard": shard_record(shard, everyone)} if shard else {}),
                },
                indent=1,
            ),
        )
        results: dict[str, SubmissionResult] = {}
        todo: list[Submission] = []
        for submission in found:
            stored = out / "results" / f"{output_name(submission.student)}.json"
            if stored.is_file():
                try:
                    previous = SubmissionResult.from_dict(json.loads(stored.read_text(encoding="utf-8")))
                except (ValueError, TypeError):
                    previous = None
                wanted = (
                    _no_notebook(submission)
                    if submission.path is None
                    else fingerprint(spec, submission.path, limits, level)
                )
                if (
                    previous
                    and previous.fingerprint == wanted
                    and not previous.infrastructure
                    and previous.student == submission.student
                ):
                    results[submission.student] = previous
                    continue
            todo.append(submission)
        if len(todo) < len(found):
            print(f"resuming: {len(found) - len(todo)} already graded, {len(todo)} to grade", file=stream)
        scratch = Path(scratch) if scratch else Path(tempfile.gettempdir())
        options = {
            "limits": limits,
            "isolation": level,
            "describe": describe,
            "scratch": scratch,
            "keep_scratch": keep_scratch,
            "home_files": home_files(),
            "hide": [
                path
                for path in (Path(submissions).resolve(), out.resolve(), Path(feedback).resolve() if feedback else None)
                if path
            ],
        }
        # One more worker than cores: a kernel spends part of its time waiting (start-up, messages), and the
        # benchmark (benchmarks/grading_vs_nbgrader.py) measured more throughput with it on 2 cores.
        jobs = max(1, jobs or (os.cpu_count() or 1) + 1)
        started = time.monotonic()
        done = 0

        def record(result: SubmissionResult) -> None:
            nonlocal done
            done += 1
            results[result.student] = result
            atomic_write(
                out / "results" / f"{output_name(result.student)}.json",
                json.dumps(result.as_dict(), indent=1, sort_keys=True),
            )
            reports.write_gradebook(spec, [results[s.student] for s in found if s.student in results], out)
            score = f"{result.auto_points:g}/{sum(i.max_points for i in result.items if i.kind == 'auto'):g}"
            extra = f" ({result.reason})" if result.reason else ""
            _progress(done, len(todo), started, f"{result.student}: {score} {result.status}{extra}", stream)
            if result.changes:
                print(f"    {result.student}: {result.changes}", file=stream)

        gradable = []
        for submission in todo:
            if submission.path is None:
                result = SubmissionResult.from_dict(
                    _finish(_failed(spec, submission, submission.note), submission, options)
                )
                result.fingerprint = _no_notebook(submission)
                record(result)
            else:
                gradable.append(submission)
        run_workers(spec, gradable, options, jobs, record)
        ordered = [results[submission.student] for submission in found]
        reports.write_all(spec, ordered, out, Path(feedback) if feedback else out / "feedback")
        if shard:
            mark_finished(out)
    elapsed = time.monotonic() - started
    if todo:
        print(
            f"graded {len(todo)} submission(s) in {elapsed:.1f} s "
            f"({len(todo) / elapsed:.2f} per second, {jobs} job(s)); gradebook: {out / 'gradebook.csv'}",
            file=stream,
        )
    return ordered
