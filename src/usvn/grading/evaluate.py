"""Test cells as ordinary Python in the grader's process, against the source's setup and the student's values.

The namespace a test runs in is built from the *source* notebook: its locked setup cells (instructor code,
run here, never the student's copies), then every earlier test cell, in order, as nbgrader would. The
student's names that a test reads are bound just before it runs, to the values the kernel holds at that
point of the notebook (see :mod:`usvn.grading.wire`). A test may use loops, helper functions,
comprehensions, ``map``, ``math.isclose``, ``sorted``: whatever passes only values across the boundary.

The evaluation of each test is bounded in time (``Limits.test_timeout``, time spent in the student's kernel
not counted) and output; in a batch each worker also caps its memory (see :mod:`usvn.grading.batch`).
Each item is scored on its own: a failure in one never costs another its points.
"""

from __future__ import annotations

import builtins
import contextlib
import io
import signal
import threading

from usvn.grading.results import ItemResult
from usvn.grading.sandbox import Limits
from usvn.grading.source import Item, SourceError, SourceSpec
from usvn.grading.wire import KernelLost, Missing, NeedsHand, StudentCodeError, StudentFunction, Unsupported

__all__ = ["HIDDEN_FAILED", "Evaluator", "check_setup"]

HIDDEN_FAILED = "Passes the public checks but not the hidden tests: check the answer itself, not only its form."
HIDDEN_RAISED = "Your function raised an error on the hidden test inputs."
HAND = "This item will be graded by hand"


class TestTimeout(BaseException):
    pass


class _Capped(io.TextIOBase):
    """Swallows what a test prints, keeping at most a few kilobytes."""

    def __init__(self, limit: int = 65536) -> None:
        self.kept, self.limit = [], limit

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        if self.limit > 0:
            self.kept.append(str(text)[: self.limit])
            self.limit -= len(self.kept[-1])
        return len(text)


class _Timer:
    """A wall-clock budget for test code, paused while the student's kernel works (main thread only)."""

    def __init__(self, seconds: float) -> None:
        self.left = float(seconds)
        self.active = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
        self.previous = None

    def _alarm(self, signum, frame):
        raise TestTimeout()

    def start(self) -> None:
        if self.active:
            self.previous = signal.signal(signal.SIGALRM, self._alarm)
            signal.setitimer(signal.ITIMER_REAL, max(self.left, 0.01))

    def pause(self) -> None:
        if self.active:
            self.left = signal.setitimer(signal.ITIMER_REAL, 0)[0] or 0.01

    def resume(self) -> None:
        if self.active:
            signal.setitimer(signal.ITIMER_REAL, max(self.left, 0.01))

    def stop(self) -> None:
        if self.active:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous or signal.SIG_DFL)


class _PausingBridge:
    """The bridge, with the test's timer paused while the kernel runs the student's function."""

    def __init__(self, bridge, timer: _Timer) -> None:
        self.bridge, self.timer = bridge, timer

    def call(self, *args):
        self.timer.pause()
        try:
            return self.bridge.call(*args)
        finally:
            self.timer.resume()


def _run_setup(spec: SourceSpec) -> dict:
    # Setup cells may show things (``display(...)``); in the grader that shows nothing.
    namespace: dict = {"__name__": "__grader__", "__builtins__": builtins, "display": lambda *args, **kwargs: None}
    for where, code in spec.setup:
        try:
            with contextlib.redirect_stdout(_Capped()), contextlib.redirect_stderr(_Capped()):
                exec(compile(code, f"<{where}>", "exec"), namespace)
        except Exception as error:  # noqa: BLE001 - reported as a problem of the source
            raise SourceError(
                f"{where}: the setup code failed in the grader "
                f"({type(error).__name__}: {str(error)[:200]}); fix the source notebook."
            ) from None
    return namespace


def check_setup(spec: SourceSpec) -> None:
    """Run the source's setup once, so a source the grader cannot use is refused before anyone is graded."""
    _run_setup(spec)


