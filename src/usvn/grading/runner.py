"""Run one submission in a confined kernel and grade each test cell as the notebook reaches it.

The cells that run in the kernel are the student's, with locked cells restored from the source. Where a
test cell stood, the grader instead takes the values of the names that test reads out of the kernel (as
data), and runs the test code in its own process, against a namespace built from the source's setup
cells (see :mod:`usvn.grading.evaluate`). A student's function is called in the kernel, which keeps
running, whenever the test calls it. A cell or a call that hangs or kills the kernel is noted and skipped
on the next attempt, so the answers that do not depend on it still count.
"""

from __future__ import annotations

import contextlib
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

import zmq
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbformat.v4 import new_notebook

from usvn.grading import extract
from usvn.grading.sandbox import Limits, Sandbox
from usvn.grading.source import TEXT_STUB, SourceSpec, cell_role, grade_meta, public_source
from usvn.grading.wire import KernelLost, decode

__all__ = ["Prepared", "RunOutcome", "Step", "prepare", "run", "warm_modules"]

_EXTRACT_SOURCE = Path(extract.__file__).read_text(encoding="utf-8")
MAX_ATTEMPTS = 4
#: No single kernel message may be larger than this (ZeroMQ drops the connection that sends one).
MAX_MESSAGE_BYTES = 16 * 2**20


@dataclass(frozen=True)
class Step:
    """One step of the run: a cell for the kernel, or a test the grader evaluates at that point."""

    kind: str  # "code" or "test"
    code: str = ""
    label: str = ""
    grade_id: str = ""


@dataclass
class Prepared:
    """The steps to run, what changed against the source, and the hand-graded answers."""

    steps: list[Step]
    changes: list[str] = field(default_factory=list)
    manual_answers: dict[str, str] = field(default_factory=dict)


@dataclass
class RunOutcome:
    items: dict = field(default_factory=dict)  # grade_id -> ItemResult
    problems: list[str] = field(default_factory=list)
    cell_errors: list[str] = field(default_factory=list)
    finished: bool = False  # every step ran (some perhaps skipped)
    infrastructure: str = ""  # set when the failure was the grader's or the machine's, not the notebook's
    attempts: int = 0


def code_cell(source: str) -> NotebookNode:
    """A code cell, as ``nbformat.v4.new_code_cell`` makes it without validating it against the notebook schema
    (that check took a grader about 30 ms per submission, for cells whose shape is fixed here)."""
    return NotebookNode(
        id=secrets.token_hex(4),
        cell_type="code",
        execution_count=None,
        metadata=NotebookNode(),
        outputs=[],
        source=source,
    )


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
                if (
                    _source_text(cell).strip() != public_source(original).strip()
                    or cell.get("cell_type") != original.cell_type
                ):
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
    steps: list[Step] = []
    number = 0
    for key, cell in merged:
        number += 1
        role = cell_role(cell)
        if role == "test" and key in spec.locked:
            steps.append(Step("test", grade_id=key, label=f"cell {number} ('{key}')"))
            continue
        if cell.get("cell_type") != "code" or role == "task" or not _source_text(cell).strip():
            continue
        known = key in spec.answer_cells or key in spec.locked
        steps.append(Step("code", _source_text(cell), f"cell {number}" + (f" ('{key}')" if known else "")))
    manual = {}
    by_id = {key: cell for key, cell in merged}
    for item in spec.manual_items:
        cell = by_id.get(item.grade_id)
        text = _source_text(cell).strip() if cell is not None else ""
        manual[item.grade_id] = "" if text in (TEXT_STUB, "") else text
    return Prepared(steps, changes, manual)


class SandboxKernelManager(AsyncKernelManager):
    """Starts the kernel through :class:`Sandbox`, talking over Unix sockets in the scratch folder."""

    def __init__(self, sandbox: Sandbox, scratch: Path, hide: list[Path], **kwargs) -> None:
        runtime = scratch / "runtime"
        super().__init__(
            kernel_name="python3",
            transport="ipc",
            ip=str(runtime / "k"),
            connection_file=str(runtime / "kernel.json"),
            **kwargs,
        )
        self._sandbox, self._scratch, self._hide = sandbox, scratch, hide
        # Bounded traffic: a single message past this size closes the kernel's connection instead of
        # being read into the grader's memory.
        self.context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
        self.context.setsockopt(zmq.RCVHWM, 2000)

    def format_kernel_cmd(self, extra_arguments=None) -> list[str]:
        if self._sandbox.uid is not None:
            os.chown(self.connection_file, self._sandbox.uid, self._sandbox.uid)
        # No history database: a kernel that runs one notebook once has no use for one, and it costs every
        # kernel an SQLite file and a thread at start-up. ``In``, ``Out`` and ``_i`` still work, from memory.
        kernel = [
            sys.executable,
            "-m",
            "ipykernel_launcher",
            "-f",
            self.connection_file,
            "--HistoryManager.enabled=False",
            *(extra_arguments or []),
        ]
        return self._sandbox.wrap(kernel, self._scratch, self._hide)


