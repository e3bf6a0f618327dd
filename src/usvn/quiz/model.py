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
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, ClassVar, Literal

from usvn.data import lesson
from usvn.grading.checks import normalize_text as fold_text
from usvn.loader import DataError, UnknownIdError, build, checked_data, load_records

__all__ = [
    "Feedback",
    "MultipleChoice",
    "MultipleSelect",
    "Numeric",
    "Option",
    "PositionCheck",
    "Question",
    "Quiz",
    "ShortText",
    "key_position_check",
    "load_quiz",
    "shown_order",
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
    """One option of a choice question.

    ``feedback`` is shown when the student picks the option. ``hint`` (multiple select only) is shown when a
    student leaves out an option that applies: it points at the option's idea without naming the option.
    ``pinned_last`` keeps an option such as "none of the above" at the end of the shown order.
    """

    id: str
    text: str
    correct: bool
    feedback: str
    hint: str = ""
    pinned_last: bool = False


LABELS = "abcdefgh"


def _shuffle_draw(question_id: str, step: int) -> int:
    """A 64-bit number from SHA-256 of the question id: the same on every run, machine and Python version."""
    digest = hashlib.sha256(f"usvn-quiz-order:{question_id}:{step}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def shown_order(question_id: str, items: Iterable[Any]) -> list[Any]:
    """``items`` (options) in the fixed order students see: a Fisher-Yates shuffle seeded by the question id.

    Items whose ``pinned_last`` is true keep their file order at the end. The seed comes from a hash of the id
    (not Python's ``hash()``, which changes between runs), so stored notebook outputs stay stable.

    >>> shown_order("normalization-year", ["a", "b", "c", "d"])
    ['c', 'a', 'b', 'd']
    """
    items = list(items)
    movable = [item for item in items if not getattr(item, "pinned_last", False)]
    pinned = [item for item in items if getattr(item, "pinned_last", False)]
    for index in range(len(movable) - 1, 0, -1):
        other = _shuffle_draw(question_id, index) % (index + 1)
        movable[index], movable[other] = movable[other], movable[index]
    return movable + pinned


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
        if len(self.options) > len(LABELS):
            raise DataError(f"Question '{self.id}' has more than {len(LABELS)} options.")
        for option in self.options:
            if option.hint and f" {normalize_text(option.text)} " in f" {normalize_text(option.hint)} ":
                raise DataError(
                    f"Question '{self.id}', option {option.id}: its hint repeats the option's text, "
                    "so it would name the option; point at the idea instead."
                )

    def option(self, option_id: str) -> Option | None:
        return next((option for option in self.options if option.id == option_id), None)

    def shown_options(self) -> tuple[tuple[str, Option], ...]:
        """``(label, option)`` pairs in the order students see, labelled a, b, c... in that order.

        Answers are still given by option id (what the widget sends); labels are only what the reader sees, so
        neither the letters nor the positions repeat the bank's file order.
        """
        return tuple(zip(LABELS, shown_order(self.id, self.options)))

    def label_of(self, option_id: str) -> str:
        """The letter an option is shown with."""
        return next(label for label, option in self.shown_options() if option.id == option_id)

    def _valid_ids(self) -> str:
        return ", ".join(option.id for option in self.options)

    def answer_text(self) -> str:
        return "; ".join(f"({label}) {option.text}" for label, option in self.shown_options() if option.correct)


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
        shown = self.shown_options()
        right = {option.id for option in self.options if option.correct}
        wrongly_chosen = [(label, option) for label, option in shown if option.id in chosen_ids and not option.correct]
        missed = [option for _, option in shown if option.correct and option.id not in chosen_ids]
        if not wrongly_chosen and not missed:
            return Feedback(
                "correct", " ".join(f"({label}) {option.feedback}" for label, option in shown if option.correct)
            )
        # Wrong picks get their own feedback (about the idea of an option that does not apply). Options left out
        # are never named: only how many, and each one's hint, which the bank words without the option's text.
        notes = [f"({label}) {option.feedback}" for label, option in wrongly_chosen]
        if missed:
            notes.append(f"You left out {len(missed)} option(s) that also apply.")
            hints = [option.hint for option in missed if option.hint]
            if hints:
                notes.append("To reconsider: " + " ".join(hints))
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


#: Spellings folded to one form before answers are compared (whole words only).
_ARTICLES = ("the", "a", "an")
_PARENTHESIS = re.compile(r"\(([^()]*)\)")
#: An abbreviation inside parentheses in an accepted variant, e.g. "(VGCL)" or "(CSP)": accepted on its own.
_ABBREVIATION = re.compile(r"^[A-Z][A-Za-z]*[A-Z]$")


def normalize_text(text: str) -> str:
    """The grader's folding of case, accents, punctuation, spacing and British spellings
    (:func:`usvn.grading.checks.normalize_text`), plus this course's "Viet Nam", the official spelling, as "Vietnam".

    >>> normalize_text("  Đổi  Mới! ")
    'doi moi'
    >>> normalize_text("C.S.P."), normalize_text("International Labour Organisation"), normalize_text("Viet Nam")
    ('csp', 'international labor organization', 'vietnam')
    """
    return re.sub(r"(?<!\S)viet nam(?!\S)", "vietnam", fold_text(text))


def _without_article(text: str) -> str:
    """A normalized answer without one leading article ("the VGCL" is "vgcl"), unless nothing else is left."""
    first, _, rest = text.partition(" ")
    return rest if first in _ARTICLES and rest else text


def _match_form(text: str) -> str:
    return _without_article(normalize_text(text))


def accepted_forms(variants: Iterable[str]) -> frozenset[str]:
    """Every form the accepted variants allow, normalized.

    A variant ``"X (Y)"`` allows ``X (Y)`` and ``X`` and, when ``Y`` is an abbreviation such as ``VGCL``, ``Y``
    alone. So ``"Vietnam General Confederation of Labor (VGCL)"`` is one variant that accepts either part.

    >>> sorted(accepted_forms(["Comprehensive Strategic Partnership (CSP)"]))
    ['comprehensive strategic partnership', 'comprehensive strategic partnership csp', 'csp']
    """
    forms = set()
    for variant in variants:
        forms.add(_match_form(variant))
        inside = _PARENTHESIS.findall(variant)
        if inside:
            outside = _match_form(_PARENTHESIS.sub(" ", variant))
            if outside:
                forms.add(outside)
            forms.update(_match_form(part) for part in inside if _ABBREVIATION.match(part.strip()))
    forms.discard("")
    return frozenset(forms)


def matches_accepted(answer: str, forms: frozenset[str]) -> bool:
    """Whether a typed answer is one of ``forms`` (from :func:`accepted_forms`).

    The whole answer must match: a wrong answer that merely contains a right word does not. An answer typed as
    ``"X (Y)"`` matches as a whole, or when ``X`` and every part in parentheses each match on their own, so
    ``"VGCL (Vietnam General Confederation of Labor)"`` is accepted and ``"an independent union (VGCL)"`` is not.

    >>> forms = accepted_forms(["Vietnam General Confederation of Labor (VGCL)"])
    >>> [matches_accepted(text, forms) for text in ("the VGCL", "vgcl (Vietnam General Confederation of Labour)",
    ...                                               "an independent union (VGCL)", "not the VGCL")]
    [True, True, False, False]
    """
    if _match_form(answer) in forms:
        return True
    inside = _PARENTHESIS.findall(answer)
    if not inside:
        return False
    parts = [_match_form(_PARENTHESIS.sub(" ", answer)), *(_match_form(part) for part in inside)]
    parts = [part for part in parts if part]
    return bool(parts) and all(part in forms for part in parts)


@dataclass(frozen=True)
class ShortText(Question):
    """A short text answer matched against accepted variants, as a person would type it.

    Case, accents, punctuation, spacing, a leading article and British spellings do not matter; parentheses
    work as :func:`accepted_forms` and :func:`matches_accepted` say. List abbreviations and other names as
    further variants. The whole answer must match, so a wrong answer containing a right word is refused.
    """

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
        if matches_accepted(answer, accepted_forms(self.accepted)):
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
    derived = {"options": tuple(build(Option, option) for option in record["options"])} if "options" in record else {}
    return build(_KINDS[record["type"]], record, omit=("type",), **derived)


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
        raise UnknownIdError(f"Quiz {self.lesson:02d} has no question '{question_id}'.")

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
            rows.append(
                f"  {question.id:<34} {question.label:<22} key: {on_key.status:<9} a wrong answer: {on_wrong.status}"
            )
        digest = hashlib.sha256(json.dumps([self.fingerprint, verdicts]).encode()).hexdigest()[:12]
        header = f"Answer-key check, lesson {self.lesson:02d}: {len(self)} questions, fingerprint {digest}"
        footer = [f"Keys accepted: {accepted}/{len(self)}. Wrong answers rejected: {rejected}/{len(self)}."]
        positions = key_position_check(self.questions)
        if positions.questions:
            verdict = "; ".join(positions.problems) or "no position holds more than a fair share"
            footer.append(f"Shown order: {positions}: {verdict}.")
        return "\n".join([header, *rows, *footer])


@cache
def load_quiz(lesson_number: int) -> Quiz:
    """The question bank of one lesson, validated against its schema, the registry and the lesson's objectives."""
    data_file = f"quiz-{lesson_number:02d}.yaml"
    data = checked_data(data_file)
    if data["lesson"] != lesson_number:
        raise DataError(f"says it belongs to lesson {data['lesson']}.", file=data_file)
    objectives = {objective.id for objective in lesson(lesson_number).objectives}

    def question(record: dict[str, Any]) -> Question:
        if record["objective"] not in objectives:
            raise DataError(f"names objective '{record['objective']}', which lesson {lesson_number} does not state.")
        return question_from_record(record)

    fingerprint = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    return Quiz(lesson_number, load_records(data_file, "questions", question), fingerprint)


@dataclass(frozen=True)
class PositionCheck:
    """Where the keys of single-choice questions sit, and whether any position holds more than a fair share.

    Under a fair order the key of a question with ``m`` options sits at each position with chance ``1/m``, so the
    number of keys at a position is a sum of independent chances (a Poisson-binomial count). ``limits[p]`` is the
    most keys position ``p`` may hold: the smallest count that a fair order exceeds less than once in
    ``1 / alpha`` banks. It is reported as ``ceil(expected) + margin``.
    """

    counts: tuple[int, ...]
    expected: tuple[float, ...]
    limits: tuple[int, ...]
    questions: int
    alpha: float

    @property
    def problems(self) -> list[str]:
        return [
            f"position {LABELS[position]} holds {count} of {self.questions} keys; a fair order puts about "
            f"{expected:.1f} there and at most {limit} (ceil({expected:.1f}) + "
            f"{limit - math.ceil(expected - 1e-9)}) by chance"
            for position, (count, expected, limit) in enumerate(zip(self.counts, self.expected, self.limits))
            if count > limit
        ]

    def __str__(self) -> str:
        shown = ", ".join(f"{LABELS[position]}: {count}" for position, count in enumerate(self.counts))
        return f"{self.questions} single-choice keys by position ({shown})"


def _tail_limit(chances: list[float], alpha: float) -> int:
    """The smallest ``c`` with P(count > c) < alpha, for a sum of independent events with these chances."""
    distribution = [1.0]
    for chance in chances:
        distribution = [
            (distribution[k] if k < len(distribution) else 0.0) * (1 - chance)
            + (distribution[k - 1] * chance if k else 0.0)
            for k in range(len(distribution) + 1)
        ]
    above = 1.0
    for count, probability in enumerate(distribution):
        above -= probability
        if above < alpha:
            return count
    return len(chances)


def key_position_check(questions: Iterable[Question], *, shown: bool = True, alpha: float = 0.01) -> PositionCheck:
    """Count the shown (or, with ``shown=False``, the file) positions of single-choice keys; see :class:`PositionCheck`.

    >>> bank = [MultipleChoice(id=f"q{n}", objective="00-b", prompt="A question?", explanation="Because.",
    ...         sources=("s",), options=tuple(Option(c, c, c == "a", "f") for c in "abcd")) for n in range(12)]
    >>> key_position_check(bank, shown=False).problems
    ['position a holds 12 of 12 keys; a fair order puts about 3.0 there and at most 7 (ceil(3.0) + 4) by chance']
    """
    single = [question for question in questions if isinstance(question, MultipleChoice)]
    width = max((len(question.options) for question in single), default=0)
    counts = [0] * width
    for question in single:
        order = [option for _, option in question.shown_options()] if shown else list(question.options)
        counts[next(index for index, option in enumerate(order) if option.correct)] += 1
    chances = [
        [1 / len(question.options) if position < len(question.options) else 0.0 for question in single]
        for position in range(width)
    ]
    return PositionCheck(
        tuple(counts),
        tuple(sum(column) for column in chances),
        tuple(_tail_limit(column, alpha) for column in chances),
        len(single),
        alpha,
    )
