"""Self-check questions as a pure model: parse an answer, check it, return feedback.

No widgets here: :mod:`usvn.quiz.widgets` wraps these classes, and tests call them directly.

>>> question = MultipleChoice(
...     id="demo", objective="00-b", prompt="Which year did the US and Vietnam normalize relations?",
...     explanation="Clinton announced it in July 1995.", sources=("tran-2021",),
...     options=(Option("a", "1975", False, "That is the year the war ended."),
...              Option("b", "1995", True, "Yes: July 1995.")))
>>> question.check("b").status
'correct'
>>> question.check(None).message
'No answer yet: choose one option, then check.'
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from usvn.data import DataError, check_citations, lesson, load_data

__all__ = [
    "Feedback",
    "MultipleChoice",
    "MultipleSelect",
    "Numeric",
    "Option",
    "Question",
    "Quiz",
    "ShortText",
    "load_quiz",
]

Status = Literal["correct", "partial", "incorrect", "invalid"]


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer. ``invalid`` means the answer could not be read, not that it is wrong."""

    status: Status
    message: str

    @property
    def correct(self) -> bool:
        return self.status == "correct"

    @property
    def label(self) -> str:
        """A text label, so the verdict never rests on colour alone."""
        return {
            "correct": "Correct.",
            "partial": "Partly right.",
            "incorrect": "Not quite.",
            "invalid": "Answer not checked.",
        }[self.status]

    def __str__(self) -> str:
        return f"{self.label} {self.message}"


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class Question:
    """Fields shared by every kind of question."""

    id: str
    objective: str
    prompt: str
    explanation: str
    sources: tuple[str, ...]

    kind: ClassVar[str] = "question"
    label: ClassVar[str] = "question"

    def check(self, answer: Any) -> Feedback:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def correct_answer(self) -> Any:  # pragma: no cover - every subclass overrides
        """An answer the key accepts, in the form ``check`` takes."""
        raise NotImplementedError

    def wrong_answer(self) -> Any:  # pragma: no cover - every subclass overrides
        """An answer the key must reject, in the form ``check`` takes."""
        raise NotImplementedError

    def answer_text(self) -> str:  # pragma: no cover - every subclass overrides
        """The answer in words, for the folded static view."""
        raise NotImplementedError


@dataclass(frozen=True)
class _WithOptions(Question):
    options: tuple[Option, ...] = field(default=())

    def __post_init__(self) -> None:
        ids = [option.id for option in self.options]
        if len(set(ids)) != len(ids):
            raise DataError(f"Question '{self.id}' repeats an option id: {ids}.")

    def option(self, option_id: str) -> Option | None:
        return next((option for option in self.options if option.id == option_id), None)

    def _valid_ids(self) -> str:
        return ", ".join(option.id for option in self.options)

    def answer_text(self) -> str:
        return "; ".join(f"({option.id}) {option.text}" for option in self.options if option.correct)


@dataclass(frozen=True)
class MultipleChoice(_WithOptions):
    """Exactly one option is correct; the answer is one option id."""

    kind: ClassVar[str] = "multiple_choice"
    label: ClassVar[str] = "multiple choice"

    def __post_init__(self) -> None:
        super().__post_init__()
        if sum(option.correct for option in self.options) != 1:
            raise DataError(f"Multiple-choice question '{self.id}' must have exactly one correct option.")

    def check(self, answer: Any) -> Feedback:
        if answer is None or answer == "":
            return Feedback("invalid", "No answer yet: choose one option, then check.")
        if not isinstance(answer, str):
            return Feedback("invalid", f"Give one option letter ({self._valid_ids()}), not {type(answer).__name__}.")
        chosen = self.option(answer.strip().lower())
        if chosen is None:
            return Feedback("invalid", f"'{answer}' is not one of the options ({self._valid_ids()}).")
        return Feedback("correct" if chosen.correct else "incorrect", chosen.feedback)

    def correct_answer(self) -> str:
        return next(option.id for option in self.options if option.correct)

    def wrong_answer(self) -> str:
        return next(option.id for option in self.options if not option.correct)


