"""Authoring steps for lesson notebooks, each small and composable.

- :func:`notebook_from_percent` turns a ``# %%``-style text into a notebook (for drafting a new lesson).
- :func:`execute` runs a notebook top to bottom in a fresh kernel, as nbval will.
- :func:`apply_generated_cells` writes the cells every lesson repeats (header, sources, the "Download my work"
  button, navigation). Generated cells carry ``metadata.usvn.generated``, so running it again replaces them: it
  is idempotent. It also folds away the instructor-only key-check cells (:func:`mark_instructor_cells`).
- :func:`student_tree` and :func:`release` build the student tree (lessons, exercises, data and the package,
  never ``solutions/``, hidden tests or instructor pages) as a git branch, a folder or a zip.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from usvn.data import DataError, load_lessons, load_sources

__all__ = [
    "BINDER_BASE",
    "INSTRUCTOR_TAG",
    "REPOSITORY",
    "STUDENT_BRANCH",
    "apply_generated_cells",
    "binder_url",
    "cited_ids",
    "execute",
    "mark_instructor_cells",
    "notebook_from_percent",
    "refresh",
    "release",
    "student_tree",
]

#: Where the module is published. Forks change these lines (and the README badge) only.
REPOSITORY = "https://github.com/usvn-course/usvn"
#: The branch students get (``usvn release --branch student``): lessons and exercises, never the answer keys.
#: Binder links, lesson headers and ``usvn links`` point at it; ``main`` holds the instructors' full module.
STUDENT_BRANCH = "student"
BINDER_BASE = f"https://mybinder.org/v2/gh/usvn-course/usvn/{STUDENT_BRANCH}"
#: The tag on cells the static site leaves out (nbconvert's TagRemovePreprocessor) and students see folded.
INSTRUCTOR_TAG = "remove-cell"

KERNEL_NAME = "python3"
_CITATION = re.compile(r"#src-([a-z0-9]+(?:-[a-z0-9]+)*)")
_CELL_MARK = re.compile(r"^# %%(?P<markdown> \[markdown\])?(?P<tags>\s+tags=\[[^\]]*\])?\s*$")


def binder_url(notebook_path: str) -> str:
    """A Binder link that opens JupyterLab on one notebook.

    >>> binder_url("notebooks/01-trace-us-vietnam-relations.ipynb")
    'https://mybinder.org/v2/gh/usvn-course/usvn/student?urlpath=lab/tree/notebooks/01-trace-us-vietnam-relations.ipynb'
    """
    return f"{BINDER_BASE}?urlpath=lab/tree/{notebook_path}"


def notebook_from_percent(text: str) -> NotebookNode:
    """Build a notebook from ``# %%`` cells; ``# %% [markdown]`` cells have each line's ``# `` removed.

    >>> nb = notebook_from_percent("# %% [markdown]\\n# # Title\\n# %% tags=['nbval-ignore-output']\\nprint(1)\\n")
    >>> [(cell.cell_type, cell.source, cell.metadata.get('tags')) for cell in nb.cells]
    [('markdown', '# Title', None), ('code', 'print(1)', ['nbval-ignore-output'])]
    """
    cells: list[NotebookNode] = []
    kind, tags, lines = None, [], []

    def flush() -> None:
        if kind is None:
            return
        body = "\n".join(lines).strip("\n")
        if kind == "markdown":
            body = "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#") for line in body.splitlines())
            cells.append(new_markdown_cell(body))
        else:
            cell = new_code_cell(body)
            if tags:
                cell.metadata["tags"] = tags
            cells.append(cell)

    for line in text.splitlines():
        mark = _CELL_MARK.match(line)
        if mark:
            flush()
            kind = "markdown" if mark["markdown"] else "code"
            tags = re.findall(r"['\"]([^'\"]+)['\"]", mark["tags"] or "")
            lines = []
        else:
            lines.append(line)
    flush()
    for index, cell in enumerate(cells):
        cell["id"] = f"cell-{index:03d}"
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "name": KERNEL_NAME,
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook


def execute(notebook: NotebookNode, working_dir: Path, timeout: int = 120) -> NotebookNode:
    """Run every cell in a fresh kernel, as nbval does; raises on the first error.

    The kernel saves students' notes into an empty temporary folder, so an author's own ``my-notes/`` never
    reaches the stored outputs.
    """
    import os
    import tempfile

    from usvn.notes import FOLDER_VARIABLE

    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name=KERNEL_NAME,
        record_timing=False,
        resources={"metadata": {"path": str(working_dir)}},
    )
    before = os.environ.get(FOLDER_VARIABLE)
    with tempfile.TemporaryDirectory(prefix="usvn-notes-") as notes:
        os.environ[FOLDER_VARIABLE] = notes  # the kernel inherits the environment it is started in
        try:
            client.execute()
        finally:
            if before is None:
                os.environ.pop(FOLDER_VARIABLE, None)
            else:
                os.environ[FOLDER_VARIABLE] = before
    notebook.metadata.pop("widgets", None)  # widget state holds random model ids; nothing reads it back
    _stabilise_widget_ids(notebook)
    return notebook


def _stabilise_widget_ids(notebook: NotebookNode) -> None:
    """Replace random widget model ids in stored outputs by ones derived from their position.

    No stored id refers to a live model (the state is not saved), so this only keeps diffs to real changes.
    """
    for cell_index, cell in enumerate(notebook.cells):
        for output_index, output in enumerate(cell.get("outputs", [])):
            view = output.get("data", {}).get("application/vnd.jupyter.widget-view+json")
            if view:
                view["model_id"] = hashlib.sha256(f"{cell_index}:{output_index}".encode()).hexdigest()[:32]


def cited_ids(notebook: NotebookNode) -> list[str]:
    """Source ids cited in the notebook's markdown and outputs, in order of first citation."""
    found: dict[str, None] = {}
    for cell in notebook.cells:
        if _generated(cell):
            continue
        texts = [cell.source]
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            texts += [str(data.get("text/html", "")), str(data.get("text/markdown", ""))]
        for text in texts:
            for source_id in _CITATION.findall(text):
                found.setdefault(source_id, None)
    return list(found)


