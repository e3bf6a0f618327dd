"""``grade(source, submission) -> SubmissionResult``: the grader's Python API.

The test cells of the source run here, in the grader's process, on answers that left the student's kernel
as data. Each item is scored on its own: a failure in one never costs another its points.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import time
from functools import cache
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from usvn.grading.results import ItemResult, SubmissionResult, not_graded_items
from usvn.grading.sandbox import Limits, Sandbox, detect, python_dirs
from usvn.grading.source import SourceError, SourceSpec, read_source

__all__ = ["GRADER_VERSION", "ItemResult", "SubmissionResult", "evaluate", "grade", "load_source", "read_submission"]

GRADER_VERSION = "2"
MAX_NOTEBOOK_BYTES = 64 * 2**20


def load_source(source) -> SourceSpec:
    """The source notebook (nbgrader format) to grade against: a path, or an already read spec."""
    if isinstance(source, SourceSpec):
        return source
    if not isinstance(source, (str, Path)):
        raise SourceError(f"The source is a notebook's path, not {type(source).__name__} {source!r}.")
    return read_source(Path(source))


def read_submission(path: Path) -> tuple[NotebookNode | None, list[str], str]:
    """``(notebook, notes, reason)``: the notebook if it can be graded, else None and a plain reason."""
    notes: list[str] = []
    try:
        size = Path(path).stat().st_size
        if size > MAX_NOTEBOOK_BYTES:
            return None, notes, f"the file is too large to be a notebook ({size // 2**20} MiB)"
        raw = Path(path).read_bytes()
    except OSError as error:
        return None, notes, f"the file cannot be read ({error.strerror})"
    if not raw.strip():
        return None, notes, "the file is empty"
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        text = raw.decode("cp1252", errors="replace")
        notes.append(f"the file is not UTF-8 (byte {error.start}); read it as Windows-1252")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return None, notes, f"not a notebook: the file is not valid JSON (line {error.lineno}, column {error.colno})"
    if not isinstance(data, dict) or not isinstance(data.get("cells", data.get("worksheets")), list):
        return None, notes, "not a notebook: the JSON has no list of cells"
    try:
        notebook = nbformat.from_dict(data)
        if notebook.get("nbformat", 4) < 4:
            notebook = nbformat.convert(notebook, 4)
        for cell in notebook.cells:
            if not isinstance(cell, dict) or "cell_type" not in cell:
                raise ValueError("a cell has no cell_type")
            cell.setdefault("metadata", {})
            if isinstance(cell.get("source"), list):
                cell["source"] = "".join(map(str, cell["source"]))
            cell["source"] = str(cell.get("source", ""))
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        return None, notes, f"not a notebook: {error}"
    kernelspec = notebook.get("metadata", {}).get("kernelspec") or {}
    name, language = str(kernelspec.get("name", "")), str(kernelspec.get("language", "python"))
    if not kernelspec:
        notes.append("no kernelspec; graded with Python 3")
    elif language.lower() != "python" or not name.lower().startswith("python"):
        notes.append(f"kernelspec '{name or language}' ignored; graded with Python 3")
    return notebook, notes, ""


def evaluate(spec: SourceSpec, outcome, manual: dict[str, str], reason: str = "") -> list[ItemResult]:
    """Every item's result: the test results of the run, the written answers, and a reason for the rest."""
    results = []
    for item in spec.items:
        if item.kind == "manual":
            answer = manual.get(item.grade_id, "")
            results.append(
                ItemResult(
                    item.grade_id,
                    "manual",
                    item.points,
                    None if answer else 0.0,
                    "ungraded" if answer else "unanswered",
                    "" if answer else "No answer was written.",
                    answer,
                )
            )
        elif outcome is not None and item.grade_id in outcome.items:
            results.append(outcome.items[item.grade_id])
        else:
            why = reason or "the notebook stopped before this test was reached"
            results.append(ItemResult(item.grade_id, "auto", item.points, 0.0, "failed", f"Not graded: {why}."))
    return results


