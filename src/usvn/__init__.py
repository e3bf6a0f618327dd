"""usvn: a teaching module on US-Vietnam relations, multilateral versus bilateral leverage,
and the US market-economy criteria.

Lessons import what they need from here:

>>> from usvn import load_quiz
>>> len(load_quiz(1)) >= 8
True
"""

from usvn.data import load_lessons, load_sources, load_timeline
from usvn.grading.records import register_record_package, register_record_type
from usvn.quiz.model import load_quiz

# Answers that are this module's own records (a timeline event, a figure's alt text) leave a student's kernel
# as data for the grader; declared here so the declaration runs wherever any part of the package is imported.
register_record_package("usvn")
register_record_type("usvn.display:FigureOutput", fields=("alt",), rebuild=False)

__all__ = ["__version__", "load_lessons", "load_quiz", "load_sources", "load_timeline"]
__version__ = "0.1.0"