def _generated(cell: NotebookNode) -> str | None:
    return cell.get("metadata", {}).get("usvn", {}).get("generated")


def _lesson_for(stem: str):
    for lesson in load_lessons():
        if lesson.stem == stem:
            return lesson
    raise DataError(f"'{stem}' is not in lessons.yaml; add the lesson there first.")


def header_cell(stem: str) -> NotebookNode:
    lesson = _lesson_for(stem)
    total = max(item.number for item in load_lessons())
    text = (
        f"*Lesson {lesson.number:02d} of {total:02d} · about {lesson.minutes} minutes · "
        f"[open this lesson on Binder]({binder_url(f'notebooks/{stem}.ipynb')}) · "
        "text CC BY 4.0, code MIT (see the licence files in the module's top folder)*"
    )
    return _marked(new_markdown_cell(text), "header")


def navigation_cell(stem: str) -> NotebookNode:
    lessons = load_lessons()
    index = [lesson.stem for lesson in lessons].index(_lesson_for(stem).stem)
    parts = []
    if index > 0:
        previous = lessons[index - 1]
        parts.append(f"← Previous: [{previous.number:02d} {previous.title}]({previous.stem}.ipynb)")
    if index + 1 < len(lessons):
        following = lessons[index + 1]
        parts.append(f"Next: [{following.number:02d} {following.title}]({following.stem}.ipynb) →")
    else:
        parts.append("This is the last lesson of the module.")
    return _marked(new_markdown_cell(" | ".join(parts)), "navigation")


