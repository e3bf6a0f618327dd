"""Grade a folder of submissions in parallel, resumably, and write the gradebook and feedback.

Layouts understood (what instructors actually download):

- one file per student, named by the LMS: Canvas ``login_12345_67890_name.ipynb`` (``login_LATE_...``),
  Blackboard ``Assignment_login_attempt_2024-...ipynb``, or any ``name.ipynb``;
- one folder per student: Moodle ``Full Name_12345_assignsubmission_file_/...``, nbgrader/JupyterHub
  ``submitted/<student>/<assignment>/<notebook>.ipynb``, or any ``<student>/...``.

Each finished submission is saved at once (``OUT/results/<student>.json``, written atomically) and the
gradebook is rewritten atomically after each one, so an interrupted run loses nothing and a re-run grades
only what is missing or changed.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from usvn.grading.core import SubmissionResult, fingerprint, grade, load_source
from usvn.grading.sandbox import Limits, Sandbox, detect
from usvn.grading.source import SourceSpec

__all__ = ["Submission", "atomic_write", "discover", "grade_batch"]

_CANVAS = re.compile(r"^(?P<id>[A-Za-z0-9.\-]+?)(?:_LATE)?_\d+_\d+_.+$", re.I)
_BLACKBOARD = re.compile(r"^.+?_(?P<id>[^_]+)_attempt_\d{4}-\d{2}-\d{2}", re.I)
_MOODLE = re.compile(r"^(?P<id>.+?)_\d+_assign(?:submission|feedback)_\w*$", re.I)


@dataclass(frozen=True)
class Submission:
    student: str
    path: Path | None  # None: a student folder with no notebook in it
    note: str = ""


def atomic_write(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder and rename it over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _student_from_file(name: str) -> str:
    stem = Path(name).stem
    for pattern in (_CANVAS, _BLACKBOARD):
        match = pattern.match(stem)
        if match:
            return match["id"]
    return stem


def _student_from_folder(name: str) -> str:
    match = _MOODLE.match(name)
    return match["id"] if match else name


def _visible(path: Path, root: Path) -> bool:
    return not any(part.startswith(".") or part == "__MACOSX" for part in path.relative_to(root).parts)


def discover(folder: Path, assignment_stem: str = "") -> list[Submission]:
    """Every student in a download folder, with the notebook to grade (or a note saying why there is none)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"Submissions folder not found: {folder}")
    found: list[Submission] = []
    for entry in sorted(folder.iterdir()):
        if not _visible(entry, folder):
            continue
        if entry.is_file() and entry.suffix.lower() == ".ipynb":
            found.append(Submission(_student_from_file(entry.name), entry))
        elif entry.is_dir():
            notebooks = sorted(path for path in entry.rglob("*.ipynb") if _visible(path, folder))
            student = _student_from_folder(entry.name)
            if not notebooks:
                found.append(Submission(student, None, "no .ipynb file in the student's folder"))
                continue
            matching = [path for path in notebooks if assignment_stem and assignment_stem in path.stem]
            chosen = (matching or notebooks)[0]
            note = ""
            if len(notebooks) > 1:
                note = f"{len(notebooks)} notebooks in the folder; graded {chosen.relative_to(entry)}"
            found.append(Submission(student, chosen, note))
    counts: dict[str, int] = {}
    unique = []
    for submission in found:
        counts[submission.student] = counts.get(submission.student, 0) + 1
        if counts[submission.student] > 1:
            note = f"another submission is also named {submission.student}"
            submission = Submission(f"{submission.student}#{counts[submission.student]}", submission.path,
                                    "; ".join(filter(None, [submission.note, note])))
        unique.append(submission)
    return unique


def _safe_name(student: str) -> str:
    return re.sub(r"[^A-Za-z0-9._#-]+", "_", student).strip("._") or "student"


def _grade_one(source_path: str | None, spec: SourceSpec | None, submission: Submission, options: dict) -> dict:
    """Worker: grade one submission; never raises (a failure becomes a row with a reason)."""
    try:
        if submission.path is None:
            raise FileNotFoundError(submission.note)
        result = grade(spec if spec is not None else source_path, submission.path, student=submission.student,
                       limits=options["limits"], isolation=options["isolation"], scratch=options["scratch"],
                       keep_scratch=options["keep_scratch"], hide=options["hide"])
    except Exception as error:  # noqa: BLE001 - every student gets a row, whatever went wrong
        source = spec if spec is not None else load_source(source_path)
        from usvn.grading.core import ItemResult

        reason = str(error) if isinstance(error, FileNotFoundError) else f"the grader failed: {error!r}"
        result = SubmissionResult(submission.student, str(submission.path or ""), "not graded", reason=reason,
                                  items=[ItemResult(item.grade_id, item.kind, item.points, 0.0,
                                                    "failed" if item.kind == "auto" else "unanswered",
                                                    f"Not graded: {reason}.") for item in source.items])
    if submission.path is None:
        result.fingerprint = _no_notebook(submission)
    if submission.note:
        result.problems.insert(0, submission.note)
    return result.as_dict()


