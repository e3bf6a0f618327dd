"""usvn: a teaching module on US-Vietnam relations, multilateral versus bilateral leverage,
and the US market-economy criteria.

Lessons import what they need from here:

>>> from usvn import load_quiz
>>> len(load_quiz(1)) >= 8
True

Importing ``usvn`` loads nothing else but the grader's small registry of record types (below): every lesson imports a submodule (``usvn.quiz.model``, ...), which
imports this package first, so the names below are looked up on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from usvn.grading.homes import register_home_files
from usvn.grading.records import register_record_package, register_record_type

if TYPE_CHECKING:
    from usvn.data import load_lessons, load_sources, load_timeline
    from usvn.quiz.model import load_quiz


# Answers that are this module's own records (a timeline event, a figure's alt text) leave a student's kernel
# as data for the grader; declared here so the declaration runs wherever any part of the package is imported.
register_record_package("usvn")
register_record_type("usvn.display:FigureOutput", fields=("alt",), rebuild=False)
# Each graded kernel starts with the validated data cache, as a kernel in the instructor's own home would.
register_home_files(".cache/usvn", "usvn.loader:warm_cache")

__all__ = ["__version__", "load_lessons", "load_quiz", "load_sources", "load_timeline"]

_HOMES = {
    "load_lessons": "usvn.data",
    "load_sources": "usvn.data",
    "load_timeline": "usvn.data",
    "load_quiz": "usvn.quiz.model",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        # pyproject.toml is the one place the version is set; the installed package's metadata carries it.
        from importlib.metadata import version

        return version("usvn")
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'usvn' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
