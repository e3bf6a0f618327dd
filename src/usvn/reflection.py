"""Open-ended prompts: the student writes first, then compares with the module's annotated points.

Nothing is graded here; the check only makes sure there is an answer worth comparing.

>>> prompt = Reflection(id="demo", lesson=1, prompt="Why might dates matter when reading a claim?",
...                     min_words=5, points=(), caution="Think first.", sources=("tran-2021",))
>>> prompt.assess("Too short").ready
False
>>> prompt.assess("Because a claim describes its own time and events move on.").ready
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from usvn.loader import UnknownIdError, build, load_records

__all__ = ["Assessment", "Point", "Reflection", "load_reflection"]

MAX_CHARACTERS = 5000


@dataclass(frozen=True)
class Point:
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Assessment:
    ready: bool
    message: str


@dataclass(frozen=True)
class Reflection:
    id: str
    lesson: int
    prompt: str
    min_words: int
    points: tuple[Point, ...]
    caution: str
    sources: tuple[str, ...]

    def assess(self, text: object) -> Assessment:
        """Whether ``text`` is an answer to compare with the module's notes, and if not, why."""
        if text is None or (isinstance(text, str) and not text.strip()):
            return Assessment(False, "Write your answer first; the module's notes open after you have.")
        if not isinstance(text, str):
            return Assessment(False, f"Write your answer as text, not {type(text).__name__}.")
        if len(text) > MAX_CHARACTERS:
            return Assessment(False, f"Keep it under {MAX_CHARACTERS} characters; a short paragraph is enough.")
        words = len(text.split())
        if words < self.min_words:
            return Assessment(
                False, f"You have {words} word(s); write at least {self.min_words} so you commit to a view."
            )
        return Assessment(True, f"{words} words. Compare your answer with the points below.")


@cache
def _all_reflections() -> dict[str, Reflection]:
    reflections = load_records(
        "reflections.yaml",
        "reflections",
        lambda record: build(Reflection, record, points=tuple(build(Point, point) for point in record["points"])),
    )
    return {reflection.id: reflection for reflection in reflections}


def load_reflection(reflection_id: str) -> Reflection:
    """One open-ended prompt from ``reflections.yaml`` by its id."""
    reflections = _all_reflections()
    if reflection_id not in reflections:
        raise UnknownIdError(
            f"No reflection prompt '{reflection_id}' in reflections.yaml; prompts are {', '.join(reflections)}."
        )
    return reflections[reflection_id]