@dataclass(frozen=True)
class MultipleSelect(_WithOptions):
    """One or more options are correct; the answer is the set of chosen option ids."""

    kind: ClassVar[str] = "multiple_select"
    label: ClassVar[str] = "select all that apply"

    def __post_init__(self) -> None:
        super().__post_init__()
        if not any(option.correct for option in self.options):
            raise DataError(f"Multiple-select question '{self.id}' needs at least one correct option.")

    def check(self, answer: Any) -> Feedback:
        if answer is None or isinstance(answer, str | bytes) or not isinstance(answer, Iterable):
            if answer in (None, ""):
                return Feedback("invalid", "No answer yet: tick every option you think applies, then check.")
            return Feedback("invalid", f"Give a list of option letters ({self._valid_ids()}).")
        chosen_ids = {str(item).strip().lower() for item in answer}
        if not chosen_ids:
            return Feedback("invalid", "No answer yet: tick every option you think applies, then check.")
        unknown = sorted(chosen_ids - {option.id for option in self.options})
        if unknown:
            return Feedback("invalid", f"Not among the options: {', '.join(unknown)} (options: {self._valid_ids()}).")
        right = {option.id for option in self.options if option.correct}
        wrongly_chosen = [option for option in self.options if option.id in chosen_ids and not option.correct]
        missed = len(right - chosen_ids)
        if not wrongly_chosen and not missed:
            return Feedback("correct", " ".join(self.option(option_id).feedback for option_id in sorted(right)))
        notes = [f"({option.id}) {option.feedback}" for option in wrongly_chosen]
        if missed:
            notes.append(f"You left out {missed} option(s) that also apply.")
        status: Status = "partial" if chosen_ids & right else "incorrect"
        return Feedback(status, " ".join(notes))

    def correct_answer(self) -> list[str]:
        return [option.id for option in self.options if option.correct]

    def wrong_answer(self) -> list[str]:
        wrong = [option.id for option in self.options if not option.correct]
        return wrong[:1] if wrong else self.correct_answer()[:-1] or []


_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^[+-]?\.\d+$")


@dataclass(frozen=True)
class Numeric(Question):
    """A number, right within ``tolerance``; text such as ``"1,995"`` or ``" 12 "`` is read too."""

    answer: float = 0.0
    tolerance: float = 0.0
    unit: str = ""
    feedback_low: str = ""
    feedback_high: str = ""
    feedback_correct: str = ""

    kind: ClassVar[str] = "numeric"
    label: ClassVar[str] = "number"

    def parse(self, answer: Any) -> float | Feedback:
        """The answer as a number, or invalid :class:`Feedback` saying why it could not be read."""
        if answer is None or (isinstance(answer, str) and not answer.strip()):
            return Feedback("invalid", "No answer yet: type a number, then check.")
        if isinstance(answer, bool) or not isinstance(answer, int | float | str):
            return Feedback("invalid", f"Type a number, not {type(answer).__name__}.")
        if isinstance(answer, str):
            text = answer.strip()
            if self.unit and text.lower().endswith(self.unit.lower()):
                text = text[: -len(self.unit)].strip()
            if not _NUMBER.match(text):
                return Feedback("invalid", f"'{answer.strip()}' is not a number. Type digits only, for example 12.")
            answer = float(text.replace(",", ""))
        if not math.isfinite(answer):
            return Feedback("invalid", "Type an ordinary number.")
        return float(answer)

    def check(self, answer: Any) -> Feedback:
        value = self.parse(answer)
        if isinstance(value, Feedback):
            return value
        if abs(value - self.answer) <= self.tolerance + 1e-9:
            return Feedback("correct", self.feedback_correct)
        return Feedback("incorrect", self.feedback_low if value < self.answer else self.feedback_high)

    def correct_answer(self) -> float:
        return self.answer

    def wrong_answer(self) -> float:
        return self.answer + self.tolerance + 1

    def answer_text(self) -> str:
        number = f"{self.answer:g}"
        within = f" (within {self.tolerance:g})" if self.tolerance else ""
        return f"{number}{' ' + self.unit if self.unit else ''}{within}"


