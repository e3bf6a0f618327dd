"""Gradebook CSV, per-student feedback (HTML), the manual-grading sheet, and merging hand grades back.

Hand grades live in ``OUT/manual-scores.json``, each tied to a fingerprint of the answer it grades, so a
re-run or a resubmission never silently keeps a grade for a different answer, and nothing is lost.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import unicodedata
from html import escape
from pathlib import Path

from usvn.grading.files import atomic_write, output_lock, output_name
from usvn.grading.results import SubmissionResult
from usvn.grading.source import SourceSpec

__all__ = ["merge_manual", "write_all", "write_gradebook"]

SHEET_COLUMNS = [
    "student",
    "item",
    "max_points",
    "score",
    "comment",
    "answer",
    "rubric",
    "question",
    "answer_id",
    "lms_id",
]
#: What a spreadsheet reads as a formula (or a hidden control) at the start of a cell: =, +, -, @, tab, CR.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutral(value) -> str:
    """A cell value a spreadsheet shows as text: one starting like a formula gets a leading apostrophe.

    >>> neutral("=1+2"), neutral("Ann"), neutral(2.5)
    ("'=1+2", 'Ann', '2.5')
    """
    text = value if isinstance(value, str) else f"{value:g}" if isinstance(value, float) else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def plain(text: str) -> str:
    """Undo :func:`neutral` on a value read back from a sheet."""
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_START) else text


def _writer(buffer):
    writer = csv.writer(buffer, lineterminator="\n")

    class Neutral:
        @staticmethod
        def writerow(row):
            writer.writerow([neutral(cell) for cell in row])

    return Neutral()


def by_hand(item) -> bool:
    """A written answer to grade, or an automatic item that could not be graded automatically."""
    if item.kind == "manual":
        return item.status != "unanswered"
    return item.status == "hand" or (item.status == "graded" and bool(item.note))


def answer_id(text: str) -> str:
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:12]


def load_manual(out: Path) -> dict:
    path = Path(out) / "manual-scores.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _apply_manual(results: list[SubmissionResult], manual: dict) -> None:
    for result in results:
        for item in result.items:
            if not by_hand(item):
                continue
            grade = manual.get(result.student, {}).get(item.grade_id)
            if grade and grade.get("answer_id") == answer_id(item.answer):
                item.points, item.status = float(grade["score"]), "graded"
                item.feedback = grade.get("comment", "")
            elif grade:
                item.points, item.status = None, "ungraded" if item.kind == "manual" else "hand"
                item.feedback = "The answer changed since it was graded by hand: grade it again."


def write_gradebook(spec: SourceSpec, results: list[SubmissionResult], out: Path) -> Path:
    """One row per student: status, a column per item, total, maximum, what still needs a hand grade, reasons."""
    _apply_manual(results, load_manual(out))
    ids = [item.grade_id for item in spec.items]
    buffer = io.StringIO()
    writer = _writer(buffer)
    # An assignment with an optional data-skills track totals it apart, so the course grade can leave it out.
    optional = {item.grade_id for item in spec.items if item.track == "data-skills"}
    track_columns = ["core_total", "core_max", "data_skills_total", "data_skills_max"] if optional else []
    core_max = sum(item.points for item in spec.items if item.grade_id not in optional)
    writer.writerow(
        [
            "student",
            "status",
            *ids,
            "total",
            "max_points",
            "needs_hand_grading",
            "reason",
            "notes",
            "submission",
            "lms_id",
            "isolation",
            "warning",
            *track_columns,
        ]
    )
    for result in sorted(results, key=lambda result: result.student.lower()):
        by_id = {item.grade_id: item for item in result.items}
        cells = []
        for grade_id in ids:
            item = by_id.get(grade_id)
            cells.append("" if item is None or item.points is None else f"{item.points:g}")
        pending = [item.grade_id for item in result.items if item.points is None]
        total = sum(item.points or 0 for item in result.items)
        notes = "; ".join(filter(None, [result.changes, *result.problems]))
        tracks = []
        if optional:
            extra = sum(item.points or 0 for item in result.items if item.grade_id in optional)
            tracks = [f"{total - extra:g}", f"{core_max:g}", f"{extra:g}", f"{spec.max_points - core_max:g}"]
        writer.writerow(
            [
                result.student,
                result.status,
                *cells,
                f"{total:g}",
                f"{spec.max_points:g}",
                " ".join(pending),
                result.reason,
                notes,
                result.submission,
                result.lms_id,
                result.level or result.isolation.split(" ")[0],
                result.warning,
                *tracks,
            ]
        )
    path = Path(out) / "gradebook.csv"
    atomic_write(path, buffer.getvalue())
    return path


def _feedback_html(spec: SourceSpec, result: SubmissionResult) -> str:
    total = sum(item.points or 0 for item in result.items)
    pending = any(item.points is None for item in result.items)
    rows = []
    for item in result.items:
        points = "awaiting hand grading" if item.points is None else f"{item.points:g}"
        answer = (
            f"<details><summary>Your answer</summary><p>{escape(item.answer)}</p></details>"
            if item.kind == "manual" and item.answer
            else ""
        )
        rows.append(
            f'<tr><th scope="row">{escape(item.grade_id)}</th><td>{points}</td>'
            f"<td>{item.max_points:g}</td><td>{escape(item.feedback)}{answer}</td></tr>"
        )
    notes = [
        *([result.reason] if result.reason else []),
        *([result.changes] if result.changes else []),
        *result.problems,
        *[f"error in {error}" for error in result.cell_errors],
    ]
    notes_html = "".join(f"<li>{escape(note)}</li>" for note in notes)
    title = spec.path.stem if spec.path else "assignment"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Feedback: {escape(title)} – {escape(result.student)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;line-height:1.5;color:#111}}
table{{border-collapse:collapse;width:100%}}th,td{{border:1px solid #888;padding:.4rem;text-align:left;vertical-align:top}}
caption{{text-align:left;font-weight:bold;margin-bottom:.4rem}}</style></head>
<body><main>
<h1>Feedback on {escape(title)}</h1>
<p>Student: <strong>{escape(result.student)}</strong>. Score: <strong>{total:g} of {spec.max_points:g}</strong>
{"(some written answers are still to be graded by hand)" if pending else ""}.</p>
<table><caption>Each graded item</caption>
<thead><tr><th scope="col">Item</th><th scope="col">Points</th><th scope="col">Out of</th><th scope="col">Feedback</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
{f"<h2>Notes on your notebook</h2><ul>{notes_html}</ul>" if notes_html else ""}
<p>Automatic items were checked with public and hidden tests; the feedback above comes from the public checks.</p>
</main></body></html>
"""


