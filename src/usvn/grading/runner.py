"""Run one submission in a confined kernel and bring its answers back as data.

The notebook that runs is the student's, with locked cells restored from the source, test cells left out
(they run in the grader), and one extraction cell appended. A cell that hangs or kills the kernel is
noted and skipped on the next attempt, so the answers that do not depend on it still count.
"""

from __future__ import annotations

import copy
import json
import math
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_notebook

from usvn.grading import extract
from usvn.grading.sandbox import Limits, Sandbox
from usvn.grading.source import TEXT_STUB, SourceSpec, cell_role, grade_meta, public_source
from usvn.grading.wire import StudentFunction, decode

__all__ = ["Prepared", "RunOutcome", "prepare", "run"]

_EXTRACT_SOURCE = Path(extract.__file__).read_text(encoding="utf-8")
MAX_ATTEMPTS = 4


@dataclass
class Prepared:
    """The cells to run, what changed against the source, and the hand-graded answers."""

    cells: list[NotebookNode]
    labels: list[str]
    changes: list[str] = field(default_factory=list)
    manual_answers: dict[str, str] = field(default_factory=dict)


@dataclass
class RunOutcome:
    answers: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    cell_errors: list[str] = field(default_factory=list)
    extracted: bool = False
    attempts: int = 0


