"""The quiz model on questions built here by hand, then on every bank the module ships."""

from __future__ import annotations

import collections
import itertools
import math
import re

import pytest

from usvn.data import DataError, load_lessons
from usvn.quiz.model import (
    MultipleChoice,
    MultipleSelect,
    Numeric,
    Option,
    ShortText,
    key_position_check,
    load_quiz,
    normalize_text,
    shown_order,
)

COMMON = dict(
    objective="01-a", prompt="A question for the test?", explanation="Because the test says so.", sources=("tran-2021",)
)


def choice(*correct_flags, cls=MultipleChoice, question_id="q", hints=False):
    options = tuple(
        Option(
            chr(ord("a") + index),
            f"option {index}",
            flag,
            f"feedback {index}",
            hint=f"think about idea {index}" if hints else "",
        )
        for index, flag in enumerate(correct_flags)
    )
    return cls(id=question_id, options=options, **COMMON)


class TestMultipleChoice:
    def test_right_and_wrong_options_get_their_own_feedback(self):
        question = choice(False, True, False)
        assert question.check("b").status == "correct" and question.check("b").message == "feedback 1"
        assert question.check("c").status == "incorrect" and question.check("c").message == "feedback 2"

    def test_answer_letters_are_read_leniently(self):
        assert choice(False, True).check(" B ").correct

    @pytest.mark.parametrize("bad", [None, "", "z", 2, ["b"]])
    def test_unreadable_answers_are_invalid_not_wrong(self, bad):
        result = choice(False, True).check(bad)
        assert result.status == "invalid"
        assert result.message  # says what to do

    @pytest.mark.parametrize("flags", [(False, False), (True, True)])
    def test_a_bank_with_other_than_one_correct_option_is_refused(self, flags):
        with pytest.raises(DataError, match="exactly one correct"):
            choice(*flags)


class TestMultipleSelect:
    def question(self):
        return choice(True, False, True, False, cls=MultipleSelect)

    def test_exact_set_is_correct_in_any_order(self):
        assert self.question().check(["c", "a"]).correct

    def test_a_subset_is_partial_and_says_how_many_are_missing_without_naming_them(self):
        question = self.question()
        result = question.check(["a"])
        assert result.status == "partial"
        assert "1 option(s)" in result.message
        assert f"({question.label_of('c')})" not in result.message and "option 2" not in result.message

    def test_a_wrong_pick_quotes_that_options_feedback_under_its_shown_letter(self):
        question = self.question()
        result = question.check(["a", "b", "c"])
        assert result.status == "partial" and f"({question.label_of('b')}) feedback 1" in result.message

    def test_only_wrong_picks_is_incorrect(self):
        assert self.question().check(["b", "d"]).status == "incorrect"

    @pytest.mark.parametrize("bad", [None, "", [], "ac", ["a", "x"], 7])
    def test_unreadable_answers_are_invalid(self, bad):
        assert self.question().check(bad).status == "invalid"


class TestNumeric:
    def question(self, tolerance=0.0):
        return Numeric(
            id="n",
            answer=2007,
            tolerance=tolerance,
            unit="",
            feedback_low="too early",
            feedback_high="too late",
            feedback_correct="yes",
            **COMMON,
        )

    @pytest.mark.parametrize("answer", [2007, 2007.0, "2007", " 2,007 ", "2007.0"])
    def test_the_number_in_any_ordinary_spelling_is_correct(self, answer):
        assert self.question().check(answer).correct

    def test_low_and_high_answers_get_different_hints(self):
        assert self.question().check(1995).message == "too early"
        assert self.question().check("2023").message == "too late"

    def test_tolerance_is_inclusive(self):
        assert self.question(tolerance=1).check(2008).correct
        assert not self.question(tolerance=1).check(2009).correct

    @pytest.mark.parametrize("bad", [None, "", "   ", "two thousand", "20o7", "nan", "inf", float("nan"), True, [2007]])
    def test_what_is_not_a_number_gets_a_clear_message(self, bad):
        result = self.question().check(bad)
        assert result.status == "invalid", bad
        assert result.message


