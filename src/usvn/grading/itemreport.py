"""The item-analysis report: a thin renderer of :mod:`usvn.grading.itemanalysis` as HTML (with plots) and CSV.

``usvn report GRADEBOOK_DIR`` calls :func:`write_report`, which writes ``item-analysis.html``,
``item-analysis.csv`` (one row per item) and ``score-distribution.csv`` (students per band of the total score).
"""

from __future__ import annotations

import base64
import csv
import io
from html import escape
from pathlib import Path

from matplotlib.figure import Figure

from usvn.grading.files import atomic_write
from usvn.grading.itemanalysis import (
    MISKEY_BELOW,
    SMALL_CLASS,
    SMALL_CLASS_WHY,
    WEAK_BELOW,
    Analysis,
    analyse,
    load_gradebook,
)

__all__ = ["ITEM_COLUMNS", "distribution_csv", "items_csv", "report_html", "write_report"]

ITEM_COLUMNS = [
    "item",
    "kind",
    "max_points",
    "students_scored",
    "mean_points",
    "difficulty",
    "full_marks_share",
    "point_biserial_rest",
    "upper_minus_lower_27",
    "flags",
]


def _figure_html(figure: Figure, alt: str) -> str:
    """The figure as an inline PNG ``<img>`` carrying its alt text."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight", pil_kwargs={"compress_level": 1})
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="{escape(alt)}" src="data:image/png;base64,{encoded}" style="max-width: 100%"/>'


#: Okabe-Ito colours, each with a marker shape and a name, so no meaning rests on colour alone.
_MARKS = {
    "possibly mis-keyed": ("#D55E00", "v", "downward triangle"),
    "weak discrimination": ("#E69F00", "s", "square"),
    "working": ("#0072B2", "o", "circle"),
}


def _fmt(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def items_csv(analysis: Analysis) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ITEM_COLUMNS)
    for item in analysis.items:
        writer.writerow(
            [
                item.grade_id,
                item.kind,
                f"{item.max_points:g}",
                item.scored,
                _fmt(item.mean_points, 3),
                _fmt(item.difficulty, 3),
                _fmt(item.full_marks, 3),
                _fmt(item.point_biserial, 3),
                _fmt(item.upper_lower, 3),
                "; ".join(item.flags),
            ]
        )
    return buffer.getvalue()


def distribution_csv(analysis: Analysis) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["total_score_band", "students"])
    writer.writerows(analysis.distribution())
    return buffer.getvalue()


def _mark(flags: tuple[str, ...]) -> str:
    return next((flag for flag in ("possibly mis-keyed", "weak discrimination") if flag in flags), "working")


def _distribution_figure(analysis: Analysis) -> str:
    bands = analysis.distribution()
    figure = Figure(figsize=(6.4, 3.2))
    axes = figure.subplots()
    axes.bar(range(len(bands)), [count for _, count in bands], color="#0072B2", edgecolor="black", hatch="//")
    axes.set_xticks(range(len(bands)), [label for label, _ in bands], rotation=45, ha="right", fontsize=8)
    axes.set_xlabel("Total score (% of the maximum)")
    axes.set_ylabel("Students")
    axes.set_title(f"Score distribution ({analysis.students} students)")
    axes.yaxis.get_major_locator().set_params(integer=True)
    summary = analysis.summary()
    busiest = max(bands, key=lambda band: band[1])
    alt = (
        f"Bar chart of the total scores of {analysis.students} students in bands of 10 percentage points. "
        f"Scores range from {summary['min']:.0f}% to {summary['max']:.0f}%, median {summary['median']:.0f}%; "
        f"the most common band is {busiest[0]} with {busiest[1]} students."
    )
    return _figure_html(figure, alt)


def _item_figure(analysis: Analysis) -> str:
    figure = Figure(figsize=(6.4, 4.2))
    axes = figure.subplots()
    plotted, left_out = [], []
    for item in analysis.items:
        if item.difficulty is None or item.point_biserial is None:
            left_out.append(item.grade_id)
            continue
        plotted.append(item)
    for mark, (colour, marker, _) in _MARKS.items():
        group = [item for item in plotted if _mark(item.flags) == mark]
        if group:
            axes.scatter(
                [item.difficulty for item in group],
                [item.point_biserial for item in group],
                c=colour,
                marker=marker,
                s=60,
                edgecolors="black",
                label=mark,
            )
    for item in plotted:
        axes.annotate(
            item.grade_id, (item.difficulty, item.point_biserial), textcoords="offset points", xytext=(5, 4), fontsize=8
        )
    axes.axhline(WEAK_BELOW, color="#555555", linestyle="--", linewidth=1)
    axes.axhline(0, color="black", linewidth=0.8)
    axes.set_xlim(-0.05, 1.05)
    axes.set_ylim(-1.05, 1.05)
    axes.set_xlabel("Difficulty (mean share of the item's points)")
    axes.set_ylabel("Discrimination (point-biserial, rest-score)")
    axes.set_title("Items: difficulty and discrimination")
    if plotted:
        axes.legend(loc="lower left", fontsize=8)
    miskeyed = analysis.flagged("possibly mis-keyed")
    weak = analysis.flagged("weak discrimination")
    alt = (
        f"Scatter plot of {len(plotted)} items, difficulty from 0 to 1 across, discrimination from -1 to 1 up, "
        f"with a dashed line at {WEAK_BELOW}. "
        + (
            f"Possibly mis-keyed, drawn as downward triangles below zero: {', '.join(miskeyed)}. "
            if miskeyed
            else "No item looks mis-keyed. "
        )
        + (f"Weak, drawn as squares: {', '.join(weak)}. " if weak else "")
        + "The other items are circles."
        + (f" Not plotted, for lack of variation: {', '.join(left_out)}." if left_out else "")
    )
    return _figure_html(figure, alt)


def _flag_words(flags: tuple[str, ...]) -> str:
    return ", ".join(flags) if flags else "none"


def report_html(analysis: Analysis, title: str = "Item analysis") -> str:
    summary = analysis.summary()
    warnings = []
    if analysis.small_class:
        warnings.append(
            f"<p><strong>Small class ({analysis.students} students, fewer than {SMALL_CLASS}).</strong> "
            f"{escape(SMALL_CLASS_WHY)}</p>"
        )
    warnings += [f"<p>{escape(note)}</p>" for note in analysis.notes]
    if analysis.excluded:
        names = ", ".join(escape(student) for student, _ in analysis.excluded)
        warnings.append(f"<p>Left out of the analysis ({len(analysis.excluded)}): {names}: not graded.</p>")
    rows = []
    for item in analysis.items:
        rows.append(
            f'<tr><th scope="row">{escape(item.grade_id)}</th><td>{escape(item.kind)}</td>'
            f"<td>{item.max_points:g}</td><td>{item.scored}</td><td>{_fmt(item.difficulty) or '—'}</td>"
            f"<td>{_fmt(item.full_marks) or '—'}</td><td>{_fmt(item.point_biserial) or '— (no variation)'}</td>"
            f"<td>{_fmt(item.upper_lower) or '— (no variation)'}</td><td>{escape(_flag_words(item.flags))}</td></tr>"
        )
    lists = []
    for flag, meaning in (
        ("possibly mis-keyed", "check the key, the hidden tests or the rubric first"),
        ("nobody scored", "too hard, not taught yet, or a broken test"),
        ("everybody full marks", "fine as a warm-up; it tells you nothing about differences"),
        ("weak discrimination", "does not separate stronger from weaker students"),
    ):
        found = analysis.flagged(flag)
        lists.append(
            f"<li><strong>{escape(flag.capitalize())}</strong> ({escape(meaning)}): "
            f"{escape(', '.join(found)) if found else 'none'}</li>"
        )
    alpha = (
        "not defined (fewer than two complete items, or no variation)"
        if analysis.alpha is None
        else f"{analysis.alpha:.2f}"
    )
    stats = (
        f"mean {summary['mean']:.1f}%, median {summary['median']:.1f}%, "
        f"standard deviation {_fmt(summary['sd'], 1) or '—'} points of percentage, "
        f"range {summary['min']:.0f}% to {summary['max']:.0f}%"
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;line-height:1.5;color:#111;padding:0 1rem}}
table{{border-collapse:collapse;width:100%}}th,td{{border:1px solid #888;padding:.3rem .4rem;text-align:left;vertical-align:top}}
caption{{text-align:left;font-weight:bold;margin-bottom:.4rem}}.warning{{border-left:4px solid #D55E00;padding-left:1rem}}</style>
</head><body><main>
<h1>{escape(title)}</h1>
<p>{analysis.students} students analysed, {len(analysis.items)} items, {analysis.max_points:g} points in all.
Total scores: {stats}. Reliability (Cronbach's alpha over the items every student has a score on): {alpha}.</p>
{f'<div class="warning" role="note">{"".join(warnings)}</div>' if warnings else ""}
<h2>Items to look at</h2>
<ul>{"".join(lists)}</ul>
<h2>Score distribution</h2>
{_distribution_figure(analysis)}
<h2>Difficulty and discrimination</h2>
{_item_figure(analysis)}
<table><caption>Each item (the same numbers are in item-analysis.csv)</caption>
<thead><tr><th scope="col">Item</th><th scope="col">Kind</th><th scope="col">Out of</th><th scope="col">Students scored</th>
<th scope="col">Difficulty</th><th scope="col">Full marks</th><th scope="col">Point-biserial (rest)</th>
<th scope="col">Upper − lower 27%</th><th scope="col">Flags</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
<h2>How to read this</h2>
<ul>
<li><strong>Difficulty</strong> is the mean share of an item's points the class earned (1 = everybody full marks).
<strong>Full marks</strong> is the share of students who earned all of them.</li>
<li><strong>Point-biserial (rest)</strong> correlates the item with each student's points on the other items; 0.2 or more
is the usual sign of an item that separates stronger from weaker students. <strong>Upper − lower 27%</strong> is the
difference in mean share between the 27% of students with the highest and the lowest points on the other items.</li>
<li><strong>Possibly mis-keyed</strong>: point-biserial below {MISKEY_BELOW} and upper − lower below 0, so students who do
well elsewhere do worse here. <strong>Weak</strong>: point-biserial below {WEAK_BELOW}. A dash means the number is not
defined because the item or the rest-score does not vary.</li>
<li>Written answers graded by hand count like any other item once their grades are merged.</li>
</ul>
</main></body></html>
"""


def write_report(folder: Path, out: Path | None = None) -> tuple[Path, Analysis]:
    """Analyse the gradebook in ``folder`` and write the HTML (``out``, default ``folder/item-analysis.html``)
    and the two CSV files beside it. Raises :class:`~usvn.grading.itemanalysis.GradebookError` on bad input,
    before writing anything."""
    folder = Path(folder)
    analysis = analyse(load_gradebook(folder))
    out = Path(out) if out else folder / "item-analysis.html"
    title = f"Item analysis: {folder.resolve().name}"
    atomic_write(out, report_html(analysis, title))
    atomic_write(out.with_name("item-analysis.csv"), items_csv(analysis))
    atomic_write(out.with_name("score-distribution.csv"), distribution_csv(analysis))
    return out, analysis