def _size(content) -> int:
    try:
        return len(json.dumps(content, default=str))
    except (TypeError, ValueError, RecursionError):
        return 10**9


class _CappedClient(NotebookClient):
    """nbclient with every kernel message counted: past the output cap, outputs, display updates and widget
    messages are dropped (answers still arrive, each within its own cap)."""

    def __init__(self, *args, output_limit: int, answer_limit: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.output_limit, self.answer_limit = output_limit, answer_limit
        self.output_used, self.truncated = 0, False
        self.bridge: dict[int, tuple[str, list]] = {}  # cell index -> (nonce, payloads)

    def _spend(self, amount: int) -> bool:
        self.output_used += amount
        if self.output_used > self.output_limit:
            self.truncated = True
            return False
        return True

    def process_message(self, msg, cell, cell_index):
        kind = msg.get("msg_type", "")
        content = msg.get("content") or {}
        if kind in ("status", "execute_input", "error"):
            return super().process_message(msg, cell, cell_index)
        data = content.get("data") if isinstance(content, dict) else None
        if cell_index in self.bridge and kind == "display_data" and isinstance(data, dict) and extract.MIME in data:
            nonce, payloads = self.bridge[cell_index]
            payload = data[extract.MIME]
            if isinstance(payload, dict) and payload.get("nonce") == nonce and len(payloads) < 10_000:
                if _size(payload) <= self.answer_limit + 4096:
                    payloads.append(payload)
                else:
                    payloads.append({"name": payload.get("name"), "value": {"__t": "too-large", "type": "value"}})
                return None
        if not self._spend(_size(content) + sum(len(buffer) for buffer in msg.get("buffers") or [])):
            return None
        return super().process_message(msg, cell, cell_index)

    def output(self, outs, msg, display_id, cell_index):
        if msg.get("msg_type") == "error":
            if not self._spend(_size(msg.get("content"))):
                return None
        return super().output(outs, msg, display_id, cell_index)


class Bridge:
    """Sends the grader's small cells to the running kernel and brings back their payloads."""

    def __init__(self, client: _CappedClient, limits: Limits, deadline: float) -> None:
        self.client, self.limits, self.deadline = client, limits, deadline
        self.module = f"_usvn_wire_{secrets.token_hex(6)}"  # where the helpers live in this kernel
        self.helpers_sent = False

    def _run(self, code: str, nonce: str, call: tuple[str, str]) -> list[dict]:
        notebook = self.client.nb
        cell = code_cell(code)
        index = len(notebook.cells)
        notebook.cells.append(cell)
        payloads: list[dict] = []
        self.client.bridge[index] = (nonce, payloads)
        remaining = self.deadline - time.monotonic()
        if remaining < 1:
            raise KernelLost("ran past the time limit for the whole submission", call)
        self.client.timeout = max(1, int(min(self.limits.call_timeout + 5, remaining)))
        try:
            self.client.execute_cell(cell, index, store_history=False)
        except CellTimeoutError:
            raise KernelLost(f"ran past the {self.client.timeout} s limit", call) from None
        except DeadKernelError:
            raise KernelLost("stopped the kernel (a crash, os._exit, or the CPU or memory limit)", call) from None
        finally:
            del self.client.bridge[index]
            notebook.cells[index] = code_cell("")  # free the outputs
        return payloads

    def _cell(self, function: str, *args, send_helpers: bool) -> tuple[str, str]:
        """A cell that calls ``function`` of the wire helpers in the kernel, kept there under a name unique to
        this kernel. The helpers' source goes out with the first call only: a cell that carries it costs the
        kernel about 8 ms more to take in, on every one of the dozens of calls a test can make. Later cells
        publish a ``missing`` payload if the helpers are gone (the student's code can remove them), and
        :meth:`_exchange` sends them again."""
        nonce = secrets.token_hex(8)
        arguments = ", ".join([repr(nonce), *args])
        if send_helpers:
            load = (
                f"(__import__('sys').modules.get({self.module!r}) or (lambda m: (exec({_EXTRACT_SOURCE!r}, "
                f"m.__dict__), __import__('sys').modules.__setitem__({self.module!r}, m), m)[2])"
                f"(__import__('types').ModuleType({self.module!r})))"
            )
            return f"{load}.{function}({arguments})\n", nonce
        missing = {extract.MIME: {"nonce": nonce, "missing": True}, "text/plain": "(answer)"}
        return (
            f"(lambda m: m.{function}({arguments}) if m is not None else __import__('IPython.display', "
            f"fromlist=['publish_display_data']).publish_display_data({missing!r}))"
            f"(__import__('sys').modules.get({self.module!r}))\n"
        ), nonce

    def _exchange(self, function: str, args: list[str], call: tuple[str, str]) -> list[dict]:
        """Run ``function`` in the kernel and return its payloads, sending the helpers when they are not there."""
        for send_helpers in (False, True) if self.helpers_sent else (True,):
            code, nonce = self._cell(function, *args, send_helpers=send_helpers)
            payloads = self._run(code, nonce, call)
            if not any(payload.get("missing") for payload in payloads):
                self.helpers_sent = True
                return payloads
        raise KernelLost("lost the grader's helpers in the kernel", call)

    def fetch(self, names: list[str], grade_id: str) -> dict:
        """The student's current values of ``names`` (functions as markers), decoded."""
        arguments = [
            repr(list(names)),
            "globals()",
            repr(self.limits.answer_bytes),
            repr(float(self.limits.call_timeout)),
        ]
        values: dict = {}
        for payload in self._exchange("_usvn_emit", arguments, ("#fetch", grade_id)):
            name = payload.get("name")
            if payload.get("failed"):
                raise KernelLost(str(payload["failed"]), ("#fetch", grade_id))
            if name in names and name not in values:
                data = payload.get("value")
                values[name] = (
                    ("function", None)
                    if isinstance(data, dict) and data.get("__t") == "function"
                    else ("value", decode(data))
                )
        return values

    def call(self, name: str, key: str, args_data, kwargs_data):
        """Call the student's ``name`` in the kernel: ``("value", (result, [args, kwargs] after the call))``
        or ``("raised", (summary, text))``."""
        arguments = [
            repr(name),
            f"__import__('json').loads({json.dumps(args_data)!r})",
            f"__import__('json').loads({json.dumps(kwargs_data)!r})",
            "globals()",
            repr(self.limits.answer_bytes),
            repr(float(self.limits.call_timeout)),
        ]
        payloads = self._exchange("_usvn_call", arguments, (name, key))
        result = next((payload for payload in payloads if payload.get("result") and payload.get("name") == name), None)
        if result is None:
            raise KernelLost("did not report a result", (name, key))
        if "raised" in result:
            if result["raised"] == "TimeoutError":
                return "raised", ("did not return in time", "")
            return "raised", (f"raised {str(result['raised'])[:80]}", str(result.get("message", ""))[:300])
        after = result.get("after")
        return "value", (decode(result.get("value")), decode(after) if after is not None else None)


def warm_modules(spec: SourceSpec) -> list[str]:
    """The modules the source's locked code cells import at their top level, in order.

    Locked cells run for every student (they are restored from the source), so importing their modules before
    the student's first cell only warms ``sys.modules``: the notebook's own ``import`` statements still run,
    and find the module loaded, as a second import in any notebook would. No name is bound in the student's
    namespace, and a module that fails to import is left out without a trace.
    """
    import ast

    from usvn.grading.source import without_magics

    modules: dict[str, None] = {}
    for cell in spec.notebook.cells:
        if cell.get("cell_type") != "code" or cell_role(cell) != "locked":
            continue
        try:
            tree = ast.parse(without_magics(_source_text(cell)))
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                modules.update(dict.fromkeys(alias.name for alias in node.names))
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules[node.module] = None
    return list(modules)


def _warm_code(modules: list[str]) -> str:
    """Kernel code that imports ``modules`` and leaves nothing behind but ``sys.modules`` entries."""
    return (
        "def _usvn_warm(names):\n"
        "    import importlib, sys\n"
        "    for name in names:\n"
        "        before = set(sys.modules)\n"
        "        try:\n"
        "            importlib.import_module(name)\n"
        "        except BaseException:\n"
        "            for partial in set(sys.modules) - before:\n"
        "                sys.modules.pop(partial, None)\n"
        f"_usvn_warm({list(modules)!r})\n"
        "del _usvn_warm\n"
    )


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


def run(
    spec: SourceSpec,
    prepared: Prepared,
    sandbox: Sandbox,
    scratch: Path,
    hide: list[Path],
    *,
    gate=None,
    warm: list[str] | None = None,
) -> RunOutcome:
    """Run the steps (with retries past hanging or crashing cells and calls) and grade each test.

    With ``gate`` (a callable that blocks until this submission may run; it may be called again, and then
    returns at once), the first kernel is started and
    ``warm`` modules imported in it before ``gate`` returns, so a batch starts one submission's kernel while
    another's runs. The submission's time limit counts from the moment ``gate`` returns. A kernel that died
    while it waited is replaced by a fresh one, without an attempt or a problem charged to the student.
    """
    from usvn.grading.evaluate import Evaluator

    limits = sandbox.limits
    clock = {"deadline": time.monotonic() + limits.submission_timeout}
    outcome = RunOutcome()
    skipped: set[int] = set()
    failed_calls: dict[tuple[str, str], str] = {}
    attempt = 0
    while attempt < MAX_ATTEMPTS:
        attempt += 1
        outcome.attempts = attempt
        deadline = clock["deadline"]
        if deadline - time.monotonic() < 1:
            outcome.problems.append(f"stopped: the whole submission ran past {limits.submission_timeout:g} s")
            outcome.infrastructure = outcome.infrastructure or _load_note()
            break
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(mode=0o700)
        sandbox.prepare(scratch)
        evaluator = Evaluator(spec, limits, failed_calls)
        failure = _attempt(prepared, evaluator, sandbox, scratch, hide, limits, clock, skipped, gate, warm or [])
        _kill_uid(sandbox.uid)
        if gate is not None:
            gate = None
            if failure.get("before_use"):  # the waiting kernel failed: start a fresh one, charge nothing
                clock["deadline"] = time.monotonic() + limits.submission_timeout
                attempt -= 1
                continue
        outcome.items = evaluator.results
        outcome.cell_errors = failure.get("cell_errors", [])
        if failure.get("truncated"):
            note = f"output past {limits.output_bytes // 1000} kB was dropped"
            if note not in outcome.problems:
                outcome.problems.append(note)
        why = failure.get("error")
        if why is None:
            outcome.finished = True
            break
        index, call = failure.get("index"), failure.get("call")
        if call is not None:
            failed_calls[call] = why
            if call[0] == "#fetch":
                outcome.problems.append(f"reading the answers for {call[1]} {why}; that test was failed")
            else:
                outcome.problems.append(f"{call[0]}() {why} when the grader called it; that call was skipped")
        elif index is None:  # the kernel never started, or the grader failed around it
            outcome.problems.append(why)
            outcome.infrastructure = why
            break
        else:
            skipped.add(index)
            outcome.problems.append(f"{prepared.steps[index].label} {why}; it was skipped and the rest run again")
            if "limit" in why and _load_note():
                outcome.infrastructure = _load_note()
    else:
        outcome.problems.append(f"gave up after {MAX_ATTEMPTS} attempts")
        outcome.infrastructure = outcome.infrastructure or f"gave up after {MAX_ATTEMPTS} attempts"
    return outcome


def _load_note() -> str:
    """A note when the machine was overloaded (a time limit may then be the machine's fault, not the notebook's)."""
    try:
        load = os.getloadavg()[0]
    except OSError:
        return ""
    cores = os.cpu_count() or 1
    return f"the machine was overloaded (load {load:.1f} on {cores} cores)" if load > 2 * cores else ""


def _attempt(
    prepared: Prepared,
    evaluator,
    sandbox,
    scratch,
    hide,
    limits: Limits,
    clock: dict,
    skipped: set[int],
    gate=None,
    warm: list[str] | None = None,
) -> dict:
    deadline = clock["deadline"]
    cells = [
        code_cell(step.code if step.kind == "code" and index not in skipped else "")
        for index, step in enumerate(prepared.steps)
    ]
    notebook = new_notebook(cells=cells)
    km = SandboxKernelManager(sandbox, scratch, hide)
    client = _CappedClient(
        notebook,
        km=km,
        timeout=int(math.ceil(limits.cell_timeout)),
        allow_errors=True,
        interrupt_on_timeout=False,
        startup_timeout=60,
        shutdown_kernel="immediate",
        record_timing=False,
        iopub_timeout=4,
        raise_on_iopub_timeout=False,
        store_widget_state=False,
        output_limit=limits.output_bytes,
        answer_limit=limits.answer_bytes,
    )
    bridge = Bridge(client, limits, deadline)
    index = None
    result: dict = {"index": None, "error": None}
    log = open(scratch / "kernel.log", "wb")
    try:
        with client.setup_kernel(
            cwd=str(scratch / "work"),
            env=sandbox.env(scratch),
            stdout=subprocess.DEVNULL,
            stderr=log,
            stdin=subprocess.DEVNULL,
        ):
            if gate is not None:
                used = _wait_for_turn(client, km, gate, warm or [], limits)
                if not used:
                    return {"index": None, "error": None, "before_use": True}
                clock["deadline"] = deadline = time.monotonic() + limits.submission_timeout
                bridge.deadline = deadline
            for index, step in enumerate(prepared.steps):
                remaining = deadline - time.monotonic()
                if remaining < 1:
                    result = {"index": index, "error": "ran past the time limit for the whole submission"}
                    break
                if step.kind == "test":
                    evaluator.evaluate(step.grade_id, bridge)
                    continue
                if index in skipped:
                    continue
                client.timeout = max(1, int(min(limits.cell_timeout, remaining)))
                client.execute_cell(cells[index], index)
    except KernelLost as lost:
        result = {"index": index, "error": lost.why, "call": lost.call}
    except CellTimeoutError:
        result = {"index": index, "error": f"ran past the {client.timeout} s limit"}
    except DeadKernelError:
        result = {"index": index, "error": "stopped the kernel (a crash, os._exit, or the CPU or memory limit)"}
    except ValueError as error:  # JSONDecodeError, UnicodeDecodeError: a kernel message that cannot be read
        if index is None or prepared.steps[index].kind != "code":
            raise
        # Only the notebook's own code can garble the kernel's messages (say, by replacing json.dumps): the cell
        # is skipped like one that crashed, never counted as the grader's failure (which is graded again forever).
        result = {
            "index": index,
            "error": f"made the kernel send messages the grader cannot read ({type(error).__name__})",
        }
    except RuntimeError as error:
        if gate is not None and index is None:  # the kernel failed while it waited: not the student's doing
            with contextlib.suppress(EOFError, OSError):
                gate()
            return {"index": None, "error": None, "before_use": True}
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
        result = {
            "index": index if index is not None and km.has_kernel else None,
            "error": f"the kernel failed: {detail}",
        }
    finally:
        try:
            client._cleanup_kernel()  # we own the kernel manager, so nbclient leaves the kernel to us
        except Exception:  # noqa: BLE001 - a dead kernel may fail to clean up; it is killed below anyway
            if km.has_kernel and km.provisioner is not None and km.provisioner.process is not None:
                km.provisioner.process.kill()
        log.close()
    result["truncated"] = client.truncated
    result["cell_errors"] = _cell_errors(cells, prepared.steps)
    return result


def _wait_for_turn(client: _CappedClient, km, gate, warm: list[str], limits: Limits) -> bool:
    """Warm the started kernel's ``sys.modules``, wait for ``gate``, and say whether the kernel is still usable.

    The warm-up runs silently (no history, no execution count, no output kept); its messages carry their own
    parent id, which the cells that follow ignore. ``gate`` is called on every path, so a submission never
    runs before its turn.
    """
    from nbclient.util import run_sync

    try:
        if warm:
            kc = client.kc
            message_id = kc.execute(_warm_code(warm), silent=True, store_history=False, allow_stdin=False)
            finish = time.monotonic() + max(limits.cell_timeout, 30)
            while time.monotonic() < finish:
                try:
                    reply = run_sync(kc.get_shell_msg)(timeout=1)
                except Exception:  # noqa: BLE001 - nothing yet (queue.Empty), or the kernel is gone
                    if not run_sync(km.is_alive)():
                        return False
                    continue
                if reply.get("parent_header", {}).get("msg_id") == message_id:
                    break
            else:
                return False
    finally:
        gate()
    return bool(run_sync(km.is_alive)())


def _cell_errors(cells, steps: list[Step]) -> list[str]:
    errors = []
    for cell, step in zip(cells, steps):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                errors.append(f"{step.label}: {output.get('ename')}: {str(output.get('evalue', ''))[:120]}")
    return errors