class TestShortText:
    def question(self, *accepted):
        return ShortText(
            id="s",
            accepted=accepted or ("Comprehensive Strategic Partnership", "CSP"),
            feedback_correct="yes",
            feedback_wrong="no",
            **COMMON,
        )

    @pytest.mark.parametrize(
        "answer",
        [
            "csp",
            "  Comprehensive   strategic partnership. ",
            "C.S.P.",
            "the CSP",
            "Comprehensive Strategic Partnership (CSP)",
            "CSP (Comprehensive Strategic Partnership)",
            "a comprehensive strategic partnership",
        ],
    )
    def test_what_a_person_types_matches_listed_variants(self, answer):
        assert self.question().check(answer).correct, answer

    VGCL = ("Vietnam General Confederation of Labor (VGCL)", "Tổng Liên đoàn Lao động Việt Nam")

    @pytest.mark.parametrize(
        "answer",
        [
            "the VGCL",
            "VGCL",
            "vgcl.",
            "Vietnam General Confederation of Labor",
            "the Vietnam General Confederation of Labour",
            "Vietnam General Confederation of Labor (VGCL)",
            "Viet Nam General Confederation of Labor",
            "Tong Lien Doan Lao Dong Viet Nam",
            "tổng liên đoàn lao động việt nam",
            "Tổng Liên Đoàn Lao Động Việt Nam",
            "VGCL (Tổng Liên đoàn Lao động Việt Nam)",
        ],
    )
    def test_the_vgcl_in_every_ordinary_spelling(self, answer):
        assert self.question(*self.VGCL).check(answer).correct, answer

    def test_a_name_with_its_abbreviation_matches_variants_listed_separately(self):
        question = self.question("VGCL", "Vietnam General Confederation of Labor")
        assert question.check("Vietnam General Confederation of Labor (VGCL)").correct
        assert question.check("the VGCL").correct
        assert question.check("Vietnam General Confederation of Labor (ILO)").status == "incorrect"

    @pytest.mark.parametrize(
        "answer",
        [
            "not the VGCL",
            "an independent union (VGCL)",
            "VGCL (an independent union)",
            "VGCL and ILO",
            "Vietnam General Confederation",
            "independent unions outside the VGCL",
            "General Confederation of Labor",
            "the ILO",
            "VGCL VGCL",
            "Confederation of Labor (VGCL)",
        ],
    )
    def test_a_wrong_answer_containing_a_right_word_is_refused(self, answer):
        assert self.question(*self.VGCL).check(answer).status == "incorrect", answer

    @pytest.mark.parametrize(
        "answer",
        ["Strategic Partnership", "CSP (Strategic Partnership)", "partnership", "Comprehensive Partnership (CSP)"],
    )
    def test_the_csp_is_not_the_partnership_it_replaced(self, answer):
        assert self.question("Comprehensive Strategic Partnership (CSP)").check(answer).status == "incorrect"

    def test_a_parenthesis_that_is_not_an_abbreviation_is_not_accepted_alone(self):
        question = self.question("Labor Code (2019)")
        assert question.check("Labor Code").correct and question.check("the 2019 Labor Code").status == "incorrect"
        assert question.check("2019").status == "incorrect"

    def test_an_answer_that_is_only_an_article_is_read_as_typed(self):
        question = self.question("a")
        assert question.check("A").correct and question.check("the").status == "incorrect"

    def test_accents_fold(self):
        assert normalize_text("Đổi Mới") == normalize_text("doi moi")

    @pytest.mark.parametrize("bad", [None, "", 12, "x" * 201])
    def test_unreadable_answers_are_invalid(self, bad):
        assert self.question().check(bad).status == "invalid"


LESSONS_WITH_QUIZZES = [lesson.number for lesson in load_lessons()]


