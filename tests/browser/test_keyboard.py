"""A quiz answered with the keyboard alone in JupyterLab, its feedback announced to screen readers.

From the notebook as Run All leaves it (command mode, last cell active), the test moves to the quiz cell with
the arrow keys, reaches each control with Tab (Shift+Tab back), chooses with Space and presses buttons with
Enter or Space; the numeric question is typed. No mouse, and no programmatic focus except a probe that blurs
and refocuses the focused control to check that it shows where the focus is (WCAG 2.4.7). It also checks that the feedback lands in a role="alert" element, which
screen readers read out when it appears (WCAG 4.1.3), while the focus stays on the button.

Arrow keys are not used inside the quiz: in command mode JupyterLab takes them for moving between cells even
when a radio button in an output has the focus; Tab and Space reach and choose every option instead.
"""

from __future__ import annotations

import pytest

from browser.lab import LabNotebook
from usvn.quiz.model import MultipleChoice, Numeric, load_quiz

ALLOWED_KEYS = {"Tab", "Shift+Tab", "ArrowUp", "ArrowDown", "Space", "Enter"}
STEM = "00-how-to-use-this-module"
LESSON = 0

#: Does the focused element look different from itself unfocused (outline, shadow, border or background)?
#: The probe blurs and refocuses the same element, so the keyboard path continues from where it was.
FOCUS_VISIBLE = """element => {
    const look = () => {
        const style = getComputedStyle(element);
        return [style.outlineStyle, style.outlineWidth, style.outlineColor, style.boxShadow,
                style.borderTopColor, style.backgroundColor].join('|');
    };
    const focused = look();
    element.blur();
    const unfocused = look();
    element.focus({focusVisible: true});
    return focused !== unfocused && element === document.activeElement;
}"""


class Keyboard:
    """The page's keyboard, limited to the keys this test allows; keeps the sequence pressed."""

    def __init__(self, page) -> None:
        self.page, self.pressed = page, []

    def press(self, key: str) -> None:
        if key not in ALLOWED_KEYS:
            raise ValueError(f"{key} is not a key this test may use")
        self.page.keyboard.press(key)
        self.pressed.append(key)

    def type_digits(self, text: str) -> None:
        if not text.isdigit():
            raise ValueError("only digits are typed")
        self.page.keyboard.type(text)
        self.pressed.append(f"type {text}")

    def tab_to(self, target, limit: int = 25, backwards: bool = False) -> None:
        """Press Tab (or Shift+Tab) until ``target`` has the focus, at most ``limit`` times."""
        for _ in range(limit):
            if target.evaluate("element => element === document.activeElement"):
                return
            self.press("Shift+Tab" if backwards else "Tab")
        if not target.evaluate("element => element === document.activeElement"):
            active = self.page.evaluate("() => document.activeElement.outerHTML.slice(0, 200)")
            pytest.fail(f"{limit} presses of {'Shift+' if backwards else ''}Tab did not reach {target}; focus is on {active}")


def option_radio(box, question, option_id: str):
    """The radio button of an option, found by the letter it is shown with (options are shown in a fixed shuffle)."""
    label = question.label_of(option_id)
    return box.locator(".widget-radio-box label").filter(has_text=f"({label}) ").locator("input[type=radio]")


def test_a_quiz_is_answered_with_the_keyboard_alone_and_feedback_is_announced(page, lab_server):
    from playwright.sync_api import expect

    quiz = load_quiz(LESSON)
    first, second = quiz.questions[:2]
    assert isinstance(first, MultipleChoice) and isinstance(second, Numeric), \
        "this test answers lesson 00's first two questions: one multiple choice, one numeric"
    notebook = LabNotebook(page, lab_server, f"{STEM}.ipynb").open()
    notebook.run_all()
    keys = Keyboard(page)
    try:
        # Command mode: arrow keys move between cells, up to the cell that shows the quiz.
        quiz_cell = notebook.code_sources().index(f"show_quiz({LESSON})")
        quiz_index = page.evaluate(
            """source => window.jupyterapp.shell.currentWidget.content.widgets
                .findIndex(cell => cell.model.sharedModel.source === source)""", f"show_quiz({LESSON})")
        assert quiz_cell >= 0 and quiz_index >= 0
        for _ in range(60):
            active = page.evaluate("() => window.jupyterapp.shell.currentWidget.content.activeCellIndex")
            if active == quiz_index:
                break
            keys.press("ArrowUp" if active > quiz_index else "ArrowDown")
        assert active == quiz_index, "the arrow keys did not reach the quiz cell"

        boxes = notebook.output_of(f"show_quiz({LESSON})").locator(".usvn-quiz-question")
        box = boxes.nth(0)
        check = box.get_by_role("button", name="Check answer")
        explain = box.get_by_role("button", name="Show explanation")
        alert = box.get_by_role("alert")

        # A wrong option, chosen with Space; checked with Enter.
        wrong = option_radio(box, first, first.wrong_answer())
        keys.tab_to(wrong)
        assert wrong.evaluate(FOCUS_VISIBLE), "a focused option shows no focus indicator"
        keys.press("Space")
        expect(wrong).to_be_checked()
        keys.tab_to(check)
        assert check.evaluate(FOCUS_VISIBLE), "the focused Check button shows no focus indicator"
        keys.press("Enter")
        expect(alert).to_contain_text("Not quite.")
        expect(check).to_be_focused()  # the feedback is announced, not focused: the student stays where they were

        # Back to the right option with Shift+Tab, Space, then Check with Space.
        right = option_radio(box, first, first.correct_answer())
        keys.tab_to(right, backwards=True)
        keys.press("Space")
        expect(right).to_be_checked()
        expect(wrong).not_to_be_checked()
        keys.tab_to(check)
        keys.press("Space")
        expect(alert).to_contain_text("Correct.")

        # The explanation, now unlocked, opens with Enter.
        keys.tab_to(explain)
        assert explain.evaluate(FOCUS_VISIBLE)
        keys.press("Enter")
        expect(alert).to_contain_text("Answer:")

        # The numeric question: Tab into its labelled box, type the number, Enter to check.
        box = boxes.nth(1)
        answer = box.get_by_role("textbox", name="Your answer")
        keys.tab_to(answer)
        assert answer.evaluate(FOCUS_VISIBLE), "the focused answer box shows no focus indicator"
        keys.type_digits(f"{second.correct_answer():g}")
        keys.tab_to(box.get_by_role("button", name="Check answer"))
        keys.press("Enter")
        expect(box.get_by_role("alert")).to_contain_text("Correct.")
    finally:
        notebook.screenshot("keyboard")
        notebook.shutdown_kernel()
    assert set(keys.pressed) - ALLOWED_KEYS <= {f"type {second.correct_answer():g}"}