def sources_cell(source_ids: Iterable[str]) -> NotebookNode:
    registry = load_sources()
    unknown = [source_id for source_id in source_ids if source_id not in registry]
    if unknown:
        raise DataError(f"Cited but missing from sources.yaml: {', '.join(unknown)}.")
    lines = [
        "## Sources",
        "",
        "Every source cited above, with what kind of source it is and how to read it. "
        "Government and state-media sources state their government's position; advocacy groups argue a case; "
        "weigh each for what it can and cannot show.",
        "",
    ]
    for source_id in sorted(source_ids, key=lambda item: registry[item].label.lower()):
        source = registry[source_id]
        via = f" Read via {source.via}." if source.via else ""
        lines.append(
            f'- <a id="src-{source_id}" name="src-{source_id}"></a>**{source.label}.** {"; ".join(source.authors)}. '
            f"*{source.title}*. {source.publisher}, {source.date}. <{source.url}> (accessed {source.accessed}; "
            f"{source.licence}). Kind: {source.kind.replace('-', ' ')}. {source.annotation}{via}"
        )
    return _marked(new_markdown_cell("\n".join(lines)), "sources")


def _marked(cell: NotebookNode, role: str) -> NotebookNode:
    cell.metadata["usvn"] = {"generated": role}
    return cell


_CITATION_LINK = re.compile(r"\[[^\]]*\]\(#src-([a-z0-9]+(?:-[a-z0-9]+)*)\)")


def label_citations(markdown: str) -> str:
    """Give every citation link its registry label, so ``[x](#src-tran-2021)`` reads ``[Tran 2021](...)``.

    >>> label_citations("As argued ([Tran](#src-tran-2021)).")
    'As argued ([Tran 2021](#src-tran-2021)).'
    """
    registry = load_sources()

    def relabel(match: re.Match) -> str:
        source = registry.get(match[1])
        if source is None:
            raise DataError(f"Cited but missing from sources.yaml: {match[1]}.")
        return f"[{source.label}](#src-{match[1]})"

    return _CITATION_LINK.sub(relabel, markdown)


DOWNLOAD_SOURCE = "from usvn.download import download_button\n\ndownload_button()"
_KEY_CHECK = re.compile(r"\.key_check\(\)")
_LABEL = re.compile(r"\bfor instructors\b", re.I)
INSTRUCTOR_LABEL = (
    "For instructors: the folded cell below checks the quiz's answer key without showing any "
    "answer. Students can skip it."
)


def download_cell() -> NotebookNode:
    """The "Download my work" button that closes every lesson (:mod:`usvn.download`)."""
    return _marked(new_code_cell(DOWNLOAD_SOURCE), "download")


def is_solution(notebook: NotebookNode) -> bool:
    """Whether ``notebook`` is an nbgrader source (``solutions/``): it gets no download button."""
    return any("nbgrader" in cell.get("metadata", {}) for cell in notebook.cells)


def mark_instructor_cells(cells: list[NotebookNode]) -> list[NotebookNode]:
    """Fold the instructor-only key-check cells and tag them for the static site to leave out.

    A cell that runs ``....key_check()`` stays (nbval runs it) but gets ``metadata.jupyter.source_hidden`` and
    ``outputs_hidden`` (JupyterLab shows it collapsed) and the ``remove-cell`` tag. It must follow a markdown
    label that says it is "for instructors"; a label that is only that (starts with "For instructors") is
    tagged too, and where no label precedes the cell a generated one is put before it. Returns the new list.

    >>> from nbformat.v4 import new_code_cell
    >>> cells = mark_instructor_cells([new_code_cell("print(load_quiz(1).key_check())")])
    >>> [cell.cell_type for cell in cells], cells[1].metadata["jupyter"], cells[1].metadata["tags"]
    (['markdown', 'code'], {'source_hidden': True, 'outputs_hidden': True}, ['remove-cell'])
    """
    result: list[NotebookNode] = []
    for cell in cells:
        if cell.cell_type == "code" and _KEY_CHECK.search(cell.source):
            previous = result[-1] if result else None
            labelled = previous is not None and previous.cell_type == "markdown" and _LABEL.search(previous.source)
            if not labelled:
                previous = _marked(new_markdown_cell(INSTRUCTOR_LABEL), "instructor-label")
                result.append(previous)
            if previous.source.lstrip().lower().startswith("for instructors"):
                _tag(previous, INSTRUCTOR_TAG)
            cell.metadata.setdefault("jupyter", {}).update({"source_hidden": True, "outputs_hidden": True})
            _tag(cell, INSTRUCTOR_TAG)
        result.append(cell)
    return result


