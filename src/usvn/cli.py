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


def _site(args: argparse.Namespace) -> int:
    from usvn.site import build_site

    pages = build_site(Path(args.notebooks), Path(args.out))
    print(f"Wrote {len(pages)} pages to {args.out}/ (open {Path(args.out) / 'index.html'})")
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
    site = commands.add_parser("site", help="build the static HTML site (lessons and an index) for readers without a kernel")
    site.add_argument("notebooks", nargs="?", default="notebooks", help="folder of lesson notebooks (default: notebooks)")
    site.add_argument("--out", default="_site", help="folder to write the pages into (default: _site)")
    site.set_defaults(run=_site)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
