"""The lesson 05 policy memo as a pure model: template, evidence catalogue, structure check, Markdown file.

The evidence catalogue gathers cited records from earlier lessons: lesson 01's timeline events,
lesson 02's claims from the two seed texts, lesson 03's leverage cases, lesson 04's evidence cards and
Commerce findings, and the labor facts in ``memo.yaml``.
The structure check looks at form, not quality (that is the rubric's job): every section written,
enough cited evidence from enough lessons, a counter-argument that is not the recommendation again.

>>> template = load_memo_template()
>>> [section.id for section in template.sections]
['question', 'recommendation', 'evidence', 'counter-argument', 'risks']
>>> check = check_memo(MemoDraft({}, ()))
>>> check.ok, check.problems[0]
(False, 'Write the Question section: The question your memo answers, and for whom (for example, the Secretary of Commerce or a congressional committee).')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from html import escape
from pathlib import Path

from usvn.claims import load_claims
from usvn.criteria import load_criteria
from usvn.data import load_sources, load_timeline
from usvn.leverage import load_cases
from usvn.loader import DataError, UnknownIdError, build, checked_data, load_records

__all__ = [
    "Annotation",
    "EvidenceItem",
    "ExampleMemo",
    "MemoCheck",
    "MemoDraft",
    "MemoTemplate",
    "Section",
    "check_memo",
    "describe_evidence",
    "evidence_catalogue",
    "build_example_memos",
    "example_memo_html",
    "load_example_memos",
    "load_memo_template",
    "memo_from_markdown",
    "memo_to_markdown",
    "read_draft",
    "save_draft",
]

DEFAULT_PATH = Path("my-notes") / "05-memo.md"
_EVIDENCE_LINE = re.compile(r"^- \[(?P<id>[0-9]{2}:[a-z0-9-]+)\]")


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    prompt: str
    min_words: int


@dataclass(frozen=True)
class MemoTemplate:
    question: str
    context: str
    context_sources: tuple[str, ...]
    sections: tuple[Section, ...]
    min_evidence: int
    min_lessons: int
    max_characters: int

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        known = ", ".join(section.id for section in self.sections)
        raise UnknownIdError(f"The memo has no section '{section_id}'; sections are {known}.")


@dataclass(frozen=True)
class EvidenceItem:
    """One citable piece of evidence; ``id`` is ``NN:record-id`` where NN is the lesson number."""

    id: str
    lesson: int
    label: str
    text: str
    sources: tuple[str, ...]

    @property
    def option_label(self) -> str:
        """A one-line label for a list control."""
        label = f"L{self.lesson:02d} · {self.label}"
        return label if len(label) <= 110 else label[:107] + "..."

    def citation(self) -> str:
        registry = load_sources()
        return "; ".join(registry[source].label for source in self.sources)


@cache
def load_memo_template() -> MemoTemplate:
    """The memo's question, context and sections, and the structure check's limits, from ``memo.yaml``."""
    data = checked_data("memo.yaml")
    return MemoTemplate(
        question=data["question"],
        context=data["context"]["text"],
        context_sources=tuple(data["context"]["sources"]),
        sections=load_records("memo.yaml", "sections", lambda record: build(Section, record)),
        min_evidence=data["min_evidence"],
        min_lessons=data["min_lessons"],
        max_characters=data["max_characters"],
    )


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


@cache
def evidence_catalogue() -> tuple[EvidenceItem, ...]:
    """Every citable record from lessons 01-04, in lesson order."""
    items = [
        EvidenceItem(f"01:{event.id}", 1, f"{event.date} {event.title}", event.summary, event.sources)
        for event in load_timeline()
    ]
    registry = load_sources()
    for claim in load_claims():
        author = registry[claim.source].label
        items.append(
            EvidenceItem(
                f"02:{claim.id}",
                2,
                f"{author} claims: {_short(claim.claim, 60)}",
                f"{author} claims: {claim.claim} (Lesson 02's reading: {claim.rating}.)",
                claim.sources,
            )
        )
    for case in load_cases():
        items.append(
            EvidenceItem(
                f"03:{case.id}",
                3,
                f"Case: {case.title} ({case.dates})",
                f"{case.title}, {case.dates}. Asked: {case.ask} Response: {case.response} Did it last? {case.lasted}",
                case.sources,
            )
        )
    extra = checked_data("memo.yaml")["evidence"]
    items += [
        EvidenceItem(
            f"{record['lesson']:02d}:{record['id']}",
            record["lesson"],
            record["label"],
            record["text"],
            tuple(record["sources"]),
        )
        for record in extra
        if record["lesson"] < 4
    ]
    for factor in load_criteria().factors:
        items.append(
            EvidenceItem(
                f"04:commerce-{factor.id}",
                4,
                f"({factor.number}) Commerce 2024 finding: {_short(factor.commerce.text, 60)}",
                factor.commerce.text,
                factor.commerce.sources,
            )
        )
        for card in factor.cards:
            items.append(
                EvidenceItem(
                    f"04:{card.id}",
                    4,
                    f"({factor.number}) {card.speaker_label}: {_short(card.text, 60)}",
                    f"{card.who}: {card.text}",
                    card.sources,
                )
            )
    items += [
        EvidenceItem(
            f"{record['lesson']:02d}:{record['id']}",
            record["lesson"],
            record["label"],
            record["text"],
            tuple(record["sources"]),
        )
        for record in extra
        if record["lesson"] >= 4
    ]
    items.sort(key=lambda item: item.lesson)
    ids = [item.id for item in items]
    duplicates = sorted({item_id for item_id in ids if ids.count(item_id) > 1})
    if duplicates:
        raise DataError(
            f"Evidence ids repeat across lessons: {', '.join(duplicates)}.", file="memo.yaml", record=duplicates[0]
        )
    return tuple(items)


def _by_id() -> dict[str, EvidenceItem]:
    return {item.id: item for item in evidence_catalogue()}


def describe_evidence(ids) -> list[str]:
    """One line per chosen evidence id: its lesson and text, or a note that the id is not in the catalogue.

    >>> describe_evidence(["02:c87-delayed", "99:nothing"])[1]
    "'99:nothing' is not an id in the catalogue: copy ids exactly, as text."
    """
    if not isinstance(ids, (list, tuple)):
        return [f'Expected a list of evidence ids, such as ["02:c87-delayed"]; got {type(ids).__name__}.']
    known = _by_id()
    return [
        f"Lesson {known[item_id].lesson:02d}: {known[item_id].text}"
        if isinstance(item_id, str) and item_id in known
        else f"{item_id!r} is not an id in the catalogue: copy ids exactly, as text."
        for item_id in ids
    ]


@dataclass(frozen=True)
class MemoDraft:
    """The student's text per section id, and the evidence ids they chose."""

    sections: Mapping[str, str]
    evidence: tuple[str, ...] = field(default=())

    def text(self, section_id: str) -> str:
        value = self.sections.get(section_id, "")
        return value if isinstance(value, str) else ""


