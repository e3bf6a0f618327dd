"""The quiz model on questions built here by hand, then on every bank the module ships."""

from __future__ import annotations

import pytest

from usvn.data import DataError, load_lessons
from usvn.quiz.model import MultipleChoice, MultipleSelect, Numeric, Option, ShortText, load_quiz, normalize_text

COMMON = dict(objective="01-a", prompt="A question for the test?", explanation="Because the test says so.",
              sources=("tran-2021",))


def choice(*correct_flags, cls=MultipleChoice):
    options = tuple(Option(chr(ord("a") + index), f"option {index}", flag, f"feedback {index}")
                    for index, flag in enumerate(correct_flags))
    return cls(id="q", options=options, **COMMON)


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
        result = self.question().check(["a"])
        assert result.status == "partial"
        assert "1 option(s)" in result.message and "(c)" not in result.message

    def test_a_wrong_pick_quotes_that_options_feedback(self):
        result = self.question().check(["a", "b", "c"])
        assert result.status == "partial" and "(b) feedback 1" in result.message

    def test_only_wrong_picks_is_incorrect(self):
        assert self.question().check(["b", "d"]).status == "incorrect"

    @pytest.mark.parametrize("bad", [None, "", [], "ac", ["a", "x"], 7])
    def test_unreadable_answers_are_invalid(self, bad):
        assert self.question().check(bad).status == "invalid"


class TestNumeric:
    def question(self, tolerance=0.0):
        return Numeric(id="n", answer=2007, tolerance=tolerance, unit="", feedback_low="too early",
                       feedback_high="too late", feedback_correct="yes", **COMMON)

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
    def question(self):
        return ShortText(id="s", accepted=("Comprehensive Strategic Partnership", "CSP"), feedback_correct="yes",
                         feedback_wrong="no", **COMMON)

    @pytest.mark.parametrize("answer", ["csp", "  Comprehensive   strategic partnership. ", "C.S.P."])
    def test_variants_match_after_folding_case_space_and_punctuation(self, answer):
        # "C.S.P." folds to "c s p", which is not "csp": only listed variants count.
        expected = answer != "C.S.P."
        assert self.question().check(answer).correct is expected

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


@pytest.mark.parametrize("lesson", [lesson for lesson in load_lessons() if lesson.number >= 1], ids=lambda l: l.stem)
def test_each_lesson_quiz_has_eight_questions_covering_every_objective(lesson):
    quiz = load_quiz(lesson.number)
    assert len(quiz) >= 8
    covered = {question.objective for question in quiz.questions}
    assert covered == {objective.id for objective in lesson.objectives}


def test_lesson_one_uses_all_four_question_types():
    assert {question.kind for question in load_quiz(1).questions} == {
        "multiple_choice", "multiple_select", "numeric", "short_text"}


def test_key_check_report_hides_answers_and_changes_when_the_bank_changes():
    quiz = load_quiz(1)
    report = quiz.key_check()
    for question in quiz.questions:
        if isinstance(question, ShortText):
            assert question.accepted[0] not in report
    altered = type(quiz)(quiz.lesson, quiz.questions, quiz.fingerprint + "x")
    assert altered.key_check().splitlines()[0] != report.splitlines()[0]