def _no_notebook(submission: Submission) -> str:
    return f"no notebook: {submission.note}"


def _progress(done: int, total: int, started: float, line: str, stream) -> None:
    elapsed = time.monotonic() - started
    rate = done / elapsed if elapsed > 0 else 0
    eta = (total - done) / rate if rate else 0
    print(f"[{done}/{total}] {line} · {elapsed:.0f} s elapsed, ETA {int(eta // 60)}:{int(eta % 60):02d}",
          file=stream, flush=True)


def grade_batch(source, submissions: Path, out: Path, *, jobs: int | None = None, limits: Limits | None = None,
                isolation: str = "auto", scratch: Path | None = None, keep_scratch: bool = False,
                feedback: Path | None = None, solutions_dir: Path | None = None, stream=None) -> list[SubmissionResult]:
    """Grade every submission in a folder; write ``OUT``: gradebook.csv, results/, feedback/, manual-grading.csv.

    With ``jobs`` > 1 the work runs in spawned processes, so a script calling this needs the usual
    ``if __name__ == "__main__":`` guard.
    """
    from usvn.grading import reports

    stream = stream or sys.stderr
    spec = load_source(source, solutions_dir)
    out = Path(out)
    (out / "results").mkdir(parents=True, exist_ok=True)
    limits = limits or Limits()
    level, why = detect(isolation)
    describe = Sandbox(level, limits).describe()
    print(f"isolation: {describe}\n  ({why})", file=stream)
    found = discover(Path(submissions), spec.path.stem if spec.path else "")
    if not found:
        raise FileNotFoundError(f"No submissions (.ipynb files or student folders) in {submissions}.")
    results: dict[str, SubmissionResult] = {}
    todo: list[Submission] = []
    for submission in found:
        stored = out / "results" / f"{_safe_name(submission.student)}.json"
        if stored.is_file():
            try:
                previous = SubmissionResult.from_dict(json.loads(stored.read_text(encoding="utf-8")))
            except (ValueError, TypeError):
                previous = None
            wanted = _no_notebook(submission) if submission.path is None else \
                fingerprint(spec, submission.path, limits)
            if previous and previous.fingerprint == wanted:
                results[submission.student] = previous
                continue
        todo.append(submission)
    if len(todo) < len(found):
        print(f"resuming: {len(found) - len(todo)} already graded, {len(todo)} to grade", file=stream)
    options = {"limits": limits, "isolation": level, "scratch": scratch, "keep_scratch": keep_scratch,
               "hide": [path for path in (Path(submissions).resolve(), out.resolve(),
                                          Path(feedback).resolve() if feedback else None) if path]}
    jobs = max(1, jobs or os.cpu_count() or 1)
    started = time.monotonic()

    def record(result: SubmissionResult, done: int) -> None:
        results[result.student] = result
        atomic_write(out / "results" / f"{_safe_name(result.student)}.json",
                     json.dumps(result.as_dict(), indent=1, sort_keys=True))
        reports.write_gradebook(spec, [results[s.student] for s in found if s.student in results], out)
        score = f"{result.auto_points:g}/{sum(i.max_points for i in result.items if i.kind == 'auto'):g}"
        extra = f" ({result.reason})" if result.reason else ""
        _progress(done, len(todo), started, f"{result.student}: {score} {result.status}{extra}", stream)
        if result.changes:
            print(f"    {result.student}: {result.changes}", file=stream)

    source_path = str(spec.path) if spec.path else None
    ship_spec = None if source_path else spec
    if jobs == 1 or len(todo) <= 1:
        for done, submission in enumerate(todo, start=1):
            record(SubmissionResult.from_dict(_grade_one(source_path, ship_spec, submission, options)), done)
    elif todo:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=context) as pool:
            futures = [pool.submit(_grade_one, source_path, ship_spec, submission, options) for submission in todo]
            for done, future in enumerate(as_completed(futures), start=1):
                record(SubmissionResult.from_dict(future.result()), done)
    ordered = [results[submission.student] for submission in found]
    reports.write_all(spec, ordered, out, Path(feedback) if feedback else out / "feedback")
    elapsed = time.monotonic() - started
    if todo:
        print(f"graded {len(todo)} submission(s) in {elapsed:.1f} s "
              f"({len(todo) / elapsed:.2f} per second, {jobs} job(s)); gradebook: {out / 'gradebook.csv'}",
              file=stream)
    return ordered