def test_the_module_has_quizzes_to_check():
    assert len(LESSONS_WITH_QUIZZES) >= 2


@pytest.mark.parametrize("number", LESSONS_WITH_QUIZZES)
def test_each_bank_loads_and_its_key_accepts_right_and_rejects_wrong_answers(number):
    quiz = load_quiz(number)
    for question in quiz.questions:
        assert question.check(question.correct_answer()).correct, question.id
        assert question.check(question.wrong_answer()).status in ("incorrect", "partial"), question.id
    report = quiz.key_check()
    assert f"Keys accepted: {len(quiz)}/{len(quiz)}. Wrong answers rejected: {len(quiz)}/{len(quiz)}." in report


@pytest.mark.parametrize(
    "lesson", [lesson for lesson in load_lessons() if lesson.number >= 1], ids=lambda lesson: lesson.stem
)
def test_each_lesson_quiz_has_eight_questions_covering_every_objective(lesson):
    quiz = load_quiz(lesson.number)
    assert len(quiz) >= 8
    covered = {question.objective for question in quiz.questions}
    assert covered == {objective.id for objective in lesson.objectives}


class TestShownOrder:
    def test_the_order_is_a_fixed_shuffle_seeded_by_the_id(self):
        # A pin: if this changes, every stored quiz output changes; it is the same on every machine and run.
        assert shown_order("normalization-year", ["a", "b", "c", "d"]) == ["c", "a", "b", "d"]
        orders = {tuple(shown_order(f"question-{n}", "abcd")) for n in range(40)}
        assert len(orders) > 10, "different ids must give different orders"
        assert all(sorted(order) == list("abcd") for order in orders)

    def test_every_position_is_reached_by_the_first_file_option(self):
        positions = [shown_order(f"q{n}", "abcd").index("a") for n in range(400)]
        assert {positions.count(position) for position in range(4)} <= set(range(70, 131))

    def test_pinned_options_stay_last_in_file_order(self):
        options = [
            Option("a", "x", True, "feedback"),
            Option("b", "none of the above", False, "feedback", pinned_last=True),
            Option("c", "y", False, "feedback"),
            Option("d", "z", False, "feedback"),
            Option("e", "all of the above", False, "feedback", pinned_last=True),
        ]
        for n in range(30):
            assert [option.id for option in shown_order(f"q{n}", options)][-2:] == ["b", "e"]

    def test_options_are_relabelled_in_shown_order_and_answers_stay_option_ids(self):
        for n in range(20):
            question = choice(True, False, False, False, question_id=f"q{n}")
            labels = [label for label, _ in question.shown_options()]
            assert labels == ["a", "b", "c", "d"]
            assert question.check("a").correct  # the bank's id, whatever letter it is shown with
            assert question.answer_text() == f"({question.label_of('a')}) option 0"
        assert {choice(True, False, False, False, question_id=f"q{n}").label_of("a") for n in range(20)} != {"a"}

    def test_a_hint_that_names_its_option_is_refused(self):
        options = (
            Option("a", "The Labor Code", True, "feedback", hint="Think of the labor code."),
            Option("b", "x", False, "feedback"),
        )
        with pytest.raises(DataError, match="hint repeats the option's text"):
            MultipleSelect(id="q", options=options, **COMMON)


def synthetic_bank(size=12, options=4):
    """A bank written as today's banks were: the key first in the file."""
    return [choice(True, *[False] * (options - 1), question_id=f"synthetic-{n}") for n in range(size)]


def test_position_check_fails_on_file_order_and_passes_on_the_shown_order():
    bank = synthetic_bank()
    unshuffled = key_position_check(bank, shown=False)
    assert unshuffled.counts == (12, 0, 0, 0)
    assert unshuffled.problems and "position a holds 12 of 12 keys" in unshuffled.problems[0]
    assert key_position_check(bank).problems == []