def write_sheet(spec: SourceSpec, results: list[SubmissionResult], out: Path) -> Path:
    """Every written answer beside its rubric, with any hand grade already given."""
    manual = load_manual(out)
    items = {item.grade_id: item for item in spec.items}
    buffer = io.StringIO()
    writer = _writer(buffer)
    writer.writerow(SHEET_COLUMNS)
    for result in sorted(results, key=lambda result: result.student.lower()):
        for item in result.items:
            if not by_hand(item) or item.grade_id not in items:
                continue
            grade = manual.get(result.student, {}).get(item.grade_id, {})
            current = grade.get("answer_id") == answer_id(item.answer)
            source = items[item.grade_id]
            if item.kind == "manual":
                shown, rubric = item.answer, source.rubric
            else:  # an automatic item the tests could not use: the values, why, and the test to apply by hand
                shown = f"{item.answer}\n(graded by hand because {item.note})"
                rubric = "Apply this test by hand:\n" + "\n".join(segment.code for segment in source.segments)
            writer.writerow(
                [
                    result.student,
                    item.grade_id,
                    f"{item.max_points:g}",
                    f"{grade['score']:g}" if current and "score" in grade else "",
                    grade.get("comment", "") if current else "",
                    shown,
                    rubric,
                    source.prompt,
                    answer_id(item.answer),
                    result.lms_id,
                ]
            )
    path = Path(out) / "manual-grading.csv"
    atomic_write(path, buffer.getvalue())
    return path


def write_all(spec: SourceSpec, results: list[SubmissionResult], out: Path, feedback: Path) -> None:
    write_gradebook(spec, results, out)
    write_sheet(spec, results, out)
    feedback.mkdir(parents=True, exist_ok=True)
    for result in results:
        atomic_write(feedback / f"{output_name(result.student)}.html", _feedback_html(spec, result))


