"""Time of `usvn report` (item analysis) on synthetic graded classes of growing size.

    .venv/bin/python benchmarks/item_analysis.py [--students 30 300 3000] [--items 12]

Writes each class as the grader does (results/*.json and gradebook.csv), then prints the time to read and
analyse it (the model) and to write the whole report (model, two PNG plots, HTML, CSV).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from nbformat.v4 import new_notebook

from usvn.grading.itemanalysis import analyse, load_gradebook
from usvn.grading.itemreport import write_report
from usvn.grading.reports import write_gradebook
from usvn.grading.results import ItemResult, SubmissionResult
from usvn.grading.source import Item, SourceSpec


def write_class(folder: Path, students: int, items: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    spec_items = [Item(f"q{n}", float(1 + n % 3), "manual" if n % 5 == 4 else "auto", "") for n in range(items)]
    spec = SourceSpec(new_notebook(), spec_items)
    (folder / "results").mkdir(parents=True)
    results = []
    for index in range(students):
        ability = rng.random()
        result = SubmissionResult(
            f"s{index:05d}",
            "",
            "graded",
            [
                ItemResult(
                    item.grade_id,
                    item.kind,
                    item.points,
                    item.points if rng.random() < 0.2 + 0.7 * ability else 0.0,
                    "passed",
                )
                for item in spec_items
            ],
        )
        (folder / "results" / f"{result.student}.json").write_text(json.dumps(result.as_dict()))
        results.append(result)
    write_gradebook(spec, results, folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, nargs="+", default=[30, 300, 3000])
    parser.add_argument("--items", type=int, default=12)
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]} on {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")
    for students in args.students:
        with tempfile.TemporaryDirectory() as temporary:
            folder = Path(temporary)
            write_class(folder, students, args.items)
            started = time.perf_counter()
            analyse(load_gradebook(folder))
            model = time.perf_counter() - started
            started = time.perf_counter()
            write_report(folder)
            report = time.perf_counter() - started
            print(
                f"{students:>6} students x {args.items} items: read + analyse {1000 * model:7.0f} ms, "
                f"whole report (plots, HTML, CSV) {1000 * report:7.0f} ms"
            )


if __name__ == "__main__":
    main()