def _tag(cell: NotebookNode, tag: str) -> None:
    tags = cell.metadata.setdefault("tags", [])
    if tag not in tags:
        tags.append(tag)


def apply_generated_cells(notebook: NotebookNode, stem: str) -> NotebookNode:
    """Replace the generated cells and label citations; fold the instructor-only cells.

    Order: header first; then the lesson; then sources, the "Download my work" button (lessons only, not
    solution notebooks) and navigation. A generated code cell whose source is unchanged keeps its stored
    outputs, so running this on an executed notebook keeps it executed.
    """
    previous = {_generated(cell): cell for cell in notebook.cells if _generated(cell)}
    own = [cell for cell in notebook.cells if not _generated(cell)]
    for cell in own:
        if cell.cell_type == "markdown":
            cell.source = label_citations(cell.source)
    notebook.cells = own
    ids = cited_ids(notebook)
    closing = [sources_cell(ids)] if ids else []
    if not is_solution(notebook):
        button = download_cell()
        kept = previous.get("download")
        if kept is not None and kept.cell_type == "code" and kept.source == button.source:
            button.outputs, button.execution_count = kept.get("outputs", []), kept.get("execution_count")
        closing.append(button)
    notebook.cells = [header_cell(stem), *mark_instructor_cells(own), *closing, navigation_cell(stem)]
    seen: set[str] = set()
    labels = 0
    for index, cell in enumerate(notebook.cells):
        role = _generated(cell)
        if role == "instructor-label":
            labels += 1
            wanted = f"usvn-{role}-{labels}"
        else:
            wanted = f"usvn-{role}" if role else cell.get("id") or f"cell-{index:03d}"
        cell["id"] = wanted if wanted not in seen else f"cell-{index:03d}"
        seen.add(cell["id"])
    return notebook


def refresh(paths: Iterable[Path], *, progress: Callable[[str], None] = print) -> None:
    """Rewrite each notebook's generated cells, re-execute it in a fresh kernel, then rewrite the cells that
    depend on outputs (the sources list); stored in place. Generated code cells are executed with the rest."""
    paths = [Path(path) for path in paths]
    for number, path in enumerate(paths, start=1):
        progress(f"[{number}/{len(paths)}] {path}")
        notebook = nbformat.read(path, as_version=4)
        apply_generated_cells(notebook, path.stem)
        execute(notebook, path.parent.resolve())
        apply_generated_cells(notebook, path.stem)
        nbformat.write(notebook, path)


# --------------------------------------------------------------------------- the student tree

