"""Grading: exercises in nbgrader's format, graded without the answer key ever entering a student's kernel.

Names load on first use, so a student's kernel that imports :mod:`usvn.grading.checks` stays light.

>>> from usvn.grading import grade, read_source
>>> callable(grade) and callable(read_source)
True
"""

from importlib import import_module

__all__ = ["ItemResult", "Limits", "SourceError", "SubmissionResult", "grade", "read_source"]
_HOMES = {
    "ItemResult": "core",
    "SubmissionResult": "core",
    "grade": "core",
    "Limits": "sandbox",
    "SourceError": "source",
    "read_source": "source",
}


def __getattr__(name: str):
    if name in _HOMES:
        return getattr(import_module(f"usvn.grading.{_HOMES[name]}"), name)
    raise AttributeError(f"module 'usvn.grading' has no attribute {name!r}")
