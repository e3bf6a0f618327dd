"""The README and the pages in ``docs/``: generated blocks kept current from the course data.

This is the one generator of text that repeats course data in Markdown (lesson notebooks' repeated cells are
:func:`usvn.authoring.apply_generated_cells`; they carry ``metadata.usvn.generated`` instead of markers).
A page mixes hand-written text with generated blocks between markers::

    <!-- usvn:lesson-facts 01 -->
    (generated: time, notebook links, objectives from lessons.yaml)
    <!-- /usvn:lesson-facts -->

:func:`refresh_page` rewrites every block from the data and gives each citation link its registry label,
so running it twice changes nothing. Blocks:

- ``lesson-facts NN``: time, notebook and Binder links, objectives with their ids;
- ``assessment-map NN``: per objective, its quiz questions and its graded exercise items (core and data-skills
  tracks, from the ``usvn`` metadata of ``solutions/``), with any gap flagged (see :mod:`usvn.coverage`), then
  the write-then-compare prompts and the exercise's tasks;
- ``learning-path``: every lesson with its time and objectives (the README's learning path);
- ``lesson-index``: every lesson with its time and instructor page (for the guide's front page);
- ``self-study-path``: every lesson with its time, summary and Binder link (for students);
- ``binder-links``: every lesson's Binder link (for the deployment page);
- ``sources``: the full reference of every source the page cites, with the anchors citations jump to.

A lesson's instructor page is ``docs/instructor/<stem>.md``; :func:`lesson_page_template` starts one.

>>> refresh_text("Intro.\\n<!-- usvn:binder-links -->\\nold\\n<!-- /usvn:binder-links -->\\n").splitlines()[2]
'| No. | Lesson | Minutes | Binder |'
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import nbformat

from usvn.authoring import binder_url, label_citations, sources_cell
from usvn.course import MINUTES, NUMBER, Column, learning_path_markdown, lesson_table
from usvn.coverage import MIN_CORE, MIN_QUIZ, lesson_problems, module_coverage
from usvn.data import DataError, Lesson, data_files, load_data, load_lessons
from usvn.deploy import lesson_links_markdown

__all__ = [
    "DocsReport",
    "INSTRUCTOR_DIR",
    "LESSON_SECTIONS",
    "lesson_page",
    "lesson_page_problems",
    "lesson_page_template",
    "generated_pages",
    "refresh_docs",
    "refresh_page",
    "refresh_text",
]

INSTRUCTOR_DIR = PurePosixPath("docs/instructor")
#: The hand-written sections every lesson page has, in order (the test checks them).
LESSON_SECTIONS = (
    "Before class",
    "50-minute session",
    "75-minute session",
    "Discussion prompts and what good answers contain",
    "Common misconceptions",
    "How the quiz and exercises map to the objectives",
)
PLACEHOLDER = "TO WRITE:"

_BLOCK = re.compile(
    r"<!-- usvn:(?P<name>[a-z-]+)(?: (?P<arg>[0-9]{2}))? -->\n(?P<body>.*?)<!-- /usvn:(?P=name) -->", re.S
)
_CITATION = re.compile(r"\(#src-([a-z0-9]+(?:-[a-z0-9]+)*)\)")
_TASK = re.compile(r"^## [0-9]+\. ")
_TYPES = {
    "multiple_choice": "multiple choice",
    "multiple_select": "multiple select",
    "numeric": "number",
    "short_text": "short answer",
}


def _relative(page: PurePosixPath, target: str) -> str:
    """A link from ``page`` (relative to the repository's top folder) to ``target`` (likewise)."""
    return PurePosixPath(os.path.relpath(target, start=str(page.parent))).as_posix()


def _lesson(number: int) -> Lesson:
    for lesson in load_lessons():
        if lesson.number == number:
            return lesson
    raise DataError(f"lesson {number:02d} is not in lessons.yaml; a docs page names it in a usvn block.")


def lesson_page(lesson: Lesson) -> PurePosixPath:
    return INSTRUCTOR_DIR / f"{lesson.stem}.md"


# --------------------------------------------------------------------------- blocks


def _lesson_facts(lesson: Lesson, page: PurePosixPath) -> str:
    notebook = f"notebooks/{lesson.notebook}"
    lines = [
        f"**Time:** about {lesson.minutes} minutes for a first reading with the quiz "
        f"(from `lessons.yaml`). **Notebook:** [{notebook}]({_relative(page, notebook)}) · "
        f"[open on Binder]({binder_url(notebook)})",
        "",
        f"**In the notebook's words:** {lesson.summary}",
        "",
        "**Objectives** (the quiz and the exercises name them by id):",
        "",
    ]
    lines += [f"- **{objective.id}** {objective.text}" for objective in lesson.objectives]
    return "\n".join(lines)


def _exercise(lesson: Lesson, page: PurePosixPath, root: Path) -> list[str]:
    """The graded exercise's tasks and points, read from its solution notebook (empty if it has none)."""
    solution = root / "solutions" / lesson.notebook
    if not solution.is_file():
        return []
    notebook = nbformat.read(solution, as_version=4)
    tasks = [
        cell.source.splitlines()[0][3:]
        for cell in notebook.cells
        if cell.cell_type == "markdown" and _TASK.match(cell.source)
    ]
    graded = [cell for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("grade")]
    points = sum(cell.metadata["nbgrader"].get("points", 0) for cell in graded)
    by_hand = sum(cell.metadata["nbgrader"].get("points", 0) for cell in graded if cell.cell_type == "markdown")
    link = f"[exercises/{lesson.notebook}]({_relative(page, f'exercises/{lesson.notebook}')})"
    lines = [
        f"Graded exercise: {link}, {len(tasks)} tasks, {points:g} points ({by_hand:g} graded by hand); "
        f"how to grade it: [grading guide]({_relative(page, 'docs/grading-guide.md')}).",
        "",
    ]
    return lines + [f"- {task}" for task in tasks]


def _item_label(item) -> str:
    kind = "autograded" if item.kind == "test" else "written, by hand"
    return f"`{item.grade_id}` ({kind}, {item.points:g} pt)"


def _assessment_map(lesson: Lesson, page: PurePosixPath, root: Path) -> str:
    quiz_file = f"quiz-{lesson.number:02d}.yaml"
    questions = load_data(quiz_file)["questions"] if quiz_file in data_files() else []
    reflections = (
        [record for record in load_data("reflections.yaml")["reflections"] if record["lesson"] == lesson.number]
        if "reflections.yaml" in data_files()
        else []
    )
    exercise = _exercise(lesson, page, root)
    coverage = module_coverage(lesson, root)
    items = {item.grade_id: item for item in coverage.items}
    lines = [
        f"| Objective | Self-check quiz (`{quiz_file}`, not graded) | Graded exercise, core track | "
        "Graded exercise, data-skills track (optional) |",
        "|---|---|---|---|",
    ]
    for entry in coverage.objectives:
        objective = entry.objective
        mine = [
            f"`{record['id']}` ({_TYPES.get(record['type'], record['type'])})"
            for record in questions
            if record["objective"] == objective.id
        ]
        core = [_item_label(items[grade_id]) for grade_id in entry.core]
        extra = [_item_label(items[grade_id]) for grade_id in entry.data_skills]
        gaps = "".join(f"<br>**Gap:** {gap}" for gap in entry.gaps)
        lines.append(
            f"| **{objective.id}** {objective.text}{gaps} | "
            f"{'<br>'.join(mine) if mine else 'none'} | {'<br>'.join(core) if core else 'none'} | "
            f"{'<br>'.join(extra) if extra else 'none'} |"
        )
    lines.append("")
    flagged = {f"{entry.objective.id}: {gap}" for entry in coverage.objectives for gap in entry.gaps}
    others = [problem for problem in lesson_problems(lesson, root) if problem not in flagged]
    if flagged:
        lines.append(
            f"**Gaps** are flagged in the table: each objective needs at least {MIN_QUIZ} quiz questions "
            f"and {MIN_CORE} core graded item."
        )
    else:
        lines.append(f"Every objective has at least {MIN_QUIZ} quiz questions and {MIN_CORE} core graded item.")
    if others:
        lines += [
            "",
            "**Also to fix** in the graded exercise (graded cells name their objectives and track in "
            "`usvn` metadata; core items ask for no programming; see `src/usvn/coverage.py`):",
            "",
        ]
        lines += [f"- {problem}" for problem in others]
    lines.append("")
    if reflections:
        lines.append("Write-then-compare prompts (students write first, then compare with the module's points):")
        lines.append("")
        lines += [f"- `{record['id']}`: {record['prompt']}" for record in reflections]
    else:
        lines.append("This lesson has no write-then-compare prompt.")
    lines.append("")
    lines += exercise or ["This lesson has no graded exercise."]
    return "\n".join(lines)


def _lesson_index(page: PurePosixPath) -> str:
    lessons = load_lessons()
    table = lesson_table(
        [
            NUMBER,
            Column("Lesson", lambda lesson: lesson.title),
            MINUTES,
            Column("Instructor notes", lambda lesson: f"[notes]({_relative(page, str(lesson_page(lesson)))})"),
            Column(
                "Notebook",
                lambda lesson: f"[{lesson.notebook}]({_relative(page, f'notebooks/{lesson.notebook}')})",
            ),
        ],
        lessons=lessons,
    )
    return (
        f"{table}\n\nTotal: about {sum(lesson.minutes for lesson in lessons)} minutes of lessons "
        f"({len(lessons)} notebooks), before exercises and discussion."
    )


def _self_study_path() -> str:
    lessons = load_lessons()
    table = lesson_table(
        [
            NUMBER,
            Column("Lesson", lambda lesson: lesson.title),
            Column("About", lambda lesson: f"{lesson.minutes} min"),
            Column("What you do", lambda lesson: lesson.summary),
            Column("Open it", lambda lesson: f"[on Binder]({binder_url(f'notebooks/{lesson.notebook}')})"),
        ],
        lessons=lessons,
    )
    total = sum(lesson.minutes for lesson in lessons)
    return (
        f"{table}\n\nAll {len(lessons)} lessons take about {total} minutes ({total / 60:.1f} hours) of reading, "
        "running and quizzes; graded exercises take longer."
    )


def _sources(cited: Iterable[str]) -> str:
    ids = list(dict.fromkeys(cited))
    if not ids:
        return "This page cites no sources."
    return sources_cell(ids).source.replace("## Sources\n\n", "", 1)


def _render(name: str, arg: str | None, page: PurePosixPath, root: Path, cited: list[str]) -> str:
    if name in ("lesson-facts", "assessment-map") and arg is None:
        raise DataError(f"{page}: the usvn:{name} block needs a lesson number, e.g. <!-- usvn:{name} 01 -->.")
    if name == "lesson-facts":
        return _lesson_facts(_lesson(int(arg)), page)
    if name == "assessment-map":
        return _assessment_map(_lesson(int(arg)), page, root)
    if name == "lesson-index":
        return _lesson_index(page)
    if name == "self-study-path":
        return _self_study_path()
    if name == "learning-path":
        return learning_path_markdown(_relative(page, "notebooks") + "/")
    if name == "binder-links":
        return lesson_links_markdown()
    if name == "sources":
        return _sources(cited)
    raise DataError(f"{page}: unknown block usvn:{name}.")


DEFAULT_PAGE = PurePosixPath("docs/page.md")


def refresh_text(text: str, page: PurePosixPath = DEFAULT_PAGE, root: Path | None = None) -> str:
    """Relabel citations and regenerate every block of one page's text."""
    root = root or Path.cwd()
    outside = _BLOCK.sub("", text)
    outside = label_citations(outside)  # raises DataError for an unregistered id
    cited = _CITATION.findall(outside)
    parts, position = [], 0
    for match in _BLOCK.finditer(text):
        parts.append(label_citations(text[position : match.start()]))
        body = _render(match["name"], match["arg"], page, root, cited).rstrip("\n")
        arg = f" {match['arg']}" if match["arg"] else ""
        parts.append(f"<!-- usvn:{match['name']}{arg} -->\n{body}\n<!-- /usvn:{match['name']} -->")
        position = match.end()
    parts.append(label_citations(text[position:]))
    return "".join(parts)


def refresh_page(path: Path, root: Path) -> bool:
    """Rewrite one page in place; True if it changed."""
    page = PurePosixPath(path.resolve().relative_to(root.resolve()).as_posix())
    old = path.read_text(encoding="utf-8")
    new = refresh_text(old, page, root)
    if new != old:
        path.write_text(new, encoding="utf-8")
    return new != old


# --------------------------------------------------------------------------- lesson pages


def lesson_page_template(lesson: Lesson) -> str:
    """A new lesson's instructor page: generated blocks filled, hand-written sections marked to write."""
    sections = []
    for title in LESSON_SECTIONS:
        sections.append(f'## {title}\n\n{PLACEHOLDER} see docs/instructor-guide.md, "Adding a lesson".\n')
        if title == LESSON_SECTIONS[-1]:
            sections.append(f"<!-- usvn:assessment-map {lesson.number:02d} -->\n<!-- /usvn:assessment-map -->\n")
    return (
        f"# Lesson {lesson.number:02d}: {lesson.title}\n\n"
        f"<!-- usvn:lesson-facts {lesson.number:02d} -->\n<!-- /usvn:lesson-facts -->\n\n"
        + "\n".join(sections)
        + "\n## Sources\n\n<!-- usvn:sources -->\n<!-- /usvn:sources -->\n"
    )


def lesson_page_problems(text: str, lesson: Lesson) -> list[str]:
    """What a lesson page still lacks: sections, their text, or its generated blocks."""
    problems = []
    headings = re.findall(r"^## (.+)$", text, re.M)
    missing = [title for title in LESSON_SECTIONS if title not in headings]
    if missing:
        problems.append(f"missing sections: {', '.join(missing)}")
    if PLACEHOLDER in text:
        problems.append(f"sections still marked '{PLACEHOLDER}'")
    for title in LESSON_SECTIONS:
        body = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
        if body and len(_BLOCK.sub("", body[1]).split()) < 20:
            problems.append(f"section '{title}' has fewer than 20 words")
    for block in ("lesson-facts", "assessment-map"):
        if f"<!-- usvn:{block} {lesson.number:02d} -->" not in text:
            problems.append(f"no usvn:{block} {lesson.number:02d} block")
    return problems


#: Pages outside ``docs/`` that carry generated blocks.
TOP_PAGES = ("README.md",)


def generated_pages(root: Path) -> list[Path]:
    """Every page :func:`refresh_docs` rewrites: the README and each Markdown page under ``docs/``."""
    root = Path(root)
    return [root / name for name in TOP_PAGES if (root / name).is_file()] + sorted((root / "docs").rglob("*.md"))


@dataclass
class DocsReport:
    """What :func:`refresh_docs` changed, and what still needs an author."""

    changed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def refresh_docs(root: Path, *, check: bool = False) -> DocsReport:
    """Create missing lesson pages from the template and rewrite every page's generated parts.

    With ``check``, change nothing: stale pages and missing lesson pages count as problems too.
    """
    root = Path(root)
    report = DocsReport()
    for lesson in load_lessons():
        path = root / lesson_page(lesson)
        if not path.is_file():
            if check:
                report.problems.append(f"{lesson_page(lesson)}: missing (run `usvn guide` to start it)")
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(lesson_page_template(lesson), encoding="utf-8")
            report.changed.append(f"{lesson_page(lesson)}: created from the template")
        text = path.read_text(encoding="utf-8")
        report.problems += [f"{lesson_page(lesson)}: {problem}" for problem in lesson_page_problems(text, lesson)]
    for path in generated_pages(root):
        relative = PurePosixPath(path.relative_to(root).as_posix())
        text = path.read_text(encoding="utf-8")
        try:
            if check:
                if refresh_text(text, relative, root) != text:
                    report.problems.append(f"{relative}: generated parts are stale (run `usvn guide`)")
            elif refresh_page(path, root):
                report.changed.append(f"{relative}: refreshed")
        except DataError as error:
            report.problems.append(f"{relative}: {error}")
    return report