#: Top-level files students get as they are (Binder reads environment.yml and postBuild; pip reads pyproject.toml).
STUDENT_FILES = (
    "pyproject.toml",
    "requirements.txt",
    "environment.yml",
    "postBuild",
    "Makefile",
    "LICENSE-CODE",
    "LICENSE-CONTENT",
    "CITATION.cff",
    ".gitignore",
    "docs/self-study.md",
)
#: Folders taken whole (tracked files only); the package carries the data files and their schemas.
STUDENT_FOLDERS = ("src/usvn",)
_NEVER = re.compile(
    r"(^|/)(solutions|tests|benchmarks|\.ci|docs/instructor[^/]*|__pycache__)(/|$)|"
    r"(^|/)docs/(grading-guide|instructor-guide|deployment)\.md$|\.pyc$"
)
STUDENT_README = """# US–Vietnam relations, leverage and market-economy status

Interactive lessons on US–Vietnam relations since 1995, on when multilateral or bilateral leverage moved
Vietnam's labor and rights practice, and on the US market-economy criteria that tie labor rights to trade.
This is the students' copy of the module: the lessons, the graded exercises, the data and the code they run.

[![Open lesson 00 on Binder](https://mybinder.org/badge_logo.svg)]({binder})

## The lessons

{lessons}

Start with lesson 00. The [self-study page](docs/self-study.md) explains how to open a lesson, how your work
is kept and how to download it.

- `notebooks/`: the lessons.
- `exercises/`: the graded exercises, one per lesson. Write your answers where a cell says `YOUR CODE HERE`
  or `YOUR ANSWER HERE`, then run **Check your work** at the end. It runs the public checks only; hidden
  tests also count when your work is graded, and written answers are graded by hand.

## Your work

The lessons' tools save what you write (reflections, arguments, codings, ratings, the memo draft) as files in
a `my-notes` folder beside the notebook, and your edits to a notebook are kept when you save it (Ctrl+S).
On Binder everything is deleted when the session ends: press **Download my work** (in lesson 00 and at the
end of every lesson) and save the zip it offers.

## Licences

Lesson text, quizzes and data: CC BY 4.0 (`LICENSE-CONTENT`). Code: MIT (`LICENSE-CODE`).
Passages drawn from Project88's 2024 report are used under Project88's non-commercial licence; see `LICENSE-CONTENT`.
"""


#: Lines of solution notebooks that are also the package's own public text, so finding them in the student tree
#: is no leak: each is named with where it is public. Anything else from a solution region stops a release.
PUBLIC_LINES = {
    "counts = evidence_counts(claims)": "the usage example in usvn.claims",
    "| Criterion | Beginning (1) | Developing (2) | Proficient (3) | Exemplary (4) |": "the memo rubric's table head (usvn.rubrics), which students use for their self-check",
}
_MIN_ALNUM = 6
_LABEL_ONLY = re.compile(r"^[*_#\s]*[A-Za-z]+[.:]?[*_\s]*$")  # one bare word, such as a "**Rubric**" heading
_CONTROL = re.compile(r"^(return|if|elif|else|try|except|for|while|pass|break|continue)\b[^=]{0,16}$")
#: An import names the module's public tools, which students have anyway; it gives no answer away.
_IMPORT = re.compile(r"^(from\s+[\w.]+\s+)?import\s+[\w.,\s()]+$")
#: The tail of a call split over lines ("tolerance=0.001)"): a keyword and a number or a name, nothing to leak.
_ARGUMENT_TAIL = re.compile(r"^\w+=[\w.\-]+[),]*$")


def key_lines(source: NotebookNode) -> list[str]:
    """The lines of ``source`` whose presence in a student file is a leak (see :func:`tree_leaks`)."""
    from usvn.assignments import secret_lines

    return [
        line
        for line in sorted(secret_lines(source))
        if sum(char.isalnum() for char in line) >= _MIN_ALNUM
        and line not in PUBLIC_LINES
        and not _CONTROL.match(line)
        and not _LABEL_ONLY.match(line)
        and not _IMPORT.match(line)
        and not _ARGUMENT_TAIL.match(line)
    ]


