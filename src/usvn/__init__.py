"""usvn: a teaching module on US-Vietnam relations, multilateral versus bilateral leverage,
and the US market-economy criteria.

Lessons import what they need from here:

>>> from usvn import load_quiz
>>> len(load_quiz(1)) >= 8
True
"""

from importlib.metadata import version

from usvn.data import load_lessons, load_sources, load_timeline
from usvn.quiz.model import load_quiz

__all__ = ["__version__", "load_lessons", "load_quiz", "load_sources", "load_timeline"]
#: The one place the version is set is pyproject.toml; this reads it from the installed package's metadata.
__version__ = version("usvn")