def _source_text(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def prepare(spec: SourceSpec, student: NotebookNode) -> Prepared:
    """Restore locked and test cells from the source, keep the student's answers, and note what changed."""
    source_ids = {cell.get("id") for cell in spec.notebook.cells}
    edited, deleted, duplicated, deleted_answers = [], [], [], []
    inserted = 0
    seen: set[str] = set()
    merged: list[tuple[str | None, NotebookNode]] = []  # (source grade_id or cell id, cell)
    for cell in student.cells:
        if cell.get("metadata", {}).get("usvn", {}).get("generated") == "check":
            continue
        grade_id = str(grade_meta(cell).get("grade_id") or "")
        if grade_id in spec.locked or grade_id in spec.answer_cells:
            if grade_id in seen:
                duplicated.append(grade_id)
                continue
            seen.add(grade_id)
            if grade_id in spec.locked:
                original = spec.locked[grade_id]
                if _source_text(cell).strip() != public_source(original).strip() \
                        or cell.get("cell_type") != original.cell_type:
                    edited.append(grade_id)
                merged.append((grade_id, copy.deepcopy(original)))
            else:
                merged.append((grade_id, cell))
            continue
        if cell.get("id") not in source_ids:
            inserted += 1
        clean = copy.deepcopy(cell)
        clean.setdefault("metadata", {}).pop("nbgrader", None)
        merged.append((cell.get("id"), clean))
    # Put back locked cells the student deleted, after the nearest earlier source cell still present.
    present = {key for key, _ in merged}
    for index, cell in enumerate(spec.notebook.cells):
        grade_id = str(grade_meta(cell).get("grade_id") or "")
        if grade_id in spec.answer_cells and grade_id not in present and grade_id not in spec.locked:
            deleted_answers.append(grade_id)
        if grade_id not in spec.locked or grade_id in present:
            continue
        deleted.append(grade_id)
        position = 0
        for earlier in reversed(spec.notebook.cells[:index]):
            key = str(grade_meta(earlier).get("grade_id") or "") or earlier.get("id")
            matches = [i for i, (existing, _) in enumerate(merged) if existing == key]
            if matches:
                position = matches[0] + 1
                break
        merged.insert(position, (grade_id, copy.deepcopy(cell)))
        present.add(grade_id)
    changes = []
    if edited:
        changes.append(f"edited locked cells restored: {', '.join(edited)}")
    if deleted:
        changes.append(f"deleted locked cells restored: {', '.join(deleted)}")
    if deleted_answers:
        changes.append(f"answer cells deleted: {', '.join(deleted_answers)}")
    if duplicated:
        changes.append(f"duplicated cells ignored: {', '.join(duplicated)}")
    if inserted:
        changes.append(f"{inserted} cell{'s' if inserted > 1 else ''} inserted")
    cells, labels = [], []
    number = 0
    for key, cell in merged:
        number += 1
        role = cell_role(cell)
        if cell.get("cell_type") != "code" or role in ("test", "task") or not _source_text(cell).strip():
            continue
        runnable = new_code_cell(_source_text(cell))
        cells.append(runnable)
        labels.append(f"cell {number}" + (f" ('{key}')" if key in spec.answer_cells or key in spec.locked else ""))
    manual = {}
    by_id = {key: cell for key, cell in merged}
    for item in spec.manual_items:
        cell = by_id.get(item.grade_id)
        text = _source_text(cell).strip() if cell is not None else ""
        manual[item.grade_id] = "" if text in (TEXT_STUB, "") else text
    return Prepared(cells, labels, changes, manual)


class SandboxKernelManager(AsyncKernelManager):
    """Starts the kernel through :class:`Sandbox`, talking over Unix sockets in the scratch folder."""

    def __init__(self, sandbox: Sandbox, scratch: Path, hide: list[Path], **kwargs) -> None:
        runtime = scratch / "runtime"
        super().__init__(kernel_name="python3", transport="ipc", ip=str(runtime / "k"),
                         connection_file=str(runtime / "kernel.json"), **kwargs)
        self._sandbox, self._scratch, self._hide = sandbox, scratch, hide

    def format_kernel_cmd(self, extra_arguments=None) -> list[str]:
        if self._sandbox.uid is not None:
            os.chown(self.connection_file, self._sandbox.uid, self._sandbox.uid)
        kernel = [sys.executable, "-m", "ipykernel_launcher", "-f", self.connection_file, *(extra_arguments or [])]
        return self._sandbox.wrap(kernel, self._scratch, self._hide)


class _CappedClient(NotebookClient):
    """nbclient with a cap on the output kept: past it, outputs are dropped (answers still arrive)."""

    def __init__(self, *args, output_limit: int, extraction_index: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.output_limit, self.extraction_index = output_limit, extraction_index
        self.output_used, self.truncated = 0, False

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        if cell_index == self.extraction_index and extract.MIME in content.get("data", {}):
            return super().output(outs, msg, display_id, cell_index)
        size = len(str(content.get("text", ""))) + sum(len(str(value)) for value in content.get("data", {}).values())
        size += len(str(content.get("traceback", "")))
        self.output_used += size
        if self.output_used > self.output_limit:
            self.truncated = True
            return None
        return super().output(outs, msg, display_id, cell_index)


def _kill_uid(uid: int | None) -> None:
    """Kill every process left running as the kernel's own uid (processes that left its group)."""
    if uid is None or os.geteuid() != 0:
        return
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    os.kill(int(entry), signal.SIGKILL)
            except OSError:
                continue


def _extraction_cell(spec: SourceSpec, limits: Limits, nonce: str, skip: set[str]) -> NotebookNode:
    probes = [[probe.name, probe.key, extract.encode(list(probe.args))] for probe in spec.probes()]
    request = {"names": spec.answer_names(), "probes": probes, "skip": sorted(skip),
               "call_timeout": limits.call_timeout, "answer_bytes": limits.answer_bytes}
    call = f"_usvn_emit({nonce!r}, __import__('json').loads({json.dumps(request)!r}), globals())"
    return new_code_cell(_EXTRACT_SOURCE + "\n\n" + call + "\n")


def run(spec: SourceSpec, prepared: Prepared, sandbox: Sandbox, scratch: Path, hide: list[Path]) -> RunOutcome:
    """Execute the prepared cells (with retries past hanging or crashing cells) and collect the answers."""
    limits = sandbox.limits
    deadline = time.monotonic() + limits.submission_timeout
    outcome = RunOutcome()
    skipped_cells: set[int] = set()
    failed_calls: dict[tuple[str, str], str] = {}
    for attempt in range(1, MAX_ATTEMPTS + 1):
        outcome.attempts = attempt
        remaining = deadline - time.monotonic()
        if remaining < 1:
            outcome.problems.append(f"stopped: the whole submission ran past {limits.submission_timeout:g} s")
            break
        nonce = secrets.token_hex(8)
        cells = [new_code_cell("pass  # skipped by the grader") if index in skipped_cells else copy.deepcopy(cell)
                 for index, cell in enumerate(prepared.cells)]
        cells.append(_extraction_cell(spec, limits, nonce, {key for _, key in failed_calls}))
        notebook = new_notebook(cells=cells)
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(mode=0o700)
        sandbox.prepare(scratch)
        failure = _attempt(notebook, sandbox, scratch, hide, limits, deadline)
        _kill_uid(sandbox.uid)
        outcome.cell_errors = _cell_errors(notebook, prepared.labels)
        answers, pending = _collect(notebook.cells[-1], nonce, failed_calls)
        if failure.get("truncated"):
            note = f"output past {limits.output_bytes // 1000} kB was dropped"
            if note not in outcome.problems:
                outcome.problems.append(note)
        if failure.get("index") is None and failure.get("error") is None:
            outcome.answers, outcome.extracted = answers, True
            break
        index, why = failure.get("index"), failure.get("error")
        if index is None:  # the kernel never started, or the grader failed around it
            outcome.problems.append(why)
            break
        if index == len(prepared.cells):  # the extraction cell itself: blame the call in progress
            if pending is None:  # its marker was lost with the kernel: the first call without a result
                pending = next(((probe.name, probe.key) for probe in spec.probes()
                                if isinstance(answers.get(probe.name), StudentFunction)
                                and probe.key not in answers[probe.name].results
                                and (probe.name, probe.key) not in failed_calls), None)
            if pending is None:
                outcome.answers, outcome.extracted = answers, bool(answers)
                outcome.problems.append(f"reading the answers {why}")
                break
            failed_calls[pending] = why
            outcome.problems.append(f"{pending[0]}() {why} when the grader called it; that call was skipped")
        else:
            skipped_cells.add(index)
            outcome.problems.append(f"{prepared.labels[index]} {why}; it was skipped and the rest run again")
    else:
        outcome.problems.append(f"gave up after {MAX_ATTEMPTS} attempts")
    for (name, key), why in failed_calls.items():
        function = outcome.answers.get(name)
        if isinstance(function, StudentFunction):
            function.results[key] = ("raised", why)
    return outcome


def _attempt(notebook, sandbox, scratch, hide, limits: Limits, deadline: float) -> dict:
    extraction_index = len(notebook.cells) - 1
    km = SandboxKernelManager(sandbox, scratch, hide)
    client = _CappedClient(notebook, km=km, timeout=int(math.ceil(limits.cell_timeout)), allow_errors=True,
                           interrupt_on_timeout=False, startup_timeout=60, shutdown_kernel="immediate",
                           record_timing=False, iopub_timeout=4, raise_on_iopub_timeout=False,
                           output_limit=limits.output_bytes, extraction_index=extraction_index)
    index = None
    log = open(scratch / "kernel.log", "wb")  # noqa: SIM115 - closed below, after the kernel is gone
    try:
        with client.setup_kernel(cwd=str(scratch / "work"), env=sandbox.env(scratch),
                                 stdout=subprocess.DEVNULL, stderr=log, stdin=subprocess.DEVNULL):
            for index, cell in enumerate(notebook.cells):
                remaining = deadline - time.monotonic()
                if remaining < 1:
                    return {"index": index, "error": "ran past the time limit for the whole submission",
                            "truncated": client.truncated}
                client.timeout = max(1, int(min(limits.cell_timeout, remaining)))
                client.execute_cell(cell, index)
    except CellTimeoutError:
        return {"index": index, "error": f"ran past the {client.timeout} s limit", "truncated": client.truncated}
    except DeadKernelError:
        return {"index": index, "error": "stopped the kernel (a crash, os._exit, or the CPU or memory limit)",
                "truncated": client.truncated}
    except RuntimeError as error:
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
        return {"index": index if index is not None and km.has_kernel else None,
                "error": f"the kernel failed: {detail}", "truncated": client.truncated}
    finally:
        try:
            client._cleanup_kernel()  # we own the kernel manager, so nbclient leaves the kernel to us
        except Exception:  # noqa: BLE001 - a dead kernel may fail to clean up; it is killed below anyway
            if km.has_kernel and km.provisioner is not None and km.provisioner.process is not None:
                km.provisioner.process.kill()
        log.close()
    return {"index": None, "error": None, "truncated": client.truncated}


def _collect(cell, nonce: str, failed_calls) -> tuple[dict, tuple[str, str] | None]:
    answers: dict = {}
    pending = None
    for output in cell.get("outputs", []):
        payload = output.get("data", {}).get(extract.MIME) if output.get("output_type") == "display_data" else None
        if not isinstance(payload, dict) or payload.get("nonce") != nonce:
            continue
        name = payload.get("name")
        if not isinstance(name, str):
            continue
        if "key" not in payload:
            value = payload.get("value")
            if isinstance(value, dict) and value.get("__t") == "function":
                answers[name] = StudentFunction(name)
            else:
                answers[name] = decode(value)
            continue
        key = payload["key"]
        if payload.get("calling"):
            pending = (name, key)
            continue
        pending = None
        function = answers.get(name)
        if isinstance(function, StudentFunction):
            if "raised" in payload:
                function.results[key] = ("raised", f"raised {payload['raised']}: {payload.get('message', '')}"
                                         if payload["raised"] != "TimeoutError" else "did not return in time")
            else:
                function.results[key] = ("value", decode(payload.get("value")))
    return answers, pending


def _cell_errors(notebook, labels: list[str]) -> list[str]:
    errors = []
    for index, cell in enumerate(notebook.cells[:-1]):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                errors.append(f"{labels[index]}: {output.get('ename')}: {str(output.get('evalue', ''))[:120]}")
    return errors
