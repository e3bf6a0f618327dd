"""The lessons the browser tests cover, and what they do with each lesson's widgets.

To cover a new lesson, add its stem to ``LESSONS`` with the interactions its widgets need. A widget kind
with no interaction yet gets one here: a function that drives the widget through the page (never through
the kernel) and asserts on what the page then shows, registered in ``INTERACTIONS`` with the names whose
calls display that widget (``covers``). A test fails while any lesson in notebooks/ is missing from
``LESSONS``, or shows a widget (a stored ``widget-view`` output) from a cell that calls none of the names
its interactions cover.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass

import nbformat

from browser.lab import LabNotebook

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@dataclass(frozen=True)
class Interaction:
    name: str
    covers: frozenset[str]  # function or class names whose call displays the widget kind
    run: Callable[[LabNotebook, int], None]  # (the open notebook, the lesson number)


# ---------------------------------------------------------------------------------------------------------------
# Quiz (usvn.quiz.widgets.show_quiz): every question, wrong then right, explanation, try again.


def _set_answer(box, question, answer) -> None:
    from usvn.quiz.model import MultipleChoice, MultipleSelect

    if isinstance(question, MultipleChoice):
        label = question.label_of(answer)  # options are shown in a fixed shuffle, relabelled a, b, c...
        box.locator("label.usvn-choice").filter(has_text=re.compile(rf"^\({re.escape(label)}\) ")).locator(
            "input[type=radio]"
        ).check()
    elif isinstance(question, MultipleSelect):
        for label, option in question.shown_options():
            box.get_by_role("checkbox", name=re.compile(rf"^\({re.escape(label)}\) ")).set_checked(option.id in answer)
    else:
        text = f"{answer:g}" if isinstance(answer, float) else str(answer)
        box.locator("input[type=text]").fill(text)


def exercise_quiz(notebook: LabNotebook, lesson_number: int) -> None:
    from playwright.sync_api import expect

    from usvn.quiz.model import load_quiz

    quiz = load_quiz(lesson_number)
    boxes = notebook.output_of(f"show_quiz({lesson_number})").locator(".usvn-quiz-question")
    expect(boxes).to_have_count(len(quiz))
    for number, question in enumerate(quiz.questions, start=1):
        box = boxes.nth(number - 1)
        box.scroll_into_view_if_needed()
        expect(box).to_contain_text(f"Question {number}")
        check = box.get_by_role("button", name="Check answer")
        explain = box.get_by_role("button", name="Show explanation")
        feedback = box.locator(".widget-output [role=alert]")
        expect(explain).to_be_disabled()

        wrong = question.check(question.wrong_answer())
        assert not wrong.correct, f"{question.id}: the bank's wrong answer is judged correct"
        _set_answer(box, question, question.wrong_answer())
        _press_until(check, feedback, str(wrong))
        expect(explain).to_be_enabled()

        _set_answer(box, question, question.correct_answer())
        _press_until(check, feedback, "Correct.")
        expect(feedback).to_contain_text("(attempt ")

        explain.click()
        expect(feedback).to_contain_text("Answer:")
        expect(feedback.locator('a[href^="#src-"]')).to_have_count(len(question.sources))

        box.get_by_role("button", name="Try again").click()
        expect(feedback).to_have_count(0)
    notebook.screenshot_of(boxes.first, "quiz")


# ---------------------------------------------------------------------------------------------------------------
# Timeline explorer (usvn.widgets.TimelineExplorer): themes and years change the chart's alt text and the list.


def _timeline_state(explorer) -> tuple[str | None, list[str]]:
    images = explorer.locator("img")
    alt = images.first.get_attribute("alt") if images.count() else None
    return alt, explorer.locator("ol.usvn-events > li").all_inner_texts()


def exercise_timeline(notebook: LabNotebook, lesson_number: int) -> None:
    from playwright.sync_api import expect

    explorer = notebook.output_of("TimelineExplorer(")
    explorer.scroll_into_view_if_needed()
    alt_all, items_all = _timeline_state(explorer)
    assert alt_all and items_all, "the explorer shows no chart or no events before any change"
    assert f"Timeline chart of {len(items_all)} numbered events" in alt_all, alt_all

    for label in explorer.locator("label.widget-label-basic").all():
        if not label.inner_text().startswith("Security"):
            label.locator("input[type=checkbox]").uncheck()
    security = explorer.locator("ol.usvn-events > li")
    # Wait for the chart of the security events alone (counted from the data the lesson shows).
    from usvn.data import load_timeline
    from usvn.timeline import filter_events, year_bounds

    n_security = len(filter_events(load_timeline(), {"security"}, year_bounds(load_timeline())))
    expect(explorer.locator("img")).to_have_attribute(
        "alt",
        re.compile(rf"^Timeline chart of {n_security} numbered events .*Security \(triangles\): {n_security}[.;]"),
    )
    alt_security, items_security = _timeline_state(explorer)
    assert 0 < len(items_security) < len(items_all)
    assert all("Security" in item for item in items_security), items_security
    assert f"Timeline chart of {len(items_security)} numbered events" in alt_security
    # Every event shown carries Security; an event that also carries another theme appears in that row too,
    # so the alt text counts Security for every event, and no row for a theme no security event carries.
    assert f"Security (triangles): {len(items_security)}" in alt_security, alt_security
    assert "Trade (squares)" not in alt_security
    expect(security).to_have_count(len(items_security))

    first_year = int(re.match(r"\D*(\d{4})", items_security[0])[1])
    start = explorer.get_by_role("spinbutton", name="From year")  # labelled; stepped with the arrow keys
    start.focus()
    for _ in range(first_year + 1 - int(start.input_value())):
        notebook.page.keyboard.press("ArrowUp")
    notebook.page.keyboard.press("Enter")
    expect(start).to_have_value(str(first_year + 1))
    expect(security).not_to_have_count(len(items_security))
    alt_later, items_later = _timeline_state(explorer)
    years = [int(re.match(r"\D*(\d{4})", item)[1]) for item in items_later]
    assert years and min(years) > first_year, (first_year, items_later)
    assert f"Timeline chart of {len(items_later)} numbered events" in alt_later

    explorer.locator("label.widget-label-basic").filter(has_text=re.compile("^Security")).locator(
        "input[type=checkbox]"
    ).uncheck()
    expect(explorer).to_contain_text("Nothing to show")
    expect(explorer.locator("img")).to_have_count(0)

    explorer.get_by_role("button", name="Show everything").click()
    expect(security).to_have_count(len(items_all))
    expect(explorer.locator("img")).to_have_attribute("alt", alt_all)
    notebook.screenshot_of(explorer, "timeline")


# ---------------------------------------------------------------------------------------------------------------
# Reflection prompt (usvn.widgets.ReflectionPrompt): too short, then long enough; the answer is saved.


def exercise_reflection(notebook: LabNotebook, lesson_number: int) -> None:
    from playwright.sync_api import expect

    from usvn.reflection import load_reflection

    for source in notebook.code_sources():
        for reflection_id in re.findall(r"ReflectionPrompt\(\s*[\"']([^\"']+)[\"']", source):
            reflection = load_reflection(reflection_id)
            prompt = notebook.output_of(f'ReflectionPrompt("{reflection_id}"')
            prompt.scroll_into_view_if_needed()
            answer = prompt.get_by_role("textbox", name="Your answer")
            compare = prompt.get_by_role("button", name="Compare with the module's notes")
            feedback = prompt.locator(".widget-output [role=alert]")
            answer.fill("Too short to say.")
            _press_until(compare, feedback, "Not yet.")
            expect(feedback.locator("li")).to_have_count(0)

            words = (
                "The claim was accurate for 2021 but later events overtook it, so the upgrade shows a "
                "change of circumstances rather than an error; it does not show that distrust has gone. "
            )
            while len(words.split()) < reflection.min_words:
                words += words
            answer.fill(words)
            _press_until(compare, feedback, "saved in")
            expect(feedback.locator("li")).to_have_count(len(reflection.points))
            saved = list((notebook.server.root / "my-notes").glob(f"*{reflection_id}*"))
            assert saved and words.strip() in saved[0].read_text(), "the answer was not saved beside the notebook"
            notebook.screenshot_of(prompt, f"reflection-{reflection_id}")


# ---------------------------------------------------------------------------------------------------------------
# Close reading (usvn.widgets.claims.show_claims): for the first claim of each text, compare before answering
# (nothing revealed), then a tag the module does not accept, then the module's own tag and rating.


def _press_until(button, feedback, text: str, tries: int = 3) -> None:
    """Press ``button`` until ``feedback`` contains ``text``; the buttons pressed this way are idempotent.

    Under load ipywidgets may deliver a button's click to the kernel before the value change of a control
    changed just before it (state updates wait behind unacknowledged ones; clicks do not), so the first
    press can be judged on the previous value. Pressing again once the values have arrived is what a
    student would do, and the assertion still needs the right text in the end.
    """
    from playwright.sync_api import expect

    for _ in range(tries - 1):
        button.click()
        try:
            expect(feedback).to_contain_text(text, timeout=4000)
            return
        except AssertionError:
            continue
    button.click()
    expect(feedback).to_contain_text(text)


def _choose(group, text: str) -> None:
    """Tick the radio button whose label is ``text`` (a whole label, or the part before its first colon)."""
    group.locator("label.usvn-choice").filter(has_text=re.compile(rf"^{re.escape(text)}(:|$)")).locator(
        "input[type=radio]"
    ).check()


def exercise_claims(notebook: LabNotebook, lesson_number: int) -> None:
    from playwright.sync_api import expect

    from usvn.claims import EVIDENCE_KINDS, load_claims

    calls = [
        match
        for source in notebook.code_sources()
        for match in re.findall(r"show_claims\(\s*[\"']([^\"']+)[\"'][^)]*\)", source)
    ]
    assert calls, "this lesson lists claims, but no show_claims(...) call was found"
    for source_id in calls:
        claims = load_claims(source_id)
        cards = notebook.output_of(f'show_claims("{source_id}"').locator(".usvn-claim")
        expect(cards).to_have_count(len(claims))
        claim, card = claims[0], cards.first
        card.scroll_into_view_if_needed()
        compare = card.get_by_role("button", name="Compare with the module")
        feedback = card.locator(".widget-output [role=alert]")

        compare.click()
        expect(feedback).to_contain_text("Not yet: choose the kind of evidence")
        expect(feedback).not_to_contain_text("The module's reading")

        groups = card.locator("fieldset.usvn-choices")
        accepted = {claim.evidence_kind, *(item.kind for item in claim.also_defensible)}
        other = next(kind for kind in EVIDENCE_KINDS if kind not in accepted)
        _choose(groups.nth(0), other)
        _press_until(compare, feedback, "Not yet: rate how well")

        _choose(groups.nth(1), claim.rating)
        _press_until(compare, feedback, "Your tag differs from the module's.")
        expect(feedback).to_contain_text(f"the module tags it '{claim.evidence_kind}'")
        expect(feedback.locator('a[href^="#src-"]')).to_have_count(len(claim.sources))

        _choose(groups.nth(0), claim.evidence_kind)
        _press_until(compare, feedback, "Your tag matches the module's.")
        expect(feedback).to_contain_text(f"both rate it '{claim.rating}'")
        notebook.screenshot_of(card, f"claims-{source_id}")


# ---------------------------------------------------------------------------------------------------------------
# Case explorer (usvn.widgets.leverage.CaseExplorer): nothing coded, two cases coded (one differently), then all.


def exercise_case_explorer(notebook: LabNotebook, lesson_number: int) -> None:
    from playwright.sync_api import expect

    from usvn.leverage import channel_label, load_cases, outcome_label

    cases = load_cases()
    explorer = notebook.output_of("CaseExplorer(")
    cards = explorer.locator(".usvn-case")
    expect(cards).to_have_count(len(cases))
    compare = explorer.get_by_role("button", name="Compare my coding with the module's")
    feedback = explorer.locator(".widget-output [role=alert]")
    chart = explorer.locator("img")

    compare.scroll_into_view_if_needed()
    compare.click()
    expect(feedback).to_contain_text("Nothing to compare yet")
    expect(chart).to_have_count(0)

    def code(index: int, channel: str, outcome: str) -> None:
        groups = cards.nth(index).locator("fieldset.usvn-choices")
        _choose(groups.nth(0), channel_label(channel))
        _choose(groups.nth(1), outcome_label(outcome))

    first, second = cases[0], cases[1]
    moved_to = next(channel for channel in ("bilateral", "multilateral") if channel != first.channel)
    code(0, moved_to, first.outcome)
    code(1, second.channel, second.outcome)
    _press_until(compare, feedback, f"You coded 2 of {len(cases)} cases; 1 sit where the module puts them")
    expect(feedback).to_contain_text(f"case 3 ({cases[2].title}) needs channel and outcome")
    expect(chart).to_have_attribute("alt", re.compile(rf"^Chart placing 2 of {len(cases)} leverage cases"))
    expect(chart).to_have_attribute("alt", re.compile(rf"case 1 you coded {channel_label(moved_to).lower()}"))
    reasons = explorer.locator("ol > li")
    expect(reasons).to_have_count(2)
    expect(reasons.first).to_contain_text(f"Case 1, {first.title}")
    notebook.screenshot_of(chart, "case-explorer")

    for index, case in enumerate(cases):
        code(index, case.channel, case.outcome)
    _press_until(compare, feedback, f"{len(cases)} sit where the module puts them")
    expect(chart).to_have_attribute("alt", re.compile(rf"puts {len(cases)} of {len(cases)} in the same place\.$"))


# ---------------------------------------------------------------------------------------------------------------
# Structured argument (usvn.widgets.leverage.ArgumentBuilder): empty, then complete; saved beside the notebook.


def exercise_argument(notebook: LabNotebook, lesson_number: int) -> None:
    from playwright.sync_api import expect

    from usvn.leverage import channel_label, load_asks, load_cases

    for ask_id in {
        match
        for source in notebook.code_sources()
        for match in re.findall(r"ArgumentBuilder\(\s*[\"']([^\"']+)[\"']", source)
    }:
        ask, cases = load_asks()[ask_id], load_cases()
        builder = notebook.output_of(f'ArgumentBuilder("{ask_id}"').locator(".usvn-argument")
        check = builder.get_by_role("button", name="Check my argument's structure")
        feedback = builder.locator(".widget-output [role=alert]")
        check.scroll_into_view_if_needed()
        check.click()
        expect(feedback).to_contain_text("Not yet. Choose a channel")
        expect(feedback).to_contain_text("Select at least one counter-case")

        note = ask.notes[0]
        _choose(builder.locator("fieldset.usvn-choices").first, channel_label(note.channel))
        numbers = {case.id: number for number, case in enumerate(cases, start=1)}
        titles = {case.id: case.title for case in cases}
        supporting = [case.id for case in cases if case.id not in note.cases[-1:]][:2]
        builder.get_by_role("listbox", name="Cases that support your choice (at least two)").select_option(
            label=[f"Case {numbers[case_id]}: {titles[case_id]}" for case_id in supporting]
        )
        counter = note.cases[-1]
        builder.get_by_role("listbox", name="Counter-cases, which cut against it (at least one)").select_option(
            label=[f"Case {numbers[counter]}: {titles[counter]}"]
        )
        words = " ".join(["Each case shows what Vietnam wanted at the time and what the ask cost the Party."] * 4)
        builder.get_by_role("textbox", name="Your justification").fill(words)
        _press_until(check, feedback, "It is not graded")
        expect(feedback).to_contain_text(f"{channel_label(note.channel)} (your channel)")
        saved = notebook.server.root / "my-notes" / f"03-argument-{ask_id}.json"
        assert saved.is_file() and words in saved.read_text(), "the argument was not saved beside the notebook"
        notebook.screenshot_of(builder, f"argument-{ask_id}")


# Margin calculator (usvn.widgets.MarginCalculator): bad inputs get messages, the surrogate moves the margin.


def exercise_margin(notebook: LabNotebook, lesson_number: int) -> None:
    from playwright.sync_api import expect

    calculator = notebook.output_of("MarginCalculator(")
    calculator.scroll_into_view_if_needed()
    feedback = calculator.locator(".widget-output [role=alert]")
    expect(calculator.locator("img")).to_have_attribute(
        "alt", re.compile("^Bar chart of the illustrative dumping margin")
    )
    price = calculator.get_by_role("textbox", name="Export price (US dollars)")
    calculate = calculator.get_by_role("button", name="Calculate")
    for typed, message in [
        ("0", "must be above zero"),
        ("forty", "'forty' is not a number"),
        ("-3", "cannot be negative"),
        ("", "is empty"),
    ]:
        price.fill(typed)
        calculate.click()
        expect(feedback).to_contain_text(message)
        expect(calculator.locator(".widget-output img")).to_have_count(0)
    price.fill("40")
    calculator.get_by_role("textbox", name="Labor (hours)").fill("two")
    calculate.click()
    expect(feedback).to_contain_text("'two' is not a number")
    calculator.get_by_role("button", name="Back to the example").click()
    expect(feedback).to_contain_text("Surrogate A (hypothetical): No dumping")
    calculator.get_by_role("group", name="Surrogate country").get_by_role(
        "radio", name="Surrogate B (hypothetical)"
    ).check()
    expect(feedback).to_contain_text("Surrogate B (hypothetical): Dumping margin of 30.5%")
    expect(feedback.locator("table caption")).to_contain_text("Surrogate B (hypothetical)")
    expect(calculator.locator(".widget-output img")).to_have_attribute(
        "alt", re.compile(r"Surrogate B \(hypothetical\) \(your choice\)")
    )
    notebook.screenshot_of(calculator, "margin")


# ---------------------------------------------------------------------------------------------------------------
# Evidence scorecard (usvn.widgets.EvidenceScorecard): unrated, complete, compared, weights at zero by keyboard.


def exercise_scorecard(notebook: LabNotebook, lesson_number: int) -> None:
    from playwright.sync_api import expect

    from usvn.criteria import load_criteria

    factors = load_criteria().factors
    scorecard = notebook.output_of("EvidenceScorecard(")
    scorecard.scroll_into_view_if_needed()
    feedback = scorecard.locator(".widget-output [role=alert]")
    show = scorecard.get_by_role("button", name="Show my scorecard")
    compare = scorecard.get_by_role("button", name="Compare with Commerce")
    show.click()
    expect(feedback).to_contain_text("No rating yet for: (i) Currency convertibility")
    compare.click()
    expect(feedback).to_contain_text("Finish your own scorecard")
    for factor, rating in zip(factors, (2, 1, 3, 2, 2, 4)):
        scorecard.get_by_role("group", name=f"Rating ({factor.number}): {factor.title}").get_by_role("radio").nth(
            rating - 1
        ).check()
        scorecard.get_by_role("textbox", name=f"Reason ({factor.number})").fill("The US finding outweighs the claim.")
    show.click()
    expect(feedback).to_contain_text("Your weighted average is 2.3")
    expect(feedback.locator("img")).to_have_attribute("alt", re.compile("^Horizontal bar chart of your ratings"))
    compare.click()
    expect(feedback.locator("table")).to_contain_text("Found continuing state control")
    expect(feedback.locator("table tbody tr")).to_have_count(len(factors))
    for factor in factors:  # every weight down to zero, from the keyboard
        weight = scorecard.get_by_role("spinbutton", name=f"Weight ({factor.number})")
        weight.focus()
        notebook.page.keyboard.press("ArrowDown")
        notebook.page.keyboard.press("Enter")
        expect(weight).to_have_value("0")
    show.click()
    expect(feedback).to_contain_text("Your weights add up to zero")
    expect(feedback.locator("img")).to_have_count(0)
    notebook.screenshot_of(scorecard, "scorecard")


# ---------------------------------------------------------------------------------------------------------------
# Memo editor (usvn.widgets.memo.MemoEditor): incomplete, then complete; the draft is saved beside the notebook.


def exercise_memo(notebook: LabNotebook, lesson_number: int) -> None:
    from playwright.sync_api import expect

    from usvn.memo import evidence_catalogue, load_memo_template

    template = load_memo_template()
    editor = notebook.output_of("MemoEditor(")
    editor.scroll_into_view_if_needed()
    feedback = editor.locator(".widget-output [role=alert]")
    check = editor.get_by_role("button", name="Check my memo")
    check.click()
    expect(feedback).to_contain_text("Not ready yet")
    expect(feedback.locator("li")).to_have_count(len(template.sections) + 1)  # every section, and the evidence
    for section in template.sections:
        editor.get_by_role("textbox", name=section.title, exact=True).fill(
            " ".join([section.id.replace("-", "")] * (section.min_words + 2))
        )
    chosen = {item.id: item for item in evidence_catalogue()}
    picks = ["01:2023-comprehensive-strategic-partnership", "04:wages-commerce", "02:c87-delayed"]
    editor.get_by_role("listbox", name="Evidence").select_option(label=[chosen[pick].option_label for pick in picks])
    expect(editor.locator(".widget-html ul li")).to_have_count(len(picks))
    check.click()
    expect(feedback).to_contain_text("Every section is written")
    saved = notebook.server.root / "my-notes" / "05-memo.md"
    assert saved.is_file() and all(f"[{pick}]" in saved.read_text() for pick in picks), "the draft was not saved"
    notebook.screenshot_of(editor, "memo")


# ---------------------------------------------------------------------------------------------------------------
# Rubric self-check (usvn.widgets.memo.RubricSelfCheck): nothing chosen, then a level on every criterion.


def exercise_rubric(notebook: LabNotebook, lesson_number: int) -> None:
    from playwright.sync_api import expect

    from usvn.rubrics import load_rubric

    rubric = load_rubric("memo")
    check = notebook.output_of("RubricSelfCheck(")
    check.scroll_into_view_if_needed()
    feedback = check.locator(".widget-output [role=alert]")
    score = check.get_by_role("button", name="Score my draft")
    score.click()
    expect(feedback).to_contain_text("Not scored yet. Choose a level for every criterion.")
    level = rubric.levels[2]
    radios = check.get_by_role("radio", name=f"{level.label} ({level.points:g})")
    expect(radios).to_have_count(len(rubric.criteria))
    for index in range(len(rubric.criteria)):
        radios.nth(index).check()
    score.click()
    expect(feedback).to_contain_text(f"{level.points * len(rubric.criteria):g} of {rubric.max_points:g} points")
    expect(feedback.locator("li")).to_have_count(len(rubric.criteria))
    notebook.screenshot_of(check, "rubric")


# ---------------------------------------------------------------------------------------------------------------
# Rate explorer (usvn.widgets.leverage.RateExplorer): the first nine cases, then every case; drawn on the button.


def exercise_rate_explorer(notebook: LabNotebook, lesson_number: int) -> None:
    from playwright.sync_api import expect

    from usvn.leverage import compare_schemes, load_cases, original_cases

    rates = notebook.output_of("RateExplorer(").locator(".usvn-rates")
    show = rates.get_by_role("button", name="Show the rates for the selected cases")
    feedback = rates.locator(".widget-output [role=alert]")
    chart = rates.locator("img")
    rates.get_by_role("button", name="Start from the first version's nine cases").click()
    expect(chart).to_have_count(0)
    first = compare_schemes(original_cases(), include_non_pressure=True)[0]
    _press_until(show, feedback, f"Rates for {len(original_cases())} selected cases")
    expect(chart).to_have_attribute(
        "alt", re.compile(re.escape(f"The module's coding: bilateral {first.for_channel('bilateral').describe()}"))
    )
    expect(rates.locator("table caption")).to_have_count(1)
    notebook.screenshot_of(chart, "rate-explorer")
    rates.get_by_role("button", name="Select every case").click()
    every = compare_schemes(load_cases())[0]
    _press_until(show, feedback, f"Rates for {len(load_cases())} selected cases")
    expect(chart).to_have_attribute("alt", re.compile(rf"{len(every.counted)} counted cases"))


# Download my work (usvn.download.download_button, the generated last cell of every lesson): press it, follow the
# link, and read the zip the browser downloads.


def exercise_download(notebook: LabNotebook, lesson_number: int) -> None:
    import io
    import zipfile

    from playwright.sync_api import expect

    cell = notebook.output_of("download_button()")
    cell.scroll_into_view_if_needed()
    cell.get_by_role("button", name="Download my work").click()
    link = cell.locator("a.usvn-download-link")
    expect(link).to_be_visible(timeout=30_000)
    expect(cell.locator(".widget-output [role=alert]")).to_contain_text("Your zip is ready")
    with notebook.page.expect_download(timeout=30_000) as event:
        link.click()
    assert event.value.failure() is None and event.value.suggested_filename.startswith("usvn-my-work-")
    with zipfile.ZipFile(io.BytesIO(event.value.path().read_bytes())) as archive:
        assert any(name.endswith(notebook.name) for name in archive.namelist()), archive.namelist()
    notebook.screenshot_of(cell, "download")


INTERACTIONS = {
    interaction.name: interaction
    for interaction in (
        Interaction("quiz", frozenset({"show_quiz"}), exercise_quiz),
        Interaction("timeline", frozenset({"TimelineExplorer"}), exercise_timeline),
        Interaction("reflection", frozenset({"ReflectionPrompt"}), exercise_reflection),
        Interaction("claims", frozenset({"show_claims"}), exercise_claims),
        Interaction("case-explorer", frozenset({"CaseExplorer"}), exercise_case_explorer),
        Interaction("argument", frozenset({"ArgumentBuilder"}), exercise_argument),
        Interaction("rate-explorer", frozenset({"RateExplorer"}), exercise_rate_explorer),
        Interaction("margin", frozenset({"MarginCalculator"}), exercise_margin),
        Interaction("scorecard", frozenset({"EvidenceScorecard"}), exercise_scorecard),
        Interaction("memo", frozenset({"MemoEditor"}), exercise_memo),
        Interaction("rubric", frozenset({"RubricSelfCheck"}), exercise_rubric),
        Interaction("download", frozenset({"download_button"}), exercise_download),
    )
}

#: Every lesson in notebooks/, with the interactions its widgets need. Add new lessons here.
LESSONS: dict[str, tuple[str, ...]] = {
    "00-how-to-use-this-module": ("quiz",),
    "01-trace-us-vietnam-relations": ("timeline", "reflection", "quiz"),
    "02-weigh-rights-on-paper-and-in-practice": ("claims", "quiz"),
    "03-test-which-leverage-worked": ("case-explorer", "reflection", "rate-explorer", "argument", "quiz"),
    "04-weigh-the-market-economy-criteria": ("margin", "scorecard", "quiz"),
    "05-write-a-policy-memo": ("memo", "rubric", "reflection", "quiz"),
}
# Every lesson ends with the generated "Download my work" button (usvn.authoring.download_cell).
LESSONS = {stem: (*interactions, "download") for stem, interactions in LESSONS.items()}


def called_names(source: str) -> set[str]:
    """Names called in a code cell: ``show_quiz(1)`` gives ``show_quiz``, ``usvn.widgets.X()`` gives ``X``.

    >>> sorted(called_names("show_quiz(1)\\nw = widgets.TimelineExplorer(events)"))
    ['TimelineExplorer', 'show_quiz']
    """
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            function = node.func
            if isinstance(function, ast.Name):
                names.add(function.id)
            elif isinstance(function, ast.Attribute):
                names.add(function.attr)
    return names


def uncovered_widget_cells(path, interactions: tuple[str, ...]) -> list[str]:
    """Code cells of a stored notebook that display a widget no listed interaction exercises."""
    covered = set().union(*(INTERACTIONS[name].covers for name in interactions)) if interactions else set()
    uncovered = []
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type != "code":
            continue
        shows_widget = any(WIDGET_VIEW in output.get("data", {}) for output in cell.get("outputs", []))
        if shows_widget and not called_names(cell.source) & covered:
            uncovered.append(f"cell {index}: {cell.source.strip()[:80]!r}")
    return uncovered
