"""The student tree: built as a branch from a clone of the repository, and checked file by file for answer keys.

What counts as a key is read here from ``solutions/`` directly (not through the release code): the content of
every ``### BEGIN SOLUTION`` and ``### BEGIN HIDDEN TESTS`` region, every mark scheme, and every hand-graded
written answer (model answer and rubric), less the lines the same notebook also shows students.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT

from usvn import authoring
from usvn.authoring import PUBLIC_LINES, STUDENT_BRANCH, release
from usvn.cli import main

REGIONS = (
    ("### BEGIN SOLUTION", "### END SOLUTION"),
    ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"),
    ("### BEGIN MARK SCHEME", "### END MARK SCHEME"),
)
#: Lines too generic to be evidence (a table rule, a bare ``return 0.0``): under six letters and digits, a
#: short control-flow line without an assignment, a single word, an import, or a keyword tail.
_GENERIC = re.compile(
    r"^(return|if|elif|else|try|except|for|while|pass|break|continue)\b[^=]{0,16}$"
    r"|^[*_#\s]*[A-Za-z]+[.:]?[*_\s]*$"  # or one bare word, such as a "**Rubric**" heading
    r"|^(from\s+[\w.]+\s+)?import\s+[\w.,\s()]+$"  # an import of the module's public tools
    r"|^\w+=[\w.\-]+[),]*$"
)  # the keyword tail of a split call: "tolerance=0.001)"
NEVER = re.compile(r"^(solutions|tests|benchmarks|\.ci)/|^docs/instructor|^docs/(grading-guide|instructor-guide)\.md$")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
        env={
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.invalid",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.invalid",
            "PATH": "/usr/bin:/bin",
            "HOME": str(cwd),
        },
    ).stdout


def secrets(path: Path) -> set[str]:
    """The key's lines in one solution notebook: inside a region or a written answer, and nowhere public."""
    inside, public = set(), set()
    for cell in nbformat.read(path, as_version=4).cells:
        grading = cell.metadata.get("nbgrader", {})
        lines = cell.source.split("\n")
        if cell.cell_type == "markdown" and grading.get("solution") and grading.get("grade"):
            inside.update(line.strip() for line in lines)
            continue
        depth = None
        for line in lines:
            begin = next((pair for pair in REGIONS if line.strip() == pair[0]), None)
            if begin and depth is None:
                depth = begin
                continue
            if depth and line.strip() == depth[1]:
                depth = None
                continue
            (inside if depth else public).add(line.strip())
    shown = "\n".join(public)  # a line students see anyway (even as part of a longer line) is no secret
    return {
        line
        for line in inside
        if line not in shown
        and sum(char.isalnum() for char in line) >= 6
        and not _GENERIC.match(line)
        and line not in PUBLIC_LINES
    }


