"""The instructor guide and the other docs pages: every lesson covered, generated parts current, links alive."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

import pytest
from conftest import ROOT

from usvn.cli import main
from usvn.course import learning_path_markdown
from usvn.data import DataError, load_data, load_lessons
from usvn.guide import (
    LESSON_SECTIONS,
    PLACEHOLDER,
    generated_pages,
    lesson_page,
    lesson_page_problems,
    lesson_page_template,
    refresh_docs,
    refresh_text,
)

LESSONS = load_lessons()
PAGES = generated_pages(ROOT)
_LINK = re.compile(r"\]\(([^)\s]+)\)")


def test_docs_pages_were_found():
    assert LESSONS and len(PAGES) >= len(LESSONS) + 3


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.stem)
def test_every_lesson_has_a_finished_instructor_page(lesson):
    path = ROOT / lesson_page(lesson)
    assert path.is_file(), f"{lesson_page(lesson)} is missing: run `usvn guide` and write its sections"
    assert lesson_page_problems(path.read_text(encoding="utf-8"), lesson) == []


def test_the_docs_are_current():
    assert refresh_docs(ROOT, check=True).problems == []


@pytest.mark.parametrize("path", PAGES, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_relative_links_and_anchors_resolve(path):
    text = path.read_text(encoding="utf-8")
    anchors = set(re.findall(r'<a id="([^"]+)"', text)) | {
        re.sub(r"[^a-z0-9 -]", "", heading.lower()).replace(" ", "-")
        for heading in re.findall(r"^#+ (.+)$", text, re.M)
    }
    prose = re.sub(r"`[^`\n]*`", "", re.sub(r"```.*?```", "", text, flags=re.S))  # code shows links, not uses them
    targets = _LINK.findall(prose)
    for target in targets:
        if re.match(r"^[a-z]+:", target):
            continue
        file_part, _, anchor = target.partition("#")
        if file_part:
            assert (path.parent / file_part).exists(), f"{path.name} links to missing {file_part}"
        elif anchor:
            assert anchor in anchors, f"{path.name} links to missing anchor #{anchor}"


def test_the_lesson_map_lists_every_quiz_question_under_its_objective():
    lesson = LESSONS[-1]
    text = (ROOT / lesson_page(lesson)).read_text(encoding="utf-8")
    questions = load_data(f"quiz-{lesson.number:02d}.yaml")["questions"]
    assert questions
    rows = {line.split("**")[1]: line for line in text.splitlines() if line.startswith("| **")}
    for question in questions:
        assert f"`{question['id']}`" in rows[question["objective"]]


def test_a_new_lessons_template_is_reported_unfinished_and_gets_its_blocks_filled():
    lesson = LESSONS[0]
    template = lesson_page_template(lesson)
    assert [problem for problem in lesson_page_problems(template, lesson) if PLACEHOLDER in problem]
    filled = refresh_text(template, lesson_page(lesson), ROOT)
    for objective in lesson.objectives:
        assert f"**{objective.id}** {objective.text}" in filled
    assert f"about {lesson.minutes} minutes" in filled
    assert refresh_text(filled, lesson_page(lesson), ROOT) == filled, "refreshing twice must change nothing"
    assert all(f"## {title}" in template for title in LESSON_SECTIONS)


def test_citations_get_registry_labels_and_a_sources_list():
    text = "Tran argues it ([see](#src-tran-2021)).\n\n<!-- usvn:sources -->\n<!-- /usvn:sources -->\n"
    refreshed = refresh_text(text, PurePosixPath("docs/x.md"), ROOT)
    assert "([Tran 2021](#src-tran-2021))" in refreshed
    assert '<a id="src-tran-2021"' in refreshed and "Air University" in refreshed


@pytest.mark.parametrize(
    "text, message",
    [
        ("[x](#src-no-such-source)", "missing from sources.yaml"),
        ("<!-- usvn:lesson-facts -->\n<!-- /usvn:lesson-facts -->", "needs a lesson number"),
        ("<!-- usvn:lesson-facts 98 -->\n<!-- /usvn:lesson-facts -->", "lesson 98 is not in lessons.yaml"),
        ("<!-- usvn:nonsense -->\n<!-- /usvn:nonsense -->", "unknown block"),
    ],
)
def test_bad_pages_are_named(text, message):
    with pytest.raises(DataError, match=message):
        refresh_text(text, PurePosixPath("docs/x.md"), ROOT)


def test_guide_command_starts_missing_pages_and_check_reports_them(tmp_path, capsys):
    (tmp_path / "docs").mkdir()
    assert main(["guide", "--check", "--root", str(tmp_path)]) == 1
    assert "missing" in capsys.readouterr().out
    assert main(["guide", "--root", str(tmp_path)]) == 1  # pages created, sections still to write
    out = capsys.readouterr().out
    assert "created from the template" in out and PLACEHOLDER in out
    for lesson in LESSONS:
        created = (tmp_path / lesson_page(lesson)).read_text(encoding="utf-8")
        assert PLACEHOLDER in created and f"**{lesson.objectives[0].id}**" in created
    assert main(["guide", "--check", "--root", str(tmp_path)]) == 1  # still unfinished
    assert PLACEHOLDER in capsys.readouterr().out


def test_guide_command_needs_a_docs_folder(tmp_path):
    with pytest.raises(SystemExit, match="no docs/ folder"):
        main(["guide", "--root", str(tmp_path)])


def test_links_command_prints_hub_links_and_names_a_bad_hub(capsys):
    assert main(["links", "--hub", "https://hub.example.edu"]) == 0
    out = capsys.readouterr().out
    assert out.count("/hub/user-redirect/git-pull?") == len(LESSONS)
    with pytest.raises(SystemExit, match="not a hub address"):
        main(["links", "--hub", "hub.example.edu"])


def test_a_stale_block_is_reported_then_refreshed(tmp_path):
    page = tmp_path / "docs" / "links.md"
    page.parent.mkdir()
    page.write_text("# Links\n\n<!-- usvn:binder-links -->\nan old table\n<!-- /usvn:binder-links -->\n")
    assert any("links.md: generated parts are stale" in line for line in refresh_docs(tmp_path, check=True).problems)
    assert "docs/links.md: refreshed" in refresh_docs(tmp_path).changed
    assert "an old table" not in page.read_text() and "mybinder.org" in page.read_text()
    assert not any("links.md" in line for line in refresh_docs(tmp_path, check=True).problems)


def _graded(grade_id, objectives, track, *, written=False):
    from nbformat.v4 import new_code_cell, new_markdown_cell

    nbgrader = {
        "grade_id": grade_id,
        "solution": written,
        "grade": True,
        "locked": not written,
        "points": 2,
        "schema_version": 3,
    }
    metadata = {"nbgrader": nbgrader, "usvn": {"objectives": objectives, "track": track}}
    if written:
        return new_markdown_cell("A model answer.\n\n**Rubric** 2 points.", metadata=metadata)
    return new_code_cell("assert True", metadata=metadata)


def _map_of(tmp_path, cells, lesson):
    import nbformat
    from nbformat.v4 import new_notebook

    (tmp_path / "solutions").mkdir()
    nbformat.write(new_notebook(cells=cells), tmp_path / "solutions" / lesson.notebook)
    page = f"<!-- usvn:assessment-map {lesson.number:02d} -->\n<!-- /usvn:assessment-map -->\n"
    text = refresh_text(page, lesson_page(lesson), tmp_path)
    return text, {line.split("**")[1]: line.split(" | ") for line in text.splitlines() if line.startswith("| **")}


def test_the_map_lists_graded_items_by_objective_and_track_and_flags_gaps(tmp_path):
    from nbformat.v4 import new_markdown_cell

    lesson = next(lesson for lesson in LESSONS if len(lesson.objectives) >= 3)
    first, second, third = (objective.id for objective in lesson.objectives[:3])
    cells = [
        _graded("q1-test", [first], "core"),
        _graded("q2", [first, second], "core", written=True),
        new_markdown_cell("## 3. Optional: data-skills track, graded separately"),
        _graded("q3-test", [third], "data-skills"),
    ]
    text, rows = _map_of(tmp_path, cells, lesson)
    assert "`q1-test` (autograded, 2 pt)" in rows[first][2] and "`q2` (written, by hand, 2 pt)" in rows[first][2]
    assert "`q2`" in rows[second][2] and "q1-test" not in rows[second][2]
    assert rows[third][2] == "none" and "`q3-test`" in rows[third][3]
    assert "**Gap:** no core graded item" in rows[third][0] and "no core graded item" not in rows[first][0]
    assert "**Also to fix**" not in text


def test_the_map_says_when_every_objective_is_covered_and_names_cells_to_fix(tmp_path):
    quiz = load_data("quiz-01.yaml")["questions"]
    lesson = LESSONS[1]
    if any(sum(record["objective"] == objective.id for record in quiz) < 2 for objective in lesson.objectives):
        pytest.fail("quiz-01.yaml leaves an objective with fewer than 2 questions; this test needs a covered bank")
    cells = [_graded(f"q{n}", [objective.id], "core", written=True) for n, objective in enumerate(lesson.objectives)]
    del cells[0].metadata["usvn"]["track"]
    cells.append(_graded("q9", [lesson.objectives[0].id], "core", written=True))
    text, rows = _map_of(tmp_path, cells, lesson)
    assert "Every objective has at least 2 quiz questions and 1 core graded item." in text
    assert "- graded item q0: usvn.track is None" in text


def test_the_readme_learning_path_is_a_block_usvn_guide_keeps_current(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"<!-- usvn:learning-path -->\n{learning_path_markdown()}\n<!-- /usvn:learning-path -->" in readme
    (tmp_path / "docs").mkdir()
    stale = readme.replace("| 15 min |", "| 99 min |", 1)
    assert stale != readme
    (tmp_path / "README.md").write_text(stale, encoding="utf-8")
    assert "README.md: generated parts are stale (run `usvn guide`)" in refresh_docs(tmp_path, check=True).problems
    assert "README.md: refreshed" in refresh_docs(tmp_path).changed
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == readme
