"""The ``usvn`` command: a thin layer over functions that tests call directly."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["main"]


def _notebooks(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for path in map(Path, paths):
        found += sorted(path.glob("[0-9][0-9]-*.ipynb")) if path.is_dir() else [path]
    missing = [str(path) for path in found if not path.is_file()]
    if missing:
        raise SystemExit(f"usvn: no such notebook: {', '.join(missing)}")
    return found


def _refresh(args: argparse.Namespace) -> int:
    from usvn.authoring import refresh

    refresh(_notebooks(args.paths))
    return 0


def _key_check(args: argparse.Namespace) -> int:
    from usvn.data import load_lessons
    from usvn.quiz.model import load_quiz

    for lesson in load_lessons():
        print(load_quiz(lesson.number).key_check(), end="\n\n")
    return 0


def _check(args: argparse.Namespace) -> int:
    from usvn.data import DataError, check_citations, data_files, validate_data

    problems = 0
    for name in data_files():
        try:
            validate_data(name)
            if name not in ("sources.yaml", "lessons.yaml"):
                check_citations(name)
        except DataError as error:
            problems += 1
            print(f"FAIL {error}")
        else:
            print(f"ok   {name}")
    return 1 if problems else 0


def _guide(args: argparse.Namespace) -> int:
    from usvn.guide import refresh_docs

    root = Path(args.root)
    if not (root / "docs").is_dir():
        raise SystemExit(
            f"usvn: no docs/ folder in {root.resolve()}; run this in the module's top folder or pass --root"
        )
    report = refresh_docs(root, check=args.check)
    for line in report.changed:
        print(line)
    for line in report.problems:
        print(f"TO DO {line}")
    if not report.changed and not report.problems:
        print("docs/ is current")
    return 1 if report.problems else 0


def _links(args: argparse.Namespace) -> int:
    from usvn.authoring import REPOSITORY, STUDENT_BRANCH
    from usvn.deploy import lesson_links_markdown

    try:
        print(lesson_links_markdown(args.hub, args.repo or REPOSITORY, args.branch or STUDENT_BRANCH))
    except ValueError as error:
        raise SystemExit(f"usvn: {error}") from None
    return 0


def _generate(args: argparse.Namespace) -> int:
    from usvn.assignments import generate_exercises

    generate_exercises(Path(args.solutions), Path(args.exercises))
    return 0


def _release(args: argparse.Namespace) -> int:
    from usvn.authoring import release

    if (args.branch is None) == (args.out is None):
        raise SystemExit("usvn release: give exactly one of --branch student (a git branch) and OUT (a folder or .zip)")
    try:
        done = release(Path(args.root), branch=args.branch, out=Path(args.out) if args.out else None)
    except (ValueError, FileNotFoundError, RuntimeError) as error:
        raise SystemExit(f"usvn release: {error}") from None
    print(f"student release: {done}")
    return 0


def _limits(args: argparse.Namespace):
    from usvn.grading import Limits

    return Limits(
        cell_timeout=args.cell_timeout, submission_timeout=args.timeout, memory_mb=args.memory, cpu_seconds=args.cpu
    )


def solution_notebook(source: str, solutions: Path | None = None) -> Path:
    """The source notebook for ``--source``: a lesson number names this module's ``solutions/NN-*.ipynb`` (in
    ``solutions``, else ``./solutions``, else beside the package source); anything else is a path."""
    if not str(source).isdigit():
        return Path(source)
    number = int(source)
    folders = (
        [solutions] if solutions else [Path.cwd() / "solutions", Path(__file__).resolve().parents[2] / "solutions"]
    )
    for folder in folders:
        found = sorted(folder.glob(f"{number:02d}-*.ipynb")) if folder.is_dir() else []
        if found:
            return found[0]
    searched = ", ".join(str(folder) for folder in folders)
    raise FileNotFoundError(
        f"No solution notebook for lesson {number:02d} (looked in {searched}); "
        "give the source notebook's path instead, or --solutions FOLDER."
    )


def _grade(args: argparse.Namespace) -> int:
    from usvn.grading import SourceError, grade_batch, read_source

    try:
        spec = read_source(solution_notebook(args.source, Path(args.solutions) if args.solutions else None))
        out = Path(args.out)
        results = grade_batch(
            spec,
            Path(args.submissions),
            out,
            jobs=args.jobs,
            limits=_limits(args),
            isolation=args.isolation,
            scratch=Path(args.scratch) if args.scratch else None,
            keep_scratch=args.keep_scratch,
            feedback=Path(args.feedback) if args.feedback else None,
            shard=args.shard,
        )
    except (SourceError, FileNotFoundError, RuntimeError, ValueError) as error:
        raise SystemExit(f"usvn grade: {error}") from None
    pending = sum(1 for result in results for item in result.items if item.points is None)
    ungraded = [result.student for result in results if result.status == "not graded"]
    print(f"{len(results)} students; {pending} written answers to grade by hand in {out / 'manual-grading.csv'}")
    if ungraded:
        print(f"could not grade: {', '.join(ungraded)} (reasons in the gradebook)")
    return 0


def _shard(text: str):
    from usvn.grading.shards import Shard, ShardError

    try:
        return Shard.parse(text)
    except ShardError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _merge_shards(args: argparse.Namespace) -> int:
    from usvn.grading.shards import ShardError, merge_shards

    try:
        results = merge_shards(
            Path(args.out),
            [Path(folder) for folder in args.shards],
            source=solution_notebook(args.source, Path(args.solutions) if args.solutions else None)
            if args.source
            else None,
            feedback=Path(args.feedback) if args.feedback else None,
        )
    except (ShardError, RuntimeError, FileNotFoundError) as error:
        raise SystemExit(f"usvn merge-shards: {str(error).rstrip('.')}; nothing was written") from None
    print(f"merged {len(args.shards)} shards: {len(results)} students in {Path(args.out) / 'gradebook.csv'}")
    return 0


def _merge_manual(args: argparse.Namespace) -> int:
    import json

    from usvn.grading import SourceError, merge_manual, read_source

    out = Path(args.out)
    run = json.loads((out / "run.json").read_text(encoding="utf-8")) if (out / "run.json").is_file() else {}
    source = args.source or run.get("source")
    if not source:
        raise SystemExit("usvn merge-manual: give --source (the grading run left no run.json)")
    feedback = args.feedback or run.get("feedback")
    try:
        applied, problems = merge_manual(
            read_source(solution_notebook(source)), out, Path(args.sheet), Path(feedback) if feedback else None
        )
    except (SourceError, FileNotFoundError, ValueError, RuntimeError) as error:
        raise SystemExit(f"usvn merge-manual: {error}") from None
    for problem in problems:
        print(f"not merged: {problem}")
    print(f"merged {applied} hand grade(s) into {out / 'gradebook.csv'}")
    return 1 if problems else 0


def _check_work(args: argparse.Namespace) -> int:
    from usvn.grading import check_report

    report, passed = check_report(Path(args.notebook), isolation=args.isolation)
    print(report)
    return 0 if passed else 1


def _site(args: argparse.Namespace) -> int:
    from usvn.site import build_site

    pages = build_site(Path(args.notebooks), Path(args.out))
    print(f"Wrote {len(pages)} pages to {args.out}/ (open {Path(args.out) / 'index.html'})")
    return 0


def _report(args: argparse.Namespace) -> int:
    from usvn.grading import SMALL_CLASS, GradebookError, write_report

    try:
        path, analysis = write_report(Path(args.gradebook), Path(args.out) if args.out else None)
    except GradebookError as error:
        raise SystemExit(f"usvn report: {error}") from None
    print(
        f"item analysis of {analysis.students} students, {len(analysis.items)} items: {path} "
        f"(numbers in {path.with_name('item-analysis.csv')})"
    )
    if analysis.small_class:
        print(f"note: fewer than {SMALL_CLASS} students, so the discrimination figures are rough (see the report)")
    for flag in ("possibly mis-keyed", "nobody scored", "everybody full marks"):
        if analysis.flagged(flag):
            print(f"{flag}: {', '.join(analysis.flagged(flag))}")
    return 0


def _new_lesson(args: argparse.Namespace) -> int:
    from usvn.scaffold import new_lesson

    try:
        stem = new_lesson(Path(args.root), args.number, args.slug, title=args.title, minutes=args.minutes)
    except ValueError as error:
        raise SystemExit(f"usvn new-lesson: {error}") from None
    print(
        f"lesson {stem} started: write every 'TO WRITE:' part (CONTRIBUTING.md, 'Adding a lesson'), then run "
        f"`usvn refresh notebooks/{stem}.ipynb solutions/{stem}.ipynb`, `usvn generate` and `usvn guide`"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="usvn", description="Tools for the US-Vietnam teaching module.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    refresh = commands.add_parser("refresh", help="re-execute notebooks in fresh kernels and rewrite generated cells")
    refresh.add_argument("paths", nargs="+", help="notebooks, or folders of NN-*.ipynb notebooks")
    refresh.set_defaults(run=_refresh)
    key_check = commands.add_parser("key-check", help="check every quiz's answer key without printing answers")
    key_check.set_defaults(run=_key_check)
    check = commands.add_parser("check", help="validate every data file against its schema and the source registry")
    check.set_defaults(run=_check)
    guide = commands.add_parser("guide", help="refresh the generated parts of docs/ and start missing lesson pages")
    guide.add_argument("--check", action="store_true", help="change nothing; list stale, missing or unfinished pages")
    guide.add_argument("--root", default=".", help="the module's top folder (default: current folder)")
    guide.set_defaults(run=_guide)
    links = commands.add_parser("links", help="print each lesson's Binder and JupyterHub (nbgitpuller) link")
    links.add_argument("--hub", help="your hub's address, e.g. https://hub.example.edu")
    links.add_argument("--repo", help="the module's git repository (default: the published one)")
    links.add_argument("--branch", help="the branch students pull (default: student, written by usvn release)")
    links.set_defaults(run=_links)

    generate = commands.add_parser(
        "generate", help="generate exercises/ from solutions/ (solutions and hidden tests removed)"
    )
    generate.add_argument("--solutions", default="solutions", help="folder of NN-*.ipynb solution notebooks")
    generate.add_argument("--exercises", default="exercises", help="folder to write the exercise notebooks to")
    generate.set_defaults(run=_generate)
    release = commands.add_parser(
        "release",
        help="write the student tree (lessons, exercises, data, package; "
        "no solutions) as a git branch, a folder or a zip",
    )
    release.add_argument("out", nargs="?", help="a folder, or a file ending in .zip")
    release.add_argument(
        "--branch",
        help="commit the student tree on this branch instead (e.g. student), "
        "then publish it with `git push origin student`",
    )
    release.add_argument("--root", default=".", help="the module's top folder (default: here)")
    release.set_defaults(run=_release)

    grade = commands.add_parser("grade", help="grade a folder of submitted notebooks")
    grade.add_argument("submissions", help="folder from the LMS or JupyterHub: one file or one folder per student")
    grade.add_argument("--out", required=True, help="folder for gradebook.csv, results/, feedback/, manual-grading.csv")
    grade.add_argument(
        "--source",
        required=True,
        help="lesson number (this module's solutions/NN-*.ipynb) or path of an nbgrader source notebook",
    )
    grade.add_argument("--solutions", help="folder of solution notebooks (default: ./solutions)")
    grade.add_argument("--feedback", help="folder for the per-student HTML feedback (default: OUT/feedback)")
    grade.add_argument("--scratch", help="folder for the per-submission scratch areas (default: system temp)")
    grade.add_argument("--keep-scratch", action="store_true", help="keep scratch areas for inspection")
    grade.add_argument("--jobs", type=int, default=None, help="submissions graded at once (default: cores + 1)")
    grade.add_argument(
        "--isolation",
        default="auto",
        choices=["auto", "bwrap", "unshare", "rlimits"],
        help="auto picks the strongest the machine allows",
    )
    grade.add_argument("--cell-timeout", type=float, default=30.0, help="seconds per cell (default 30)")
    grade.add_argument("--timeout", type=float, default=180.0, help="seconds per submission (default 180)")
    grade.add_argument("--memory", type=int, default=2048, help="MiB of memory per kernel (default 2048)")
    grade.add_argument("--cpu", type=int, default=120, help="CPU seconds per kernel (default 120)")
    grade.add_argument(
        "--shard",
        type=_shard,
        metavar="I/N",
        help="grade only shard I of N (1 ≤ I ≤ N), for grading on several machines; then usvn merge-shards",
    )
    grade.set_defaults(run=_grade)

    shards = commands.add_parser(
        "merge-shards", help="combine the outputs of `usvn grade --shard I/N` into one gradebook"
    )
    shards.add_argument(
        "out", metavar="OUT", help="folder for the merged gradebook.csv, results/, feedback/, manual-grading.csv"
    )
    shards.add_argument("shards", nargs="+", metavar="SHARD_DIR", help="the --out folder of each shard")
    shards.add_argument("--source", help="the source notebook or lesson number (default: from the shards' run.json)")
    shards.add_argument("--solutions", help="folder of solution notebooks (default: ./solutions)")
    shards.add_argument("--feedback", help="folder for the per-student HTML feedback (default: OUT/feedback)")
    shards.set_defaults(run=_merge_shards)

    merge = commands.add_parser("merge-manual", help="merge hand grades from manual-grading.csv into the gradebook")
    merge.add_argument("sheet", help="the filled-in manual-grading.csv")
    merge.add_argument("--out", required=True, help="the folder `usvn grade --out` wrote")
    merge.add_argument("--source", help="the source used for grading (default: from OUT/run.json)")
    merge.add_argument("--feedback", help="feedback folder (default: as in the grading run)")
    merge.set_defaults(run=_merge_manual)

    check_work = commands.add_parser("check-work", help="run an exercise notebook's public checks (for students)")
    check_work.add_argument("notebook", help="your saved exercise notebook")
    check_work.add_argument("--isolation", default="rlimits", choices=["auto", "bwrap", "unshare", "rlimits"])
    check_work.set_defaults(run=_check_work)

    site = commands.add_parser(
        "site", help="build the static HTML site (lessons and an index) for readers without a kernel"
    )
    site.add_argument(
        "notebooks", nargs="?", default="notebooks", help="folder of lesson notebooks (default: notebooks)"
    )
    site.add_argument("--out", default="_site", help="folder to write the pages into (default: _site)")
    site.set_defaults(run=_site)

    report = commands.add_parser("report", help="item analysis of a graded class: HTML report with plots, and CSV")
    report.add_argument("gradebook", help="the folder `usvn grade --out` wrote (gradebook.csv and results/)")
    report.add_argument("--out", help="HTML file to write (default: GRADEBOOK/item-analysis.html; CSV files beside it)")
    report.set_defaults(run=_report)

    new = commands.add_parser(
        "new-lesson", help="start lesson NN: notebook, solution, quiz bank, registry, instructor page, browser test"
    )
    new.add_argument("number", type=int, help="the lesson's number, e.g. 6")
    new.add_argument(
        "slug", help="the rest of its name: a verb phrase in lowercase with hyphens, e.g. compare-trade-deals"
    )
    new.add_argument("--title", help="the lesson's title (default: from the slug)")
    new.add_argument("--minutes", type=int, default=60, help="about how long the lesson takes (default 60)")
    new.add_argument("--root", default=".", help="the module's top folder (default: current folder)")
    new.set_defaults(run=_new_lesson)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