def leaks_in(files: dict[str, bytes], solutions: list[Path]) -> dict[str, list[str]]:
    """File -> the key lines found in it (as written, or JSON-escaped inside a notebook)."""
    keys = {path.name: secrets(path) for path in solutions}
    found: dict[str, list[str]] = {}
    for name, data in files.items():
        text = data.decode("utf-8", errors="replace")
        for solution, lines in keys.items():
            hits = [line for line in lines if line in text or json.dumps(line)[1:-1] in text]
            if name.endswith(".ipynb"):
                hits += [marker for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS") if marker in text]
            if hits:
                found.setdefault(name, []).extend(f"{solution}: {hit[:70]}" for hit in hits)
    return found


def branch_files(repo: Path, branch: str) -> dict[str, bytes]:
    names = git(repo, "ls-tree", "-r", "--name-only", branch).splitlines()
    return {
        name: subprocess.run(
            ["git", "cat-file", "blob", f"{branch}:{name}"], cwd=repo, check=True, capture_output=True
        ).stdout
        for name in names
    }


@pytest.fixture
def clone(tmp_path) -> Path:
    """A clone of this repository (its committed state), as an instructor's checkout of main."""
    target = tmp_path / "usvn"
    git(tmp_path, "clone", "--quiet", str(ROOT), str(target))
    return target


def test_the_key_is_found_in_every_solution_notebook():
    solutions = sorted((ROOT / "solutions").glob("[0-9][0-9]-*.ipynb"))
    assert solutions, "no solution notebooks found"
    for path in solutions:
        assert len(secrets(path)) >= 5, f"{path.name}: too few key lines found to prove anything"


def test_each_line_exempted_as_public_is_in_the_package_students_get():
    package = "\n".join(
        path.read_text(encoding="utf-8")
        for path in (ROOT / "src" / "usvn").rglob("*.py")
        if path.name != "authoring.py"
    )
    for line in PUBLIC_LINES:
        assert line in package, f"{line!r} is exempted as public text of the package, but the package lacks it"


def test_the_student_branch_holds_the_module_and_no_answer_key(clone):
    message = release(clone, branch=STUDENT_BRANCH)
    assert f"branch {STUDENT_BRANCH}" in message
    files = branch_files(clone, STUDENT_BRANCH)
    names = sorted(files)
    lessons = [name for name in names if re.fullmatch(r"notebooks/\d\d-.*\.ipynb", name)]
    exercises = [name for name in names if re.fullmatch(r"exercises/\d\d-.*\.ipynb", name)]
    solutions = sorted((clone / "solutions").glob("[0-9][0-9]-*.ipynb"))
    assert lessons and len(exercises) == len(solutions) > 0
    for needed in (
        "README.md",
        "environment.yml",
        "postBuild",
        "pyproject.toml",
        "requirements.txt",
        "LICENSE-CODE",
        "LICENSE-CONTENT",
        "src/usvn/__init__.py",
        "src/usvn/data/sources.yaml",
        "src/usvn/data/schemas/quiz.schema.json",
        "docs/self-study.md",
    ):
        assert needed in files, f"the student tree lacks {needed}"
    assert "100755" in git(clone, "ls-tree", STUDENT_BRANCH, "postBuild"), "postBuild must stay executable"
    assert not [name for name in names if NEVER.search(name)], [name for name in names if NEVER.search(name)]
    for name in exercises:
        assert "YOUR CODE HERE" in files[name].decode() or "YOUR ANSWER HERE" in files[name].decode(), name
    assert leaks_in(files, solutions) == {}, "answer keys in the student branch"
    # The branch is a separate line of history; main and the checked-out files are untouched.
    assert git(clone, "status", "--porcelain") == ""
    assert (clone / "solutions").is_dir()


def test_a_leaked_solution_file_is_caught_by_this_check(clone, monkeypatch):
    """Show that the check above fails when a solution reaches the tree: first with the release's own
    protection switched off (this test's scan must find it), then with it on (the release must refuse)."""
    solutions = sorted((clone / "solutions").glob("[0-9][0-9]-*.ipynb"))
    leaked = solutions[0]
    shutil.copy(leaked, clone / "notebooks" / leaked.name)  # a solution saved over its lesson by mistake
    monkeypatch.setattr(authoring, "tree_leaks", lambda *args, **kwargs: [])
    release(clone, branch="unprotected")
    found = leaks_in(branch_files(clone, "unprotected"), solutions)
    assert f"notebooks/{leaked.name}" in found, found
    monkeypatch.undo()
    with pytest.raises(ValueError, match=rf"leak solutions/{leaked.name} in notebooks/{leaked.name}"):
        release(clone, branch=STUDENT_BRANCH)
    with pytest.raises(subprocess.CalledProcessError):
        git(clone, "rev-parse", "--verify", STUDENT_BRANCH)  # nothing was written


def test_a_new_release_is_one_more_commit_on_the_branch_never_a_rewrite(clone):
    release(clone, branch=STUDENT_BRANCH)
    first = git(clone, "rev-parse", STUDENT_BRANCH).strip()
    assert "nothing to commit" in release(clone, branch=STUDENT_BRANCH)
    lesson = sorted((clone / "notebooks").glob("0[1-9]-*.ipynb"))[0]
    notebook = nbformat.read(lesson, as_version=4)
    notebook.cells[1].source += "\n\n*Corrected.*"
    nbformat.write(notebook, lesson)
    git(clone, "commit", "--quiet", "-am", "Correct a lesson")
    release(clone, branch=STUDENT_BRANCH)
    assert git(clone, "rev-parse", f"{STUDENT_BRANCH}^").strip() == first
    assert "*Corrected.*" in branch_files(clone, STUDENT_BRANCH)[f"notebooks/{lesson.name}"].decode()


def test_the_folder_and_the_zip_hold_the_same_files_as_the_branch(clone, tmp_path):
    release(clone, branch=STUDENT_BRANCH)
    branch = branch_files(clone, STUDENT_BRANCH)
    assert main(["release", str(tmp_path / "folder"), "--root", str(clone)]) == 0
    folder = {
        path.relative_to(tmp_path / "folder").as_posix(): path.read_bytes()
        for path in (tmp_path / "folder").rglob("*")
        if path.is_file()
    }
    assert main(["release", str(tmp_path / "student.zip"), "--root", str(clone)]) == 0
    with zipfile.ZipFile(tmp_path / "student.zip") as archive:
        zipped = {name.removeprefix("usvn-student/"): archive.read(name) for name in archive.namelist()}
    assert folder == zipped == branch


def test_release_refuses_unclear_or_unsafe_targets(clone, tmp_path):
    with pytest.raises(SystemExit, match="exactly one of"):
        main(["release", str(tmp_path / "x"), "--branch", "student", "--root", str(clone)])
    with pytest.raises(SystemExit, match="exactly one of"):
        main(["release", "--root", str(clone)])
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(SystemExit, match="not an earlier student release"):
        main(["release", str(tmp_path / "mine"), "--root", str(clone)])
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


def test_files_git_does_not_track_stay_out_of_the_release(clone):
    (clone / "notebooks" / "my-answers-draft.md").write_text("Question 1: c\n")  # an instructor's scratch file
    release(clone, branch=STUDENT_BRANCH)
    files = branch_files(clone, STUDENT_BRANCH)
    assert any(name.startswith("notebooks/") for name in files)
    assert "notebooks/my-answers-draft.md" not in files


def test_every_relative_link_in_the_student_tree_leads_to_a_file_in_it(clone):
    release(clone, branch=STUDENT_BRANCH)
    files = branch_files(clone, STUDENT_BRANCH)
    checked = 0
    for name, data in files.items():
        if not name.endswith((".md", ".ipynb")):
            continue
        for target in re.findall(r"\]\(([^)\s#]+)(?:#[^)]*)?\)", data.decode()):
            if re.match(r"^[a-z]+:", target):
                continue
            resolved = (Path(name).parent / target).as_posix()
            parts: list[str] = []
            for part in resolved.split("/"):
                parts = parts[:-1] if part == ".." else parts + [part] if part != "." else parts
            assert "/".join(parts) in files, f"{name} links to {target}, which students do not get"
            checked += 1
    assert checked >= 10, "too few links found to prove anything"