def test_position_check_flags_a_pinned_correct_option_that_is_always_last():
    bank = [
        MultipleChoice(
            id=f"q{n}",
            options=(
                Option("a", "x", False, "feedback"),
                Option("b", "y", False, "feedback"),
                Option("c", "z", False, "feedback"),
                Option("d", "none of the above", True, "feedback", pinned_last=True),
            ),
            **COMMON,
        )
        for n in range(10)
    ]
    assert key_position_check(bank).problems[0].startswith("position d holds 10 of 10 keys")


def test_position_limit_is_the_fair_share_plus_a_margin_a_fair_order_rarely_exceeds():
    # 12 four-option questions: 3 keys per position on average; a fair order puts more than 7 at one position
    # with chance about 0.3%, more than 6 with chance about 1.4%, so the limit at alpha = 1% is 7.
    check = key_position_check(synthetic_bank(), shown=False)
    assert check.expected == (3.0, 3.0, 3.0, 3.0) and check.limits == (7, 7, 7, 7)


BANKS = {lesson.number: load_quiz(lesson.number) for lesson in load_lessons()}


@pytest.mark.parametrize("number", sorted(BANKS))
def test_no_shown_position_holds_more_than_a_fair_share_of_keys_in_any_bank(number):
    check = key_position_check(BANKS[number].questions)
    assert check.problems == [], (
        f"quiz-{number:02d}.yaml, {check}: {'; '.join(check.problems)}. The shown order "
        "is a shuffle of the file order: move some keys to other places in the file."
    )


def test_no_shown_position_holds_more_than_a_fair_share_of_keys_overall():
    questions = [question for quiz in BANKS.values() for question in quiz.questions]
    check = key_position_check(questions)
    assert check.questions >= 10, "too few single-choice questions found"
    assert check.problems == [], f"all banks, {check}: {'; '.join(check.problems)}"


_LETTER = re.compile(r"\([a-h]\)")


@pytest.mark.parametrize("number", sorted(BANKS))
def test_bank_texts_never_refer_to_options_by_letter(number):
    """Options are shown in a shuffled order and relabelled, so "(a)" in a bank's text would point at the wrong one."""
    found = []
    for question in BANKS[number].questions:
        texts = [("explanation", question.explanation)]
        texts += [
            (f"option {option.id}", f"{option.feedback} {option.hint}") for option in getattr(question, "options", ())
        ]
        found += [f"{question.id} ({where})" for where, text in texts if _LETTER.search(text)]
    assert not found, f"quiz-{number:02d}.yaml refers to options by letter in: {', '.join(found)}"


def _wrong_attempts(question):
    ids = [option.id for option in question.options]
    for size in range(1, len(ids) + 1):
        for attempt in itertools.combinations(ids, size):
            if question.check(list(attempt)).status != "correct":
                yield list(attempt)


def _naming(question, message):
    """What of a correct option (its shown letter or its text) a feedback message gives away."""
    named = []
    for label, option in question.shown_options():
        if option.correct and (
            f"({label})" in message or f" {normalize_text(option.text)} " in f" {normalize_text(message)} "
        ):
            named.append(option.id)
    return named


def test_multiple_select_feedback_on_a_wrong_attempt_never_names_a_correct_option():
    for n in range(10):
        question = choice(True, False, True, False, True, cls=MultipleSelect, question_id=f"ms-{n}", hints=True)
        attempts = list(_wrong_attempts(question))
        assert len(attempts) == 2**5 - 2
        for attempt in attempts:
            message = question.check(attempt).message
            assert _naming(question, message) == [], (attempt, message)


def test_multiple_select_feedback_says_something_about_each_wrong_pick_and_each_missed_idea():
    question = choice(True, False, True, False, cls=MultipleSelect, hints=True)
    message = question.check(["a", "b", "d"]).message
    assert "feedback 1" in message and "feedback 3" in message  # each wrong pick's own feedback
    assert "think about idea 2" in message and "think about idea 0" not in message  # the missed option's hint
    assert "1 option(s)" in message
    without_hints = choice(True, False, True, False, cls=MultipleSelect).check(["a"]).message
    assert "1 option(s)" in without_hints and "To reconsider" not in without_hints


