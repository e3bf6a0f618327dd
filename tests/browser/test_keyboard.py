"""Every kind of widget, one complete task each, with the keyboard alone in JupyterLab; and saved work that
survives "restart the kernel and run all".

Each task starts with the notebook in command mode (where the Escape key leaves it) and its cell reached with
the arrow keys; from there Tab (Shift+Tab back) moves between controls, the arrow keys choose within a choice
group, Space ticks and presses, Enter presses, and answers are typed. No mouse, and no programmatic focus
except a probe that blurs and refocuses the focused control to check that it shows where the focus is
(WCAG 2.4.7). Every task ends with feedback in a role="alert" element, which screen readers read out when it
appears (WCAG 4.1.3), while the focus stays where the student is.

Tab presses are counted per task and per question (a choice, a box to fill or a button to press), printed at
the end of the run, kept in artifacts/keyboard-tabs.json, and held to a bound per step: a named choice group
is one Tab stop, so reaching the next control takes a few presses, plus one for each citation link in the
reading between the two (links are content a student may want to follow).
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

from browser.lab import ROOT, TAB_COUNTS, LabNotebook

#: The most Tab presses any one step of a task may take: moving from one control to the next.
TABS_PER_STEP = 4
#: From the task's cell in command mode to its first control (past the cell's own editor).
TABS_TO_ENTER = 6
ALLOWED_KEYS = {
    "Tab",
    "Shift+Tab",
    "ArrowUp",
    "ArrowDown",
    "ArrowLeft",
    "ArrowRight",
    "Space",
    "Enter",
    "Shift+ArrowDown",
    "Home",
}

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
IS_FOCUSED = "element => element === document.activeElement"


class Keyboard:
    """The page's keyboard, limited to the keys this test allows; counts Tab presses per step of a task."""

    def __init__(self, page) -> None:
        self.page, self.pressed = page, []
        self.task = ""
        self.steps: list[int] = []

    def press(self, key: str) -> None:
        if key not in ALLOWED_KEYS:
            raise ValueError(f"{key} is not a key this test may use")
        self.page.keyboard.press(key)
        self.pressed.append(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.pressed.append(f"type {len(text)} characters")

    def start(self, task: str) -> None:
        self.task, self.steps = task, []

    def finish(self) -> int:
        total = sum(self.steps)
        TAB_COUNTS[self.task] = {"tabs": total, "steps": len(self.steps), "most in one step": max(self.steps)}
        return total

    def tab_to(self, target, limit: int | None = None, backwards: bool = False) -> None:
        """Press Tab (or Shift+Tab) until ``target`` has the focus, at most ``limit`` times; counts the presses.

        The default limit is :data:`TABS_PER_STEP`, or :data:`TABS_TO_ENTER` for a task's first step.
        """
        if limit is None:
            limit = TABS_PER_STEP if self.steps else TABS_TO_ENTER
        presses = 0
        while not target.evaluate(IS_FOCUSED):
            if presses == limit:
                active = self.page.evaluate("() => document.activeElement.outerHTML.slice(0, 200)")
                pytest.fail(
                    f"{self.task}: {limit} presses of {'Shift+' if backwards else ''}Tab did not reach "
                    f"{target}; the focus is on {active}"
                )
            self.press("Shift+Tab" if backwards else "Tab")
            presses += 1
        self.steps.append(presses)
        assert target.evaluate(FOCUS_VISIBLE), f"{self.task}: the focused {target} shows no focus indicator"

    def choose(self, group, label, backwards: bool = False, limit: int | None = None) -> None:
        """Tab into a choice group (one stop), then arrow down to the option labelled ``label`` (a regex)."""
        radios = group.locator("input[type=radio]")
        labels = [text.strip() for text in group.locator("label").all_inner_texts()]
        wanted = next((index for index, text in enumerate(labels) if re.search(label, text)), None)
        assert wanted is not None, f"{self.task}: no option matching {label!r} in {labels}"
        checked = [index for index in range(radios.count()) if radios.nth(index).is_checked()]
        entry = radios.nth(checked[0] if checked else 0)  # where the browser puts the focus in a radio group
        self.tab_to(entry, limit=limit, backwards=backwards)
        if not checked:
            self.press("Space")
        for _ in range(len(labels)):
            if radios.nth(wanted).is_checked():
                break
            self.press("ArrowDown")
        assert radios.nth(wanted).is_checked(), f"{self.task}: the arrow keys did not reach {label!r}"

    def press_button(self, button, key: str = "Enter", limit: int | None = None) -> None:
        self.tab_to(button, limit=limit)
        self.press(key)


def command_mode_at(notebook: LabNotebook, keys: Keyboard, code: str) -> None:
    """Command mode with the focus on the active cell (where Escape leaves a student), then the arrow keys up or
    down to the cell whose source has ``code``."""
    page = notebook.page
    page.evaluate("""() => {
        const notebook = window.jupyterapp.shell.currentWidget.content;
        notebook.mode = 'command';
        notebook.activeCell.node.focus();
    }""")
    index = page.evaluate(
        """code => window.jupyterapp.shell.currentWidget.content.widgets
            .findIndex(cell => cell.model.type === 'code' && cell.model.sharedModel.source.includes(code))""",
        code,
    )
    assert index >= 0, f"no code cell contains {code!r}"
    for _ in range(200):
        active = page.evaluate("() => window.jupyterapp.shell.currentWidget.content.activeCellIndex")
        if active == index:
            break
        keys.press("ArrowUp" if active > index else "ArrowDown")
    assert active == index, f"the arrow keys did not reach the cell with {code!r}"


def links(locator) -> int:
    """Links in the reading before a control (citations): each is a Tab stop, on top of the few per step."""
    return locator.locator("a[href]").count()


def words(count: int, text: str = "Each piece of evidence answers a different question about leverage") -> str:
    pool = text.split()
    return " ".join(pool[i % len(pool)] for i in range(count))


# ---------------------------------------------------------------------------------------------------------------
# One task per kind of widget. Each returns after the final feedback has been announced.


def task_quiz(notebook, keys, lesson: int) -> None:
    from playwright.sync_api import expect

    from usvn.quiz.model import MultipleChoice, MultipleSelect, load_quiz

    quiz = load_quiz(lesson)
    command_mode_at(notebook, keys, f"show_quiz({lesson})")
    boxes = notebook.output_of(f"show_quiz({lesson})").locator(".usvn-quiz-question")
    for number, question in enumerate(quiz.questions, start=1):
        box = boxes.nth(number - 1)
        check = box.get_by_role("button", name="Check answer")
        alert = box.get_by_role("alert")
        if isinstance(question, MultipleChoice):
            group = box.get_by_role("group", name=f"Your answer to question {number}", exact=True)
            if number == 1:  # a wrong answer first: its verdict is announced, the focus stays on Check
                keys.choose(group, rf"^\({re.escape(question.label_of(question.wrong_answer()))}\) ")
                keys.press_button(check)
                expect(alert).to_contain_text("Not quite.")
                expect(check).to_be_focused()
                keys.choose(group, rf"^\({re.escape(question.label_of(question.correct_answer()))}\) ", backwards=True)
            else:
                keys.choose(group, rf"^\({re.escape(question.label_of(question.correct_answer()))}\) ")
        elif isinstance(question, MultipleSelect):  # check boxes: one Tab stop each, as they should be
            for label, option in question.shown_options():  # shown in a fixed shuffle, relabelled a, b, c...
                if option.id in question.correct_answer():
                    keys.tab_to(
                        box.get_by_role("checkbox", name=re.compile(rf"^\({re.escape(label)}\) ")),
                        limit=TABS_PER_STEP + len(question.options) if keys.steps else TABS_TO_ENTER,
                    )
                    keys.press("Space")
            keys.press_button(check, limit=TABS_PER_STEP + len(question.options))
            expect(alert).to_contain_text("Correct.")
            continue
        else:
            keys.tab_to(box.get_by_role("textbox", name="Your answer"))
            answer = question.correct_answer()
            keys.type(f"{answer:g}" if isinstance(answer, float) else str(answer))
        keys.press_button(check)
        expect(alert).to_contain_text("Correct.")
        expect(check).to_be_focused()


def task_timeline(notebook, keys, lesson: int) -> None:
    from playwright.sync_api import expect

    command_mode_at(notebook, keys, "TimelineExplorer(")
    explorer = notebook.output_of("TimelineExplorer(")
    alert = explorer.get_by_role("alert")
    for theme in ("Diplomacy", "Trade"):
        keys.tab_to(explorer.get_by_role("checkbox", name=re.compile(f"^{theme}")))
        keys.press("Space")
    expect(alert).to_contain_text(re.compile(r"Showing \d+ of \d+ events"))
    start = explorer.get_by_role("spinbutton", name="From year")
    keys.tab_to(start)
    before = int(start.input_value())
    for _ in range(5):
        keys.press("ArrowUp")
    keys.press("Enter")
    expect(alert).to_contain_text(f"{before + 5}–")


def task_reflection(notebook, keys, lesson: int) -> None:
    from playwright.sync_api import expect

    from usvn.reflection import load_reflection

    sources = [source for source in notebook.code_sources() if "ReflectionPrompt(" in source]
    reflection_id = re.search(r"ReflectionPrompt\(\s*[\"']([^\"']+)[\"']", sources[0])[1]
    command_mode_at(notebook, keys, f'ReflectionPrompt("{reflection_id}"')
    prompt = notebook.output_of(f'ReflectionPrompt("{reflection_id}"')
    keys.tab_to(prompt.get_by_role("textbox", name="Your answer"))
    keys.type(words(load_reflection(reflection_id).min_words + 5))
    keys.press_button(prompt.get_by_role("button", name="Compare with the module's notes"))
    expect(prompt.get_by_role("alert")).to_contain_text("saved in")


def task_claims(notebook, keys, lesson: int) -> None:
    from playwright.sync_api import expect

    from usvn.claims import load_claims

    source_id = re.search(
        r"show_claims\(\s*[\"']([^\"']+)[\"']", next(s for s in notebook.code_sources() if "show_claims(" in s)
    )[1]
    claim = load_claims(source_id)[0]
    command_mode_at(notebook, keys, f'show_claims("{source_id}"')
    card = notebook.output_of(f'show_claims("{source_id}"').locator(".usvn-claim").first
    keys.choose(
        card.get_by_role("group", name=re.compile("evidence it rests on")), rf"^{re.escape(claim.evidence_kind)}:"
    )
    keys.choose(card.get_by_role("group", name=re.compile("how well supported")), rf"^{re.escape(claim.rating)}$")
    keys.press_button(card.get_by_role("button", name="Compare with the module"))
    expect(card.get_by_role("alert")).to_contain_text("Your tag matches the module's.")


def task_case_explorer(notebook, keys, lesson: int) -> None:
    from playwright.sync_api import expect

    from usvn.leverage import channel_label, load_cases, outcome_label

    cases = load_cases()
    command_mode_at(notebook, keys, "CaseExplorer(")
    explorer = notebook.output_of("CaseExplorer(")
    cards = explorer.locator(".usvn-case")
    for number, case in enumerate(cases, start=1):
        keys.choose(
            explorer.get_by_role("group", name=f"Case {number} channel"),
            rf"^{re.escape(channel_label(case.channel))}$",
            limit=TABS_PER_STEP + links(cards.nth(number - 1)),
        )
        keys.choose(
            explorer.get_by_role("group", name=f"Case {number} outcome"), rf"^{re.escape(outcome_label(case.outcome))}$"
        )
    keys.press_button(explorer.get_by_role("button", name="Compare my coding with the module's"))
    expect(explorer.get_by_role("alert")).to_contain_text(f"{len(cases)} sit where the module puts them")


def task_argument(notebook, keys, lesson: int) -> None:
    from playwright.sync_api import expect

    from usvn.leverage import channel_label, load_asks, load_cases

    ask_id = re.search(
        r"ArgumentBuilder\(\s*[\"']([^\"']+)[\"']", next(s for s in notebook.code_sources() if "ArgumentBuilder(" in s)
    )[1]
    ask, cases = load_asks()[ask_id], load_cases()
    note = ask.notes[0]
    command_mode_at(notebook, keys, f'ArgumentBuilder("{ask_id}"')
    builder = notebook.output_of(f'ArgumentBuilder("{ask_id}"')
    keys.choose(
        builder.get_by_role("group", name="Channel you recommend"), rf"^{re.escape(channel_label(note.channel))}$"
    )
    # Each list of cases is one list box, one Tab stop: Home selects the first case, an arrow key moves the
    # selection, and Shift with an arrow key extends it.
    against = [case.id for case in cases].index(note.cases[-1])
    first = next(index for index in range(len(cases) - 1) if against not in (index, index + 1))
    supporting = builder.get_by_role("listbox", name="Cases that support your choice (at least two)")
    keys.tab_to(supporting)
    keys.press("Home")
    for _ in range(first):
        keys.press("ArrowDown")
    keys.press("Shift+ArrowDown")
    expect(supporting.locator("option:checked")).to_have_text(
        [f"Case {first + 1}: {cases[first].title}", f"Case {first + 2}: {cases[first + 1].title}"]
    )
    counter = builder.get_by_role("listbox", name="Counter-cases, which cut against it (at least one)")
    keys.tab_to(counter)
    keys.press("Home")
    for _ in range(against):
        keys.press("ArrowDown")
    expect(counter.locator("option:checked")).to_have_text([f"Case {against + 1}: {cases[against].title}"])
    keys.tab_to(builder.get_by_role("textbox", name="Your justification"))
    keys.type(words(ask.min_words + 5))
    keys.press_button(builder.get_by_role("button", name="Check my argument's structure"))
    expect(builder.get_by_role("alert")).to_contain_text("It is not graded")


def task_rates(notebook, keys, lesson: int) -> None:
    from playwright.sync_api import expect

    from usvn.leverage import compare_schemes, load_cases, original_cases

    cases, nine = load_cases(), original_cases()
    command_mode_at(notebook, keys, "RateExplorer(")
    rates = notebook.output_of("RateExplorer(")
    alert = rates.get_by_role("alert")
    chosen = rates.get_by_role("listbox", name="Cases to count").locator("option:checked")
    draw = rates.get_by_role("button", name="Show the rates for the selected cases")
    keys.press_button(rates.get_by_role("button", name="Start from the first version's nine cases"))
    expect(chosen).to_have_count(len(nine))
    keys.press_button(draw)  # past the other button, the list box and the non-pressure box: one stop each
    first = compare_schemes(nine, include_non_pressure=True)[0]
    expect(alert).to_contain_text(f"Rates for {len(nine)} selected cases. {first.message}")
    expect(draw).to_be_focused()
    keys.tab_to(rates.get_by_role("button", name="Select every case"), backwards=True)
    keys.press("Enter")
    expect(chosen).to_have_count(len(cases))
    keys.press_button(draw)
    every = compare_schemes(cases)[0]
    expect(alert).to_contain_text(f"Rates for {len(cases)} selected cases. {every.message}")
    expect(rates.locator("img")).to_have_attribute("alt", re.compile(rf"{len(every.counted)} counted cases"))


def task_margin(notebook, keys, lesson: int) -> None:
    from playwright.sync_api import expect

    command_mode_at(notebook, keys, "MarginCalculator(")
    calculator = notebook.output_of("MarginCalculator(")
    boxes = calculator.get_by_role("textbox").count()  # the price and quantities come first, one Tab stop each
    keys.choose(
        calculator.get_by_role("group", name="Surrogate country"),
        r"^Surrogate B \(hypothetical\)$",
        limit=TABS_PER_STEP + boxes,
    )
    alert = calculator.get_by_role("alert")
    expect(alert).to_contain_text("Surrogate B (hypothetical): Dumping margin of 30.5%")
    keys.press_button(calculator.get_by_role("button", name="Calculate"))
    expect(alert).to_contain_text("Surrogate B (hypothetical)")


def task_scorecard(notebook, keys, lesson: int) -> None:
    from playwright.sync_api import expect

    from usvn.criteria import load_criteria

    command_mode_at(notebook, keys, "EvidenceScorecard(")
    scorecard = notebook.output_of("EvidenceScorecard(")
    for factor, rating in zip(load_criteria().factors, (2, 1, 3, 2, 2, 4)):
        cards = scorecard.locator(".widget-html").filter(
            has=notebook.page.get_by_role("heading", name=factor.title, exact=True)
        )
        keys.choose(
            scorecard.get_by_role("group", name=f"Rating ({factor.number}): {factor.title}"),
            rf"^{rating} - ",
            limit=TABS_PER_STEP + links(cards),
        )
        keys.tab_to(scorecard.get_by_role("textbox", name=f"Reason ({factor.number})"))
        keys.type("The finding on this factor outweighs the claim.")
    keys.press_button(scorecard.get_by_role("button", name="Show my scorecard"))
    expect(scorecard.get_by_role("alert")).to_contain_text("Your weighted average is 2.3")


def task_memo(notebook, keys, lesson: int) -> None:
    from playwright.sync_api import expect

    from usvn.memo import evidence_catalogue, load_memo_template

    template = load_memo_template()
    command_mode_at(notebook, keys, "MemoEditor(")
    editor = notebook.output_of("MemoEditor(")
    order = [section for section in template.sections if section.id != "evidence"]
    order = [*order[:2], next(s for s in template.sections if s.id == "evidence"), "list", *order[2:]]
    catalogue = evidence_catalogue()
    last_of_first_lesson = max(index for index, item in enumerate(catalogue) if item.lesson == catalogue[0].lesson)
    prompt_links = links(editor.locator(".widget-html").first)  # the question's citations come before the boxes
    after_list = 0
    for section in order:
        if section == "list":  # the evidence list box: one stop; arrows move, Shift+arrow extends the choice
            listbox = editor.get_by_role("listbox", name="Evidence")
            keys.tab_to(listbox)
            keys.press("Home")
            for _ in range(last_of_first_lesson):
                keys.press("ArrowDown")
            for _ in range(template.min_evidence - 1):
                keys.press("Shift+ArrowDown")
            chosen = editor.locator(".widget-html").filter(has_text="Evidence you ticked")
            expect(chosen.locator("li")).to_have_count(template.min_evidence)
            after_list = links(chosen)  # the ticked evidence is listed with its citations, next in Tab order
            continue
        limit = TABS_TO_ENTER + prompt_links if not keys.steps else TABS_PER_STEP + after_list
        after_list = 0
        keys.tab_to(editor.get_by_role("textbox", name=section.title, exact=True), limit=limit)
        keys.type(words(section.min_words + 2))
    keys.press_button(editor.get_by_role("button", name="Check my memo"))
    expect(editor.get_by_role("alert")).to_contain_text("Every section is written")


def task_rubric(notebook, keys, lesson: int) -> None:
    from playwright.sync_api import expect

    from usvn.rubrics import load_rubric

    rubric = load_rubric("memo")
    level = rubric.levels[2]
    command_mode_at(notebook, keys, "RubricSelfCheck(")
    check = notebook.output_of("RubricSelfCheck(")
    for criterion in rubric.criteria:
        keys.choose(check.get_by_role("group", name=criterion.name), rf"^{re.escape(level.label)} \(")
    keys.press_button(check.get_by_role("button", name="Score my draft"))
    expect(check.get_by_role("alert")).to_contain_text(
        f"{level.points * len(rubric.criteria):g} of {rubric.max_points:g} points"
    )


#: (lesson stem, task name, task): every kind of widget in every lesson that shows it (the quiz in all of them).
TASKS = [
    ("00-how-to-use-this-module", "quiz", task_quiz),
    ("01-trace-us-vietnam-relations", "timeline", task_timeline),
    ("01-trace-us-vietnam-relations", "reflection", task_reflection),
    ("01-trace-us-vietnam-relations", "quiz", task_quiz),
    ("02-weigh-rights-on-paper-and-in-practice", "claim tagging", task_claims),
    ("02-weigh-rights-on-paper-and-in-practice", "quiz", task_quiz),
    ("03-test-which-leverage-worked", "case coding", task_case_explorer),
    ("03-test-which-leverage-worked", "reflection", task_reflection),
    ("03-test-which-leverage-worked", "rate explorer", task_rates),
    ("03-test-which-leverage-worked", "argument", task_argument),
    ("03-test-which-leverage-worked", "quiz", task_quiz),
    ("04-weigh-the-market-economy-criteria", "margin calculator", task_margin),
    ("04-weigh-the-market-economy-criteria", "scorecard", task_scorecard),
    ("04-weigh-the-market-economy-criteria", "quiz", task_quiz),
    ("05-write-a-policy-memo", "memo", task_memo),
    ("05-write-a-policy-memo", "rubric self-check", task_rubric),
    ("05-write-a-policy-memo", "reflection", task_reflection),
    ("05-write-a-policy-memo", "quiz", task_quiz),
]


@pytest.fixture(scope="module")
def keyboard_lessons(browser, lab_server):
    """Each lesson open and run once for the keyboard tasks; its saved notes removed afterwards, so the other
    browser tests start from what a new student sees."""
    from browser.conftest import new_page

    notes = lab_server.root / "my-notes"
    shutil.rmtree(notes, ignore_errors=True)
    opened: dict[str, LabNotebook] = {}

    def get(stem: str) -> LabNotebook:
        if stem not in opened:
            opened[stem] = LabNotebook(new_page(browser), lab_server, f"{stem}.ipynb").open()
            opened[stem].run_all()
        return opened[stem]

    yield get
    for notebook in opened.values():
        try:
            notebook.shutdown_kernel()
        finally:
            notebook.page.context.close()
    shutil.rmtree(notes, ignore_errors=True)
    path = ROOT / "artifacts" / "keyboard-tabs.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(TAB_COUNTS, indent=1))


@pytest.mark.parametrize(
    "stem, name, task", TASKS, ids=[f"{stem[:2]}-{name.replace(' ', '-')}" for stem, name, _ in TASKS]
)
def test_a_task_is_done_with_the_keyboard_alone_and_its_feedback_is_announced(keyboard_lessons, stem, name, task):
    from usvn.data import load_lessons

    number = {lesson.stem: lesson.number for lesson in load_lessons()}[stem]
    notebook = keyboard_lessons(stem)
    keys = Keyboard(notebook.page)
    keys.start(f"{stem}: {name}")
    try:
        task(notebook, keys, number)
    finally:
        notebook.screenshot(f"keyboard-{stem[:2]}-{name.replace(' ', '-')}")
    total = keys.finish()  # every step was held to its bound as it was taken (Keyboard.tab_to)
    print(f"{keys.task}: {total} Tab presses ({len(keys.steps)} steps, at most {max(keys.steps)} in one)")
    assert not problems(notebook)


def problems(notebook: LabNotebook) -> list[str]:
    return [str(problem) for problem in notebook.problems()]


def test_saved_input_comes_back_after_restart_kernel_and_run_all(browser, lab_server):
    """A claim's rating and a quiz answer, chosen in the page, are chosen again in the page after the kernel
    restarts and every cell runs again (the kernel keeps nothing: they come back from my-notes/)."""
    from playwright.sync_api import expect

    from browser.conftest import new_page
    from usvn.claims import load_claims
    from usvn.quiz.model import MultipleChoice, load_quiz

    notes = lab_server.root / "my-notes"
    shutil.rmtree(notes, ignore_errors=True)
    stem = "02-weigh-rights-on-paper-and-in-practice"
    notebook = LabNotebook(new_page(browser), lab_server, f"{stem}.ipynb").open()
    try:
        notebook.run_all()
        source_id = re.search(
            r"show_claims\(\s*[\"']([^\"']+)[\"']", next(s for s in notebook.code_sources() if "show_claims(" in s)
        )[1]
        claim = load_claims(source_id)[0]
        card = notebook.output_of(f'show_claims("{source_id}"').locator(".usvn-claim").first
        card.scroll_into_view_if_needed()
        rating = card.get_by_role("group", name=re.compile("how well supported")).get_by_role(
            "radio", name=claim.rating, exact=True
        )
        rating.check()
        question = next(q for q in load_quiz(2).questions if isinstance(q, MultipleChoice))
        number = load_quiz(2).questions.index(question) + 1
        answer_name = f"Your answer to question {number}"  # exact: not questions 10 and on as well
        answer_group = notebook.output_of("show_quiz(2)").get_by_role("group", name=answer_name, exact=True)
        answer_group.scroll_into_view_if_needed()
        shown = question.label_of(question.wrong_answer())  # options are shown in a fixed shuffle, relabelled a, b...
        answer = answer_group.get_by_role("radio", name=re.compile(rf"^\({re.escape(shown)}\) "))
        answer.check()
        for saved, value in (
            (notes / f"02-claim-{claim.id}.json", claim.rating),
            (notes / f"02-quiz-{question.id}.json", question.wrong_answer()),
        ):
            for _ in range(40):
                if saved.is_file() and f'"{value}"' in saved.read_text():
                    break
                notebook.page.wait_for_timeout(250)
            assert saved.is_file() and f'"{value}"' in saved.read_text(), f"{saved.name} was not saved"

        notebook.page.evaluate(
            """async () => {
                const panel = window.jupyterapp.shell.currentWidget;
                await panel.sessionContext.restartKernel();
            }"""
        )
        notebook.run_all()
        card = notebook.output_of(f'show_claims("{source_id}"').locator(".usvn-claim").first
        card.scroll_into_view_if_needed()
        expect(
            card.get_by_role("group", name=re.compile("how well supported")).get_by_role(
                "radio", name=claim.rating, exact=True
            )
        ).to_be_checked()
        expect(
            notebook.output_of("show_quiz(2)")
            .get_by_role("group", name=answer_name, exact=True)
            .get_by_role("radio", name=re.compile(rf"^\({re.escape(shown)}\) "))
        ).to_be_checked()
        assert not problems(notebook)
    finally:
        notebook.screenshot("restart-restored")
        notebook.shutdown_kernel()
        notebook.page.context.close()
        shutil.rmtree(notes, ignore_errors=True)