@dataclass(frozen=True)
class MemoCheck:
    ok: bool
    problems: tuple[str, ...]
    words: int = 0
    evidence_count: int = 0
    lessons: tuple[int, ...] = ()

    def summary(self) -> str:
        if not self.ok:
            return "Not ready yet:\n" + "\n".join(f"- {problem}" for problem in self.problems)
        lessons = ", ".join(f"{lesson:02d}" for lesson in self.lessons)
        return (
            f"Every section is written ({self.words} words in all), with {self.evidence_count} cited pieces of "
            f"evidence from lessons {lessons}. The structure is complete; now judge the quality with the rubric."
        )


def _words(text: str) -> int:
    return len(text.split())


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def check_memo(draft: MemoDraft, template: MemoTemplate | None = None) -> MemoCheck:
    """Check the memo's structure; every problem is listed, in the order of the template."""
    template = template or load_memo_template()
    problems = []
    for section in template.sections:
        raw = draft.sections.get(section.id, "")
        if raw is not None and not isinstance(raw, str):
            problems.append(f"The {section.title} section must be text, not {type(raw).__name__}.")
            continue
        text = (raw or "").strip()
        if not text:
            problems.append(f"Write the {section.title} section: {section.prompt}")
        elif _words(text) < section.min_words:
            problems.append(
                f"The {section.title} section has {_words(text)} word(s); write at least {section.min_words}."
            )
        elif len(text) > template.max_characters:
            problems.append(
                f"The {section.title} section is {len(text)} characters long; a memo is short, so keep "
                f"each section under {template.max_characters}."
            )
    counter, recommendation = draft.text("counter-argument"), draft.text("recommendation")
    if counter.strip() and _normalise(counter) == _normalise(recommendation):
        problems.append("The Counter-argument repeats the Recommendation: state the strongest case against it.")
    known = _by_id()
    unknown = [item_id for item_id in draft.evidence if item_id not in known]
    if unknown:
        problems.append(
            f"These evidence ids are not in the module's catalogue and were not counted: {', '.join(unknown)}."
        )
    chosen = [known[item_id] for item_id in dict.fromkeys(draft.evidence) if item_id in known]
    lessons = tuple(sorted({item.lesson for item in chosen}))
    if len(chosen) < template.min_evidence:
        problems.append(f"Choose at least {template.min_evidence} pieces of cited evidence; you have {len(chosen)}.")
    elif len(lessons) < template.min_lessons:
        problems.append(
            f"Draw your evidence from at least {template.min_lessons} different lessons; "
            f"all of yours come from lesson {lessons[0]:02d}."
        )
    words = sum(_words(draft.text(section.id)) for section in template.sections)
    return MemoCheck(not problems, tuple(problems), words, len(chosen), lessons)