class Evaluator:
    """Holds one submission's grader-side namespace and its item results."""

    def __init__(self, spec: SourceSpec, limits: Limits, failed_calls: dict | None = None) -> None:
        self.spec, self.limits = spec, limits
        self.failed_calls = failed_calls if failed_calls is not None else {}
        self.items = {item.grade_id: item for item in spec.auto_items}
        self.results: dict = {}
        self.namespace = _run_setup(spec)

    def evaluate(self, grade_id: str, bridge) -> None:
        item = self.items[grade_id]
        fetch = ("#fetch", grade_id)
        if fetch in self.failed_calls:
            values = {}
            reason = f"your answers could not be read: reading them {self.failed_calls[fetch]}"
            self.results[grade_id] = ItemResult(grade_id, "auto", item.points, 0.0, "failed", reason)
            return
        values = bridge.fetch(list(item.answers), grade_id) if item.answers else {}
        timer = _Timer(self.limits.test_timeout)
        calls = _PausingBridge(bridge, timer)
        missing = []
        for name in item.answers:
            kind, value = values.get(name, ("value", Missing(name)))
            if kind == "function":
                value = StudentFunction(name, calls, self.failed_calls)
            elif isinstance(value, Missing):
                value = Missing(name)
                missing.append(name)
            self.namespace[name] = value
        self.results[grade_id] = self._run(item, missing, timer)

    def _run(self, item: Item, missing: list[str], timer: _Timer):
        def result(points, status, feedback, note=""):
            return ItemResult(
                item.grade_id,
                "auto",
                item.points,
                points,
                status,
                feedback,
                _answer_text(item, self.namespace),
                note=note,
            )

        unsupported = [
            (name, value) for name in item.answers if isinstance(value := self.namespace.get(name), Unsupported)
        ]
        if unsupported:
            name, value = unsupported[0]
            reason = f"`{name}`: {value._why()}"
            return result(None, "hand", f"{HAND}: {reason}.", reason)
        for segment in item.segments:
            timer.start()
            try:
                with contextlib.redirect_stdout(_Capped()), contextlib.redirect_stderr(_Capped()):
                    exec(compile(segment.code, f"<test {item.grade_id}>", "exec"), self.namespace)
            except KernelLost:
                raise
            except NeedsHand as why:
                reason = str(why)
                shown = f"{HAND}: {reason}." if not segment.hidden else f"{HAND} (a hidden test cannot use it)."
                return result(None, "hand", shown, reason)
            except TestTimeout:
                return result(
                    0.0,
                    "failed",
                    f"The test ran past {self.limits.test_timeout:g} s with your answer.",
                    "test evaluation timed out",
                )
            except MemoryError:
                return result(0.0, "failed", "The test ran out of memory with your answer.", "MemoryError in the test")
            except RecursionError:
                return result(0.0, "failed", "The test could not use your answer (it is nested too deeply).")
            except Exception as error:  # noqa: BLE001 - any failure of a check fails this item only
                return result(
                    0.0,
                    "failed",
                    _message(error, segment.hidden, missing),
                    f"{type(error).__name__}" + ("" if segment.hidden else f": {str(error)[:200]}"),
                )
            finally:
                timer.stop()
        return result(item.points, "passed", "Correct.")


def _answer_text(item: Item, namespace: dict) -> str:
    """The student's values for this item, shortened, for the instructor's per-item JSON."""
    parts = []
    for name in item.answers:
        try:
            parts.append(f"{name} = {repr(namespace.get(name))[:200]}")
        except (Exception, NeedsHand):  # noqa: BLE001 - a stand-in that refuses to be shown
            parts.append(f"{name} = ?")
    return "; ".join(parts)


def _message(error: Exception, hidden: bool, missing: list[str]) -> str:
    """What the student reads. Nothing from a hidden test: not its message, not an error raised in it."""
    if missing:
        names = ", ".join(f"`{name}`" for name in missing)
        return f"{names} not defined when your notebook ran: run the cell that sets it and keep its name."
    if isinstance(error, StudentCodeError):
        if hidden:
            return HIDDEN_RAISED
        return f"{error} ({error.detail})" if error.detail else str(error)
    if hidden:
        return HIDDEN_FAILED
    if isinstance(error, AssertionError):
        return str(error) or "A public check failed."
    return f"A public check could not use your answer ({type(error).__name__}: {str(error)[:160]})."