@pytest.mark.parametrize("number", sorted(BANKS))
def test_no_bank_feedback_on_a_wrong_multiple_select_attempt_names_a_correct_option(number):
    leaks = []
    for question in BANKS[number].questions:
        if isinstance(question, MultipleSelect):
            for attempt in _wrong_attempts(question):
                named = _naming(question, question.check(attempt).message)
                if named:
                    leaks.append(f"{question.id}: picking {attempt} names {named}")
    assert not leaks, f"quiz-{number:02d}.yaml: " + "; ".join(leaks[:5])


def test_lesson_one_uses_all_four_question_types():
    assert {question.kind for question in load_quiz(1).questions} == {
        "multiple_choice",
        "multiple_select",
        "numeric",
        "short_text",
    }


def test_key_check_report_hides_answers_and_changes_when_the_bank_changes():
    quiz = load_quiz(1)
    report = quiz.key_check()
    for question in quiz.questions:
        if isinstance(question, ShortText):
            assert question.accepted[0] not in report
    assert "Shown order:" in report and "single-choice keys by position" in report
    altered = type(quiz)(quiz.lesson, quiz.questions, quiz.fingerprint + "x")
    assert altered.key_check().splitlines()[0] != report.splitlines()[0]


def _always_one_letter_pays(questions) -> dict[str, tuple[int, int]]:
    """Positions where a student who always picks that letter gets more than a fair share of single-choice keys:
    position -> (keys there, most allowed). Allowed: the expected count rounded up, plus one."""
    single = [question for question in questions if isinstance(question, MultipleChoice)]
    counts, expected = collections.Counter(), collections.Counter()
    for question in single:
        shown = [option for _, option in question.shown_options()]
        counts[next(index for index, option in enumerate(shown) if option.correct)] += 1
        for index in range(len(shown)):
            expected[index] += 1 / len(shown)
    return {
        "abcdefgh"[index]: (counts[index], math.ceil(expected[index] - 1e-9) + 1)
        for index in expected
        if counts[index] > math.ceil(expected[index] - 1e-9) + 1
    }


@pytest.mark.parametrize("number", sorted(BANKS))
def test_always_picking_one_letter_earns_no_more_than_a_fair_share(number):
    assert not _always_one_letter_pays(BANKS[number].questions), (
        f"quiz-{number:02d}.yaml: a student who always picks one letter beats chance; move a key elsewhere among "
        "its options in the file (the shown order follows the file order through a fixed shuffle)"
    )


def test_always_picking_one_letter_across_the_module_earns_no_more_than_a_fair_share():
    questions = [question for bank in BANKS.values() for question in bank.questions]
    single = [question for question in questions if isinstance(question, MultipleChoice)]
    assert len(single) >= 40, "the banks should hold dozens of single-choice questions"
    counts = collections.Counter(
        next(index for index, (_, option) in enumerate(question.shown_options()) if option.correct)
        for question in single
    )
    assert max(counts.values()) <= math.ceil(1.2 * len(single) / 4), dict(counts)


class _FileOrder(MultipleChoice):
    """A question shown in its file order, as every question was before the shuffle."""

    def shown_options(self):
        return tuple(zip("abcdefgh", self.options))


def test_the_fair_share_rule_catches_keys_shown_first():
    keys_first = [
        _FileOrder(
            id=f"keys-first-{n}",
            objective="00-b",
            prompt="A question?",
            explanation="Because.",
            sources=("s",),
            options=tuple(Option(c, c, c == "a", "feedback") for c in "abcd"),
        )
        for n in range(12)
    ]
    assert _always_one_letter_pays(keys_first) == {"a": (12, 4)}