ENCODINGS = ("cp1252", "cp1258")


def read_sheet_text(path: Path, students: set[str]) -> tuple[str, str]:
    """The sheet's text, as Excel writes it in any locale: UTF-8 with or without BOM, Windows-1252 or -1258.

    A single-byte file is read in the encoding that finds the most known students (Vietnamese names tell
    Windows-1258 from Windows-1252). Returns ``(text, note)``; raises ValueError saying what could not be read.
    """
    raw = Path(path).read_bytes()
    try:
        return raw.decode("utf-8-sig"), ""
    except UnicodeDecodeError as error:
        position = error.start
    candidates = []
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        found = sum(1 for student in students if student and student in unicodedata.normalize("NFC", text))
        candidates.append((found, encoding == "cp1252", encoding, text))
    if not candidates:
        raise ValueError(
            f"{path.name}: byte {raw[position]:#04x} at position {position} is not UTF-8, "
            "Windows-1252 or Windows-1258; save the sheet as 'CSV UTF-8' and merge again."
        )
    found, _, encoding, text = max(candidates)
    name = {"cp1252": "Windows-1252", "cp1258": "Windows-1258 (Vietnamese)"}[encoding]
    return unicodedata.normalize("NFC", text), f"the sheet is not UTF-8; read it as {name}"


def merge_manual(spec: SourceSpec, out: Path, sheet: Path, feedback: Path | None = None) -> tuple[int, list[str]]:
    """Merge hand grades from a filled-in sheet; returns (grades applied, problems). Bad rows change nothing.

    Refused (RuntimeError) while a grading run or another merge uses the folder.
    """
    with output_lock(Path(out)):
        return _merge_manual(spec, Path(out), sheet, feedback)


def _merge_manual(spec: SourceSpec, out: Path, sheet: Path, feedback: Path | None = None) -> tuple[int, list[str]]:
    out = Path(out)
    results = []
    for path in sorted((out / "results").glob("*.json")):
        results.append(SubmissionResult.from_dict(json.loads(path.read_text(encoding="utf-8"))))
    if not results:
        raise FileNotFoundError(f"No graded results in {out / 'results'}: run `usvn grade` first.")
    answers = {
        (unicodedata.normalize("NFC", result.student), item.grade_id): item
        for result in results
        for item in result.items
        if by_hand(item)
    }
    manual = load_manual(out)
    problems: list[str] = []
    applied = 0
    text, note = read_sheet_text(Path(sheet), {student for student, _ in answers})
    if note:
        problems.append(note)
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    reader.fieldnames = [plain(name.strip()) for name in reader.fieldnames or []]
    missing = {"student", "item", "score", "answer_id"} - set(reader.fieldnames or [])
    if missing:
        raise ValueError(
            f"The sheet lacks the column(s) {', '.join(sorted(missing))} (read with '{delimiter}' "
            f"between columns); use manual-grading.csv."
        )
    for line, row in enumerate(reader, start=2):
        student = unicodedata.normalize("NFC", plain((row.get("student") or "").strip()))
        grade_id = plain((row.get("item") or "").strip())
        raw = (row.get("score") or "").strip().replace(",", ".")
        if not raw:
            continue
        item = answers.get((student, grade_id))
        if item is None:
            problems.append(f"row {line}: no written answer '{grade_id}' for student '{student}'")
            continue
        try:
            score = float(raw)
        except ValueError:
            problems.append(f"row {line} ({student}, {grade_id}): score '{raw}' is not a number")
            continue
        if not 0 <= score <= item.max_points:
            problems.append(f"row {line} ({student}, {grade_id}): score {score:g} is outside 0–{item.max_points:g}")
            continue
        if (row.get("answer_id") or "").strip() != answer_id(item.answer):
            problems.append(
                f"row {line} ({student}, {grade_id}): the answer changed since this sheet was made; "
                "grade it again from a fresh manual-grading.csv"
            )
            continue
        manual.setdefault(student, {})[grade_id] = {
            "score": score,
            "comment": (row.get("comment") or "").strip(),
            "answer_id": answer_id(item.answer),
        }
        applied += 1
    atomic_write(out / "manual-scores.json", json.dumps(manual, indent=1, sort_keys=True))
    write_all(spec, results, out, Path(feedback) if feedback else out / "feedback")
    return applied, problems
