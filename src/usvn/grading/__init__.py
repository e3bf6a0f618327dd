"""Grading: exercises in nbgrader's format, graded without the answer key ever entering a student's kernel.

This package is a grader for any nbgrader source notebook: it imports nothing else of ``usvn``. A course
uses it through the names below, and its test cells through :mod:`usvn.grading.checks`; a course whose
answers are objects of its own classes declares them with :func:`register_record_type` or
:func:`register_record_package`.

Names load on first use, so a student's kernel that imports :mod:`usvn.grading.checks` stays light.

>>> from usvn.grading import grade, read_source
>>> callable(grade) and callable(read_source)
True
"""

from importlib import import_module

__all__ = [
    "GradebookError",
    "ItemResult",
    "Limits",
    "RecordFacts",
    "SMALL_CLASS",
    "SourceError",
    "SourceSpec",
    "SubmissionResult",
    "analyse",
    "check_report",
    "check_setup",
    "grade",
    "grade_batch",
    "load_gradebook",
    "merge_manual",
    "read_source",
    "register_record_package",
    "register_record_type",
    "write_gradebook",
    "write_report",
]
_HOMES = {
    "GradebookError": "itemanalysis",
    "ItemResult": "results",
    "Limits": "sandbox",
    "RecordFacts": "records",
    "SMALL_CLASS": "itemanalysis",
    "SourceError": "source",
    "SourceSpec": "source",
    "SubmissionResult": "results",
    "analyse": "itemanalysis",
    "check_report": "student",
    "check_setup": "evaluate",
    "grade": "core",
    "grade_batch": "batch",
    "load_gradebook": "itemanalysis",
    "merge_manual": "reports",
    "read_source": "source",
    "register_record_package": "records",
    "register_record_type": "records",
    "write_gradebook": "reports",
    "write_report": "itemreport",
}


def __getattr__(name: str):
    if name in _HOMES:
        return getattr(import_module(f"usvn.grading.{_HOMES[name]}"), name)
    raise AttributeError(f"module 'usvn.grading' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