def tree_leaks(source: NotebookNode, name: str, text: str, lines: list[str] | None = None) -> list[str]:
    """Lines of ``source``'s solution, hidden-test and model-answer regions found in the file ``name``.

    Lines with fewer than six letters or digits (a table rule), a single bare word (a ``**Rubric**`` heading),
    short control-flow lines (a bare return or ``if`` test), imports, the keyword tail of a split call
    (``tolerance=0.001)``) and :data:`PUBLIC_LINES` are not evidence of a leak; nbgrader's region markers are, in
    a notebook.
    ``lines`` is :func:`key_lines` of ``source``, when already computed.
    """
    import json

    from usvn.assignments import MARKERS

    found = [f"marker '{marker}'" for marker in MARKERS if name.endswith(".ipynb") and marker in text]
    for line in key_lines(source) if lines is None else lines:
        if line in text or json.dumps(line)[1:-1] in text:
            found.append(f"line {line[:60]!r}")
    return found


def _git(root: Path, *args: str, env: dict | None = None, data: bytes | None = None) -> str:
    import os
    import subprocess

    done = subprocess.run(
        ["git", *args], cwd=root, input=data, capture_output=True, env={**os.environ, **(env or {})}, timeout=120
    )
    if done.returncode:
        raise RuntimeError(f"git {' '.join(args)} failed in {root}: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout.decode()


def _tracked(root: Path) -> list[str]:
    """Files git tracks, as on disk. Untracked files (an instructor's drafts) never reach students."""
    listing = _git(root, "ls-files", "-z", "--cached")
    return sorted({item for item in listing.split("\0") if item and (root / item).is_file()})


def _student_readme() -> str:
    from usvn.course import learning_path_markdown

    return STUDENT_README.format(
        binder=binder_url("notebooks/00-how-to-use-this-module.ipynb"), lessons=learning_path_markdown()
    )


def student_tree(root: Path) -> dict[str, bytes]:
    """Every file of the student tree, by path: what students get on Binder, from a hub link or as a download.

    Taken from the files git tracks in ``root`` (as they are on disk), or every file when ``root`` is no checkout.

    The lessons (``notebooks/``, with any handout kept there), the exercises generated afresh from
    ``solutions/``, the package with its data, the files Binder and pip read, the licences, the self-study page
    and a students' README. Never ``solutions/``, tests, benchmarks or instructor pages. Every text file is
    checked against every solution notebook: a line of a solution, a hidden test or a model answer anywhere
    stops the release (``ValueError``).
    """
    from usvn.assignments import student_version

    root = Path(root)
    tracked = (
        _tracked(root)
        if (root / ".git").exists()
        else sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())
    )
    files: dict[str, bytes] = {}
    lessons = [name for name in tracked if re.fullmatch(r"notebooks/\d\d-[^/]+\.ipynb", name)]
    if not lessons:
        raise FileNotFoundError(f"No lesson notebooks in {root / 'notebooks'}.")
    for name in tracked:  # the lessons and anything else a teacher keeps beside them (handouts, images)
        if name.startswith("notebooks/"):
            files[name] = (root / name).read_bytes()
    solutions = sorted((root / "solutions").glob("[0-9][0-9]-*.ipynb"))
    sources = {path.name: nbformat.read(path, as_version=4) for path in solutions}
    for name, source in sources.items():
        files[f"exercises/{name}"] = (nbformat.writes(student_version(source, Path(name).stem)) + "\n").encode()
    if (root / "exercises" / "README.md").is_file():
        files["exercises/README.md"] = (root / "exercises" / "README.md").read_bytes()
    for name in tracked:
        if name in STUDENT_FILES or any(name.startswith(folder + "/") for folder in STUDENT_FOLDERS):
            files[name] = (root / name).read_bytes()
    files["README.md"] = _student_readme().encode()
    files = {name: data for name, data in files.items() if not _NEVER.search(name)}
    keys = {solution: key_lines(source) for solution, source in sources.items()}
    for name, data in sorted(files.items()):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        for solution, source in sources.items():
            problems = tree_leaks(source, name, text, keys[solution])
            if problems:
                raise ValueError(
                    f"The student tree would leak solutions/{solution} in {name}: "
                    f"{'; '.join(problems[:3])}. Nothing was written."
                )
    return files