def normalize_text(text: str) -> str:
    """Fold case, accents, punctuation and spacing, so close variants of an answer match.

    >>> normalize_text("  Đổi  Mới! ")
    'doi moi'
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = re.sub(r"[^\w\s]", " ", text.casefold())
    return " ".join(text.split())


@dataclass(frozen=True)
class ShortText(Question):
    """A short text answer matched, after :func:`normalize_text`, against accepted variants."""

    accepted: tuple[str, ...] = ()
    feedback_correct: str = ""
    feedback_wrong: str = ""

    kind: ClassVar[str] = "short_text"
    label: ClassVar[str] = "short answer"
    max_length: ClassVar[int] = 200

    def check(self, answer: Any) -> Feedback:
        if answer is None or (isinstance(answer, str) and not answer.strip()):
            return Feedback("invalid", "No answer yet: type a few words, then check.")
        if not isinstance(answer, str):
            return Feedback("invalid", f"Type your answer as text, not {type(answer).__name__}.")
        if len(answer) > self.max_length:
            return Feedback("invalid", f"Keep it short: at most {self.max_length} characters.")
        if normalize_text(answer) in {normalize_text(variant) for variant in self.accepted}:
            return Feedback("correct", self.feedback_correct)
        return Feedback("incorrect", self.feedback_wrong)

    def correct_answer(self) -> str:
        return self.accepted[0]

    def wrong_answer(self) -> str:
        return "no idea"

    def answer_text(self) -> str:
        return " / ".join(self.accepted)


_KINDS: dict[str, type[Question]] = {cls.kind: cls for cls in (MultipleChoice, MultipleSelect, Numeric, ShortText)}


def question_from_record(record: dict[str, Any]) -> Question:
    """Build a question from one validated bank record."""
    fields = {key: value for key, value in record.items() if key != "type"}
    fields["sources"] = tuple(fields["sources"])
    if "options" in fields:
        fields["options"] = tuple(Option(**option) for option in fields["options"])
    if "accepted" in fields:
        fields["accepted"] = tuple(fields["accepted"])
    return _KINDS[record["type"]](**fields)


@dataclass(frozen=True)
class Quiz:
    """A lesson's question bank."""

    lesson: int
    questions: tuple[Question, ...]
    fingerprint: str

    def __post_init__(self) -> None:
        ids = [question.id for question in self.questions]
        duplicates = sorted({qid for qid in ids if ids.count(qid) > 1})
        if duplicates:
            raise DataError(f"Quiz {self.lesson:02d} repeats question ids: {', '.join(duplicates)}.")

    def __len__(self) -> int:
        return len(self.questions)

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(f"Quiz {self.lesson:02d} has no question '{question_id}'.")

    def key_check(self) -> str:
        """A report, without the answers, that the key accepts each right answer and rejects a wrong one.

        Its fingerprint covers the bank and every verdict message, so a change to either changes the report.
        """
        rows, accepted, rejected, verdicts = [], 0, 0, []
        for question in self.questions:
            on_key = question.check(question.correct_answer())
            on_wrong = question.check(question.wrong_answer())
            accepted += on_key.correct
            rejected += on_wrong.status in ("incorrect", "partial")
            verdicts.append([question.id, on_key.status, on_key.message, on_wrong.status, on_wrong.message])
            rows.append(f"  {question.id:<34} {question.label:<22} key: {on_key.status:<9} a wrong answer: {on_wrong.status}")
        digest = hashlib.sha256(json.dumps([self.fingerprint, verdicts]).encode()).hexdigest()[:12]
        header = f"Answer-key check, lesson {self.lesson:02d}: {len(self)} questions, fingerprint {digest}"
        footer = f"Keys accepted: {accepted}/{len(self)}. Wrong answers rejected: {rejected}/{len(self)}."
        return "\n".join([header, *rows, footer])


def load_quiz(lesson_number: int) -> Quiz:
    """The question bank of one lesson, validated against its schema, the registry and the lesson's objectives."""
    data_file = f"quiz-{lesson_number:02d}.yaml"
    data = load_data(data_file)
    check_citations(data_file)
    if data["lesson"] != lesson_number:
        raise DataError(f"{data_file} says it belongs to lesson {data['lesson']}.")
    objectives = {objective.id for objective in lesson(lesson_number).objectives}
    stray = sorted({record["objective"] for record in data["questions"]} - objectives)
    if stray:
        raise DataError(f"{data_file} names objectives that lesson {lesson_number} does not state: {', '.join(stray)}.")
    fingerprint = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    return Quiz(lesson_number, tuple(question_from_record(record) for record in data["questions"]), fingerprint)
