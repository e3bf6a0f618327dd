"""Grading: exercises in nbgrader's format, graded without the answer key ever entering a student's kernel.

>>> from usvn.grading import grade, read_source
>>> callable(grade) and callable(read_source)
True
"""

from usvn.grading.grade import ItemResult, SubmissionResult, grade
from usvn.grading.sandbox import Limits
from usvn.grading.source import SourceError, read_source

__all__ = ["ItemResult", "Limits", "SourceError", "SubmissionResult", "grade", "read_source"]