def _commit_branch(root: Path, branch: str, files: dict[str, bytes], message: str) -> str | None:
    """Commit ``files`` as the whole tree of ``branch`` (its previous tip as parent); the working tree, the
    index and the checked-out branch are left alone. Returns the new commit, or None if nothing changed."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        entries = []
        for name, data in sorted(files.items()):
            blob = _git(root, "hash-object", "-w", "--stdin", data=data).strip()
            mode = "100755" if name == "postBuild" else "100644"
            entries.append(f"{mode} {blob}\t{name}")
        _git(root, "update-index", "--add", "--index-info", env=env, data=("\n".join(entries) + "\n").encode())
        tree = _git(root, "write-tree", env=env).strip()
    try:
        parent = _git(root, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}^{{commit}}").strip()
    except RuntimeError:
        parent = ""
    if parent and _git(root, "rev-parse", f"{parent}^{{tree}}").strip() == tree:
        return None
    try:
        _git(root, "var", "GIT_COMMITTER_IDENT")
        identity = None
    except RuntimeError:  # no user.name / user.email configured: sign as the release tool
        identity = {
            f"GIT_{who}_{what}": value
            for who in ("AUTHOR", "COMMITTER")
            for what, value in (("NAME", "usvn release"), ("EMAIL", "release@usvn.invalid"))
        }
    commit = _git(root, "commit-tree", tree, *(["-p", parent] if parent else []), "-m", message, env=identity).strip()
    _git(root, "update-ref", f"refs/heads/{branch}", commit, *([parent] if parent else []))
    return commit


def release(root: Path, *, branch: str | None = None, out: Path | None = None) -> str:
    """Write the student tree as a commit on ``branch``, or to ``out`` (a folder, or a zip when it ends in
    ``.zip``). Returns what was done, in a sentence.

    The branch gets one new commit on top of its previous tip each time (never a rewrite), so students who
    pulled it before merge the update; publish it with ``git push origin student``.
    """
    import io
    import os
    import shutil
    import zipfile

    if (branch is None) == (out is None):
        raise ValueError("Give either a branch (--branch student) or an output folder or .zip file.")
    root = Path(root).resolve()
    files = student_tree(root)
    if branch is not None:
        if not (root / ".git").exists():
            raise ValueError(f"{root} is not a git checkout; give a folder or .zip to write to instead.")
        head = _git(root, "rev-parse", "--short", "HEAD").strip()
        dirty = (
            " (with uncommitted changes)" if _git(root, "status", "--porcelain", "--untracked-files=no").strip() else ""
        )
        commit = _commit_branch(
            root,
            branch,
            files,
            f"Student release from {head}{dirty}: lessons, exercises, data and the package; no solutions",
        )
        if commit is None:
            return f"branch {branch} already holds this student tree ({len(files)} files); nothing to commit"
        return f"branch {branch} at {commit[:10]}: {len(files)} files; publish it with `git push origin {branch}`"
    out = Path(out)
    if out.suffix == ".zip":
        out.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in sorted(files.items()):
                info = zipfile.ZipInfo(f"usvn-student/{name}", date_time=(2024, 1, 1, 0, 0, 0))
                info.external_attr = (0o755 if name == "postBuild" else 0o644) << 16
                archive.writestr(info, data, zipfile.ZIP_DEFLATED)
        temporary = out.with_suffix(".zip.partial")
        temporary.write_bytes(buffer.getvalue())
        os.replace(temporary, out)
        return f"{out}: {len(files)} files"
    if out.exists():
        if not (out / "README.md").is_file() or (out / ".git").exists() or (out / "solutions").exists():
            raise ValueError(f"{out} exists and is not an earlier student release; choose a new folder.")
        shutil.rmtree(out)
    for name, data in files.items():
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        if name == "postBuild":
            target.chmod(0o755)
    return f"{out}/: {len(files)} files"
