"""The static site (`make site`): every lesson readable without a kernel, and accessible.

The site is built once per session with the same command `make site` runs (``usvn site``), into a temporary
folder. The first tests read the HTML; the browser tests open each page from disk in Chromium, with every
request off the machine refused, run axe-core on it, open a folded answer with the keyboard, and keep a
screenshot.
"""

from __future__ import annotations

import re

import pytest

from browser.lab import AXE_IMPACTS_THAT_FAIL, ROOT, SCREENSHOTS, format_findings, record_axe, run_axe
from usvn.authoring import binder_url
from usvn.cli import main
from usvn.data import load_lessons
from usvn.quiz.model import load_quiz

LESSONS = load_lessons()
PAGES = ["index", *(lesson.stem for lesson in LESSONS)]
#: Parts of a page that are the module's own content; the rest is nbconvert's template (prompts, code cells).
SITE_CONTENT = ".jp-RenderedHTMLCommon, .jp-OutputArea-output, .usvn-static-note"


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    assert main(["site", str(ROOT / "notebooks"), "--out", str(out)]) == 0
    return out


def read(site, name: str) -> str:
    return (site / f"{name}.html").read_text(encoding="utf-8")


def test_index_follows_the_learning_path_with_a_binder_link_per_lesson(site):
    assert LESSONS, "the learning path is empty"
    index = read(site, "index")
    positions = [index.find(f'href="{lesson.stem}.html"') for lesson in LESSONS]
    assert -1 not in positions and positions == sorted(positions), "lessons missing or out of order on the index"
    for lesson in LESSONS:
        assert (site / f"{lesson.stem}.html").is_file()
        assert f'href="{binder_url(f"notebooks/{lesson.notebook}")}"' in index
        assert lesson.title in index


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.stem)
def test_lesson_page_says_interaction_needs_a_kernel_and_links_binder(site, lesson):
    page = read(site, lesson.stem)
    note = re.search(r'<header class="usvn-static-note">(.*?)</header>', page, re.S)
    assert note, "the page has no note on what a static copy cannot do"
    assert "Binder" in note[1] and "JupyterLab" in note[1]
    assert f'href="{binder_url(f"notebooks/{lesson.notebook}")}"' in note[1]
    assert not re.search(r'href="\d\d-[^"]*\.ipynb', page), "a link still points at a notebook, not a page"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.stem)
def test_quizzes_are_readable_with_answers_folded_and_no_widget_placeholders(site, lesson):
    page = read(site, lesson.stem)
    assert "application/vnd.jupyter.widget-view+json" not in page, "a widget view was exported instead of its fallback"
    notebook_source = (ROOT / "notebooks" / lesson.notebook).read_text()
    if f"show_quiz({lesson.number})" in notebook_source:
        quiz = load_quiz(lesson.number)
        assert page.count('<div class="usvn-quiz"') == len(quiz)
        for question in quiz.questions:
            assert f'id="quiz-{question.id}"' in page
        unfolded = re.sub(r"<details>.*?</details>", "", page, flags=re.S)
        assert page.count("<strong>Answer:</strong>") >= len(quiz)
        assert "<strong>Answer:</strong>" not in unfolded, "an answer is shown outside its fold"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.stem)
def test_instructor_only_key_checks_and_their_labels_are_left_out(site, lesson):
    notebook_source = (ROOT / "notebooks" / lesson.notebook).read_text()
    page = read(site, lesson.stem)
    assert "key_check" in notebook_source, f"{lesson.notebook} has no key-check cell to leave out"
    assert "key_check" not in page and "Answer-key check" not in page
    assert "For instructors:" not in page
    if f"show_quiz({lesson.number})" in notebook_source:
        assert '<div class="usvn-quiz"' in page, "the quiz itself must stay"


def test_a_cell_tagged_remove_cell_is_dropped_and_its_neighbours_kept(tmp_path):
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    from usvn.site import _exporter

    notebook = new_notebook(
        cells=[
            new_markdown_cell("Kept before."),
            new_markdown_cell("Secret label", metadata={"tags": ["remove-cell"]}),
            new_code_cell("print('hidden code')", metadata={"tags": ["remove-cell"]}),
            new_markdown_cell("Kept after."),
        ]
    )
    html, _ = _exporter().from_notebook_node(notebook, resources={"usvn_note": ""})
    assert "Kept before." in html and "Kept after." in html
    assert "Secret label" not in html and "hidden code" not in html


@pytest.mark.parametrize("name", PAGES)
def test_every_image_on_the_site_has_real_alt_text(site, name):
    page = read(site, name)
    assert "No description has been provided for this image" not in page
    for tag in re.findall(r"<img\b[^>]*>", page):
        alt = re.search(r'alt="([^"]*)"', tag)
        assert alt and len(alt[1].strip()) >= 40, f"{name}: image without a real alt text: {tag[:100]}"
    if name.startswith("01"):
        assert re.search(r"<img\b", page), "lesson 01 draws a timeline, but its page has no image"


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_nothing_serious_on_the_static_page(site, page, axe_source, name, record_property):
    page.goto((site / f"{name}.html").as_uri())
    violations = run_axe(page, axe_source)
    ours, template = [], []
    for violation in violations:
        for node in violation["nodes"]:
            inside = page.evaluate(
                "([target, content]) => !!document.querySelector(target)?.closest(content)",
                [node["target"], SITE_CONTENT],
            )
            finding = {"id": violation["id"], "impact": violation["impact"], "help": violation["help"], **node}
            (ours if inside else template).append(finding)
    record_axe(f"site-{name}", ours, template, "nbconvert's template")
    record_property("axe_ours", len(ours))
    failing = [finding for finding in ours + template if finding["impact"] in AXE_IMPACTS_THAT_FAIL]
    assert not failing, f"axe: serious or critical findings on {name}.html:\n{format_findings(failing)}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"site-{name}.png"))


def test_a_folded_answer_opens_with_the_keyboard(site, page):
    from playwright.sync_api import expect

    page.goto((site / f"{LESSONS[0].stem}.html").as_uri())
    summary = page.locator(".usvn-quiz summary").first
    for _ in range(80):
        if summary.evaluate("element => element === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(summary).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".usvn-quiz details").first).to_have_attribute("open", "")
    expect(page.locator(".usvn-quiz details").first).to_contain_text("Answer:")
