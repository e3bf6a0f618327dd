"""Self-check quizzes: a pure model (:mod:`usvn.quiz.model`) and its widget view (:mod:`usvn.quiz.widgets`)."""

from usvn.quiz.model import Feedback, Question, Quiz, load_quiz

__all__ = ["Feedback", "Question", "Quiz", "load_quiz"]