@cache
def package_digest() -> str:
    """A digest of the code and data files of the package the grader ships in (the grader's own code, and
    the course code and data that setup and test cells use), read from disk without importing anything."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if (
            path.is_file()
            and path.suffix in (".py", ".yaml", ".yml", ".json", ".csv")
            and "__pycache__" not in path.parts
        ):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(spec: SourceSpec, submission: Path, limits: Limits, level: str = "") -> str:
    """What a stored result depends on: the submission, the source, the grader, the package data, the limits
    and the isolation level. A stored result with another fingerprint is graded again."""
    digest = hashlib.sha256()
    digest.update(GRADER_VERSION.encode())
    digest.update(package_digest().encode())
    digest.update(spec.digest.encode())
    digest.update(json.dumps(limits.as_dict(), sort_keys=True).encode())
    digest.update(f"isolation={level}".encode())
    try:
        with open(submission, "rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        digest.update(b"<unreadable>")
    return digest.hexdigest()


def _hidden_paths(extra: list[Path], source: Path | None, submission: Path, work: Path) -> list[Path]:
    """Folders to cover in the kernel's view: the key's, the submission's, the outputs, the scratch area.

    A folder that holds Python itself (or this kernel's scratch) cannot be covered; its file is hidden instead.
    """
    keep = [*python_dirs(), work.resolve()]
    wanted = [Path(path).resolve() for path in extra]
    if source:
        wanted.append(Path(source).resolve().parent)
    wanted.append(submission.resolve().parent)
    hidden = []
    for path in wanted:
        blocked = any(path == kept or path in kept.parents for kept in keep if kept != work.resolve()) or path == work
        if not blocked:
            hidden.append(path)
        elif source and Path(source).resolve().parent == path:
            hidden.append(Path(source).resolve())
        elif submission.resolve().parent == path:
            hidden.append(submission.resolve())
    return hidden


def grade(
    source,
    submission,
    *,
    student: str | None = None,
    limits: Limits | None = None,
    isolation: str = "auto",
    scratch: Path | None = None,
    keep_scratch: bool = False,
    hide: list[Path] | None = None,
    gate=None,
) -> SubmissionResult:
    """Grade one submitted notebook (a path) against a source notebook (a path, or a spec already read).

    ``isolation`` is ``auto`` (bubblewrap, or a :class:`RuntimeError` that says how to install it) or a
    level asked for by name. ``hide`` lists folders the kernel must not see besides the source's own.
    ``gate``, used by a batch, is a callable that blocks until this submission's turn: its kernel is started
    and warmed before (see :func:`usvn.grading.runner.run`).
    """
    started = time.monotonic()
    spec = load_source(source)
    limits = limits or Limits()
    submission = Path(submission)
    student = student or submission.stem
    level, _ = detect(isolation)
    sandbox = Sandbox(level, limits)
    result = SubmissionResult(
        student,
        str(submission),
        "not graded",
        isolation=sandbox.describe(),
        fingerprint=fingerprint(spec, submission, limits, level),
        level=level,
        warning=weaker_warning(level),
    )
    notebook, notes, reason = read_submission(submission)
    result.problems.extend(notes)
    if notebook is None:
        result.reason = reason
        result.items = not_graded_items(spec.items, reason)
        result.seconds = round(time.monotonic() - started, 3)
        return result
    from usvn.grading.runner import prepare, run, warm_modules

    prepared = prepare(spec, notebook)
    result.changes = "; ".join(prepared.changes)
    base = Path(scratch) if scratch else Path(tempfile.gettempdir())
    base.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="usvn-grade-", dir=base))
    hidden = _hidden_paths([*(hide or []), base], spec.path, submission, work)
    try:
        outcome = run(spec, prepared, sandbox, work, hidden, gate=gate, warm=warm_modules(spec) if gate else None)
    finally:
        if not keep_scratch:
            shutil.rmtree(work, ignore_errors=True)
    result.problems.extend(outcome.problems)
    result.cell_errors = outcome.cell_errors
    result.infrastructure = outcome.infrastructure
    reason = outcome.problems[-1] if outcome.problems and not outcome.finished else ""
    result.items = evaluate(spec, outcome, prepared.manual_answers, reason)
    if outcome.finished and not outcome.problems:
        result.status = "graded"
    elif outcome.items:
        result.status = "partial"
        result.reason = outcome.problems[0] if outcome.problems else ""
    else:
        result.reason = outcome.problems[0] if outcome.problems else "no answers could be read"
    result.seconds = round(time.monotonic() - started, 3)
    return result


def weaker_warning(level: str) -> str:
    """The warning every record of a run at a level weaker than bubblewrap carries."""
    if level == "bwrap":
        return ""
    return (
        f"WARNING: graded with isolation '{level}', weaker than bubblewrap: student code could read "
        + (
            "files outside its folder that are not hidden"
            if level == "unshare"
            else "every file the grader's user can read, and use the network"
        )
        + "; install bubblewrap (apt-get install bubblewrap) and grade with --isolation auto"
    )