def _escape_headings(text: str) -> str:
    return "\n".join("\\" + line if line.startswith("#") else line for line in text.strip().splitlines())


def _unescape_headings(text: str) -> str:
    return "\n".join(line[1:] if line.startswith("\\#") else line for line in text.splitlines())


def memo_to_markdown(draft: MemoDraft, template: MemoTemplate | None = None) -> str:
    """The draft as a Markdown document: one heading per section, chosen evidence listed with citations.

    >>> text = memo_to_markdown(MemoDraft({"question": "## Not a heading"}, ("01:1995-normalization",)))
    >>> memo_from_markdown(text).sections["question"], memo_from_markdown(text).evidence
    ('## Not a heading', ('01:1995-normalization',))
    """
    template = template or load_memo_template()
    known = _by_id()
    lines = ["# Policy memo", "", f"*Prompt:* {template.question}", ""]
    for section in template.sections:
        lines += [f"## {section.title}", "", _escape_headings(draft.text(section.id)), ""]
        if section.id == "evidence":
            lines += ["Evidence chosen:", ""]
            for item_id in draft.evidence:
                item = known.get(item_id)
                description = f"{item.text} ({item.citation()})" if item else "(not in the module's catalogue)"
                lines.append(f"- [{item_id}] {' '.join(description.split())}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def memo_from_markdown(text: str, template: MemoTemplate | None = None) -> MemoDraft:
    """Read a draft back from :func:`memo_to_markdown`'s format; unknown headings are ignored."""
    template = template or load_memo_template()
    titles = {f"## {section.title}": section.id for section in template.sections}
    sections: dict[str, list[str]] = {}
    evidence: list[str] = []
    current, in_list = None, False
    for line in text.splitlines():
        if line.rstrip() in titles:
            current, in_list = titles[line.rstrip()], False
            sections[current] = []
            continue
        if line.startswith("# ") or line.startswith("## "):
            current = None
            continue
        if current == "evidence" and line.strip() == "Evidence chosen:":
            in_list = True
            continue
        if in_list:
            match = _EVIDENCE_LINE.match(line)
            if match:
                evidence.append(match["id"])
            continue
        if current is not None:
            sections[current].append(line)
    return MemoDraft(
        {key: _unescape_headings("\n".join(value)).strip() for key, value in sections.items()}, tuple(evidence)
    )


def save_draft(draft: MemoDraft, path: Path = DEFAULT_PATH) -> Path:
    """Write the draft beside the notebook, so a kernel restart or a closed tab loses nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(memo_to_markdown(draft), encoding="utf-8")
    return path


def read_draft(path: Path = DEFAULT_PATH) -> MemoDraft | None:
    """The saved draft, or None if there is none yet."""
    if not path.is_file():
        return None
    return memo_from_markdown(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Annotation:
    """One note on an example memo: the rubric criterion it names, the level reached, and why."""

    criterion: str
    level: str
    note: str


@dataclass(frozen=True)
class ExampleMemo:
    """An annotated example memo at one level of the memo rubric (``memo.yaml``, ``examples``)."""

    id: str
    level: str
    title: str
    draft: MemoDraft
    annotations: tuple[Annotation, ...]
    sources: tuple[str, ...]


@cache
def load_example_memos() -> tuple[ExampleMemo, ...]:
    """The annotated example memos, checked against the memo rubric, the template and the evidence catalogue.

    >>> [(memo.id, memo.level) for memo in load_example_memos()]
    [('meets', 'proficient'), ('exceeds', 'exemplary')]
    """
    return build_example_memos(checked_data("memo.yaml"))


def build_example_memos(data: Mapping) -> tuple[ExampleMemo, ...]:
    """Build and check the ``examples`` of memo data; a :class:`DataError` names the first problem found."""
    from usvn.rubrics import load_rubric

    rubric = load_rubric("memo")
    levels = [level.id for level in rubric.levels]
    criteria = [criterion.id for criterion in rubric.criteria]
    template = load_memo_template()

    def example(record: dict) -> ExampleMemo:
        if record["level"] not in levels:
            raise DataError(f"level '{record['level']}' is not a level of the memo rubric ({', '.join(levels)}).")
        annotations = tuple(build(Annotation, note) for note in record["annotations"])
        named = [note.criterion for note in annotations]
        if sorted(named) != sorted(criteria):
            raise DataError(
                f"annotate each rubric criterion exactly once; criteria are {', '.join(criteria)}, "
                f"annotations name {', '.join(named)}."
            )
        wrong = [note.level for note in annotations if note.level not in levels]
        if wrong:
            raise DataError(f"annotation levels {wrong} are not levels of the memo rubric.")
        draft = MemoDraft(dict(record["sections"]), tuple(record["evidence"]))
        check = check_memo(draft, template)
        if not check.ok:
            raise DataError(f"the example fails the memo's own structure check: {' '.join(check.problems)}")
        return build(ExampleMemo, record, draft=draft, annotations=annotations, omit=("sections", "evidence"))

    return load_records("memo.yaml", data.get("examples", []), example)


def example_memo_html(example_id: str) -> str:
    """One example memo as HTML: its sections, the evidence ticked, and a note per rubric criterion.

    >>> html = example_memo_html("meets")
    >>> "Proficient" in html and "Counter-argument" in html
    True
    """
    from usvn.rubrics import load_rubric

    examples = {memo.id: memo for memo in load_example_memos()}
    if example_id not in examples:
        raise UnknownIdError(f"No example memo '{example_id}'; examples are {', '.join(examples) or 'none'}.")
    memo, rubric = examples[example_id], load_rubric("memo")
    template, known, registry = load_memo_template(), _by_id(), load_sources()
    label = rubric.level(memo.level).label
    parts = [
        f'<section class="usvn-example-memo" aria-label="Example memo at the {escape(label)} level">',
        f"<h3>Example memo ({escape(label)}): {escape(memo.title)}</h3>",
    ]
    for section in template.sections:
        parts.append(f"<h4>{escape(section.title)}</h4><p>{escape(' '.join(memo.draft.text(section.id).split()))}</p>")
    chosen = "".join(f"<li>{escape(known[item_id].label)}</li>" for item_id in memo.draft.evidence)
    parts.append(f"<p>Evidence ticked in the memo editor:</p><ul>{chosen}</ul>")
    rows = "".join(
        f'<tr><th scope="row">{escape(rubric.criterion(note.criterion).name)}</th>'
        f"<td>{escape(rubric.level(note.level).label)}</td><td>{escape(' '.join(note.note.split()))}</td></tr>"
        for note in memo.annotations
    )
    parts.append(
        f'<table class="usvn-rubric"><caption>How this memo scores on the memo rubric</caption><thead><tr>'
        f'<th scope="col">Criterion</th><th scope="col">Level</th><th scope="col">Why</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )
    cited = "; ".join(escape(registry[source].label) for source in memo.sources)
    parts.append(f"<p>Sources cited in this memo: {cited}.</p></section>")
    return "".join(parts)
