""" "Check your work" for students: the public checks, run on the saved notebook in a fresh kernel.

The exercise notebook's own test cells hold only public tests, so the notebook is checked against itself.
Messages say which answer is wrong and how, never the right answer, and end by saying that hidden tests
will also count.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

__all__ = ["check_report", "check_work", "find_notebook"]

FOOTER = (
    "These are the public checks only. Hidden tests will also count when your work is graded, "
    "and written answers are graded by hand against a rubric."
)


def find_notebook(stem: str) -> Path | None:
    """The notebook this kernel belongs to: Jupyter's session path, else ``<stem>.ipynb`` in this folder."""
    session = os.environ.get("JPY_SESSION_NAME", "")
    if session.endswith(".ipynb") and Path(session).is_file():
        return Path(session)
    for candidate in (Path.cwd() / f"{stem}.ipynb", *sorted(Path.cwd().glob(f"*{stem}*.ipynb"))):
        if candidate.is_file():
            return candidate
    return None


def check_report(path: Path, *, isolation: str = "rlimits") -> tuple[str, bool]:
    """The check as text, and whether every public check passed."""
    from usvn.grading.core import grade
    from usvn.grading.sandbox import Limits
    from usvn.grading.source import SourceError, read_source

    try:
        spec = read_source(path)
    except SourceError as error:
        return f"This notebook cannot be checked: {error}", False
    if isolation == "rlimits":  # the student's own notebook and public checks: the first level that works here
        from usvn.grading.sandbox import LEVELS, probe

        isolation = next((level for level in reversed(LEVELS) if probe(level)[0]), "")
        if not isolation:
            return (
                f"Could not check it: no way to run it here without administrator rights ({probe('rlimits')[1]})."
            ), False
    result = grade(spec, path, isolation=isolation, limits=Limits(cell_timeout=60, submission_timeout=300))
    lines = [f"Checking {Path(path).name} (your saved copy)", ""]
    if result.reason and result.status == "not graded":
        lines.append(f"Could not check it: {result.reason}.")
    all_passed = True
    for item in result.items:
        if item.kind == "manual":
            state = "written answer: graded by hand" if item.status != "unanswered" else "not answered yet"
            lines.append(f"  ✎ {item.grade_id} ({item.max_points:g} pt): {state}")
            continue
        if item.status == "passed":
            lines.append(f"  ✓ {item.grade_id} ({item.max_points:g} pt): passes the public checks")
        else:
            all_passed = False
            lines.append(f"  ✗ {item.grade_id} ({item.max_points:g} pt): {item.feedback}")
    for problem in result.problems:
        lines.append(f"  note: {problem}")
    for error in result.cell_errors[:5]:
        lines.append(f"  error in {error}")
    lines += ["", FOOTER]
    return "\n".join(lines), all_passed


def check_work(stem: str) -> None:
    """Run from an exercise notebook's last cell: check the saved notebook and print the result."""
    path = find_notebook(stem)
    if path is None:
        print(
            f"Could not find {stem}.ipynb next to this kernel. Save the notebook, then run in a terminal:\n"
            f"    usvn check-work PATH/TO/{stem}.ipynb"
        )
        return
    done = subprocess.run(
        [sys.executable, "-m", "usvn.grading.student", str(path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    print(done.stdout.rstrip() or done.stderr.strip()[-2000:])


def main(argv: list[str] | None = None) -> int:
    """``python -m usvn.grading.student NOTEBOOK``: print the check; exit 0 only if every public check passed."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m usvn.grading.student", description=main.__doc__)
    parser.add_argument("notebook", help="the saved exercise notebook")
    parser.add_argument("--isolation", default="rlimits", choices=["auto", "bwrap", "unshare", "rlimits"])
    args = parser.parse_args(argv)
    report, passed = check_report(Path(args.notebook), isolation=args.isolation)
    print(report)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
