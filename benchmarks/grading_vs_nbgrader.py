"""Throughput of `usvn grade` against `nbgrader autograde` on the same class of synthetic submissions.

    .venv/bin/python benchmarks/grading_vs_nbgrader.py [--students 24] [--lesson 1] [--jobs 2]

Builds a class from exercises/NN-*.ipynb with answers varied per student (right, wrong value, wrong type,
wrong function), has nbgrader autograde them (serially, as it does) and this grader grade them (in parallel),
then prints both throughputs, their ratio, the load average, and every score that differs.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

VARIANTS = {  # lesson 01: grade_id -> answers (index 0 is right)
    "q1": ['first_event = "c"', 'first_event = "a"', "first_event = 2"],
    "q2": ["years_to_security = 8", "years_to_security = 21", "years_to_security = 8.0"],
    "q3": ['rights_ids = ["2024-nguyen-van-binh-arrested", "2024-fourth-upr", "2025-human-rights-dialogue-28", '
           '"2025-molisa-merged-into-home-affairs", "2025-hrc-reelection"]',
           'rights_ids = ["2024-fourth-upr"]'],
    "q4": ['cutter_themes = ["security"]', 'cutter_themes = ["trade"]', 'cutter_themes = "security"'],
    "q4-reason": ["A ship transfer and a defence plan are security; trade does not fit a transfer between governments."],
    "q5": ['security_figure = timeline_figure(security_events, (2003, 2026))\n'
           'security_alt = "Timeline chart of nine security events from 2003 to 2023, by date and theme."',
           'security_figure = timeline_figure(security_events, (2003, 2026))\n'
           'security_alt = "A chart of the security events from 2003 to 2019, by date."'],
    "q6": ['unattributed = "b"', 'unattributed = "a"'],
    "q7": ["Xinhua stresses a shared future; Voice of America stresses that Hanoi had declined that wording."],
    "q8": ["The upgrade happened in 2023, so the obstacles were set aside; Directive 24 shows they remained."],
    "q9": ["tariff_claim_rating = 1", "tariff_claim_rating = 3"],
    "q9-reason": ["2025-reciprocal-tariff-announced set 46% in April 2025, against the prediction."],
    "d1": ['n_trade_recent = len(filter_events(events, {"trade"}, (2025, 2026)))', "n_trade_recent = 4"],
    "d2": ["def weighted_score(counts, weights):\n    return sum(c * weights.get(t, 0.0) for t, c in counts.items())",
           "def weighted_score(counts, weights):\n    return float(sum(counts.values()))"],
}


def make_class(exercise: Path, folder: Path, students: int) -> list[str]:
    names = []
    for number in range(students):
        notebook = nbformat.read(exercise, as_version=4)
        notebook.cells = [cell for cell in notebook.cells if cell.metadata.get("usvn", {}).get("generated") != "check"]
        for position, cell in enumerate(notebook.cells):
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in VARIANTS and cell.metadata["nbgrader"].get("solution"):
                options = VARIANTS[grade_id]
                cell.source = options[(number + position) % len(options)] if number % 3 else options[0]
        name = f"student{number:03d}"
        target = folder / name / exercise.name
        target.parent.mkdir(parents=True)
        nbformat.write(notebook, target)
        names.append(name)
    return names


def run_nbgrader(solution: Path, submissions: Path, names: list[str], work: Path) -> tuple[float, dict]:
    course = work / "course"
    (course / "source" / "ps").mkdir(parents=True)
    shutil.copy(solution, course / "source" / "ps" / solution.name)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
    db = f"sqlite:///{work / 'gradebook.db'}"
    base = [sys.executable, "-m", "nbgrader"]
    common = [f"--CourseDirectory.root={course}", f"--db={db}"]
    subprocess.run([*base, "generate_assignment", "ps", "--force", *common], check=True, env=env, cwd=course,
                   capture_output=True)
    for name in names:
        target = course / "submitted" / name / "ps"
        target.mkdir(parents=True)
        shutil.copy(submissions / name / solution.name, target / solution.name)
    started = time.perf_counter()
    done = subprocess.run([*base, "autograde", "ps", "--create", "--force", *common], env=env, cwd=course,
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"nbgrader autograde failed:\n{done.stderr[-3000:]}")
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(db) as gradebook:
        for name in names:
            notebook = gradebook.find_submission_notebook(solution.stem, "ps", name)
            scores[name] = {grade.name: grade.auto_score for grade in notebook.grades if grade.auto_score is not None}
    return elapsed, scores


def run_ours(solution: Path, submissions: Path, work: Path, jobs: int) -> tuple[float, dict, str]:
    from usvn.grading.batch import grade_batch
    from usvn.grading.sandbox import Limits

    log = io.StringIO()
    started = time.perf_counter()
    results = grade_batch(solution, submissions, work / "ours", jobs=jobs, limits=Limits(), stream=log)
    elapsed = time.perf_counter() - started
    scores = {result.student: {item.grade_id: item.points for item in result.items if item.kind == "auto"}
              for result in results}
    return elapsed, scores, log.getvalue().splitlines()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=24)
    parser.add_argument("--lesson", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    solution = sorted((ROOT / "solutions").glob(f"{args.lesson:02d}-*.ipynb"))[0]
    exercise = ROOT / "exercises" / solution.name
    with tempfile.TemporaryDirectory(prefix="usvn-bench-") as folder:
        work = Path(folder)
        names = make_class(exercise, work / "submissions", args.students)
        load_before = os.getloadavg()
        theirs, their_scores = run_nbgrader(solution, work / "submissions", names, work)
        ours, our_scores, isolation = run_ours(solution, work / "submissions", work, args.jobs)
        load_after = os.getloadavg()
    differences = [(name, item, their_scores[name].get(item), points)
                   for name in names for item, points in our_scores[name].items()
                   if their_scores[name].get(item) != points]
    print(f"{args.students} submissions of {solution.name}, {os.cpu_count()} cores, "
          f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print(f"nbgrader autograde (serial):   {theirs:6.1f} s  {args.students / theirs:5.2f} submissions/s  "
          f"({theirs / args.students:.2f} s each)")
    print(f"usvn grade ({args.jobs} jobs):          {ours:6.1f} s  {args.students / ours:5.2f} submissions/s  "
          f"({ours / args.students:.2f} s each)")
    print(f"ratio (usvn / nbgrader throughput): {theirs / ours:.2f}x")
    print(f"usvn {isolation}")
    totals = sum(sum(scores.values()) for scores in our_scores.values())
    print(f"auto points awarded: usvn {totals:g}, nbgrader {sum(sum(s.values()) for s in their_scores.values()):g}")
    print(f"score differences: {len(differences)}")
    for difference in differences:
        print("  ", *difference)


if __name__ == "__main__":
    main()
