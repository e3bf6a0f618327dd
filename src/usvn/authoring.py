"""Authoring steps for lesson notebooks, each small and composable.

- :func:`notebook_from_percent` turns a ``# %%``-style text into a notebook (for drafting a new lesson).
- :func:`execute` runs a notebook top to bottom in a fresh kernel, as nbval will.
- :func:`apply_generated_cells` writes the cells every lesson repeats (header, navigation, sources).
  Generated cells carry ``metadata.usvn.generated``, so running it again replaces them: it is idempotent.
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
    "REPOSITORY",
    "apply_generated_cells",
    "binder_url",
    "cited_ids",
    "execute",
    "notebook_from_percent",
    "refresh",
]

#: Where the module is published. Forks change these two lines (and the README badge) only.
REPOSITORY = "https://github.com/usvn-course/usvn"
BINDER_BASE = "https://mybinder.org/v2/gh/usvn-course/usvn/main"

KERNEL_NAME = "python3"
_CITATION = re.compile(r"#src-([a-z0-9]+(?:-[a-z0-9]+)*)")
_CELL_MARK = re.compile(r"^# %%(?P<markdown> \[markdown\])?(?P<tags>\s+tags=\[[^\]]*\])?\s*$")


def binder_url(notebook_path: str) -> str:
    """A Binder link that opens JupyterLab on one notebook.

    >>> binder_url("notebooks/01-trace-us-vietnam-relations.ipynb")
    'https://mybinder.org/v2/gh/usvn-course/usvn/main?urlpath=lab/tree/notebooks/01-trace-us-vietnam-relations.ipynb'
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
    notebook.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Python 3 (ipykernel)", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook


def execute(notebook: NotebookNode, working_dir: Path, timeout: int = 120) -> NotebookNode:
    """Run every cell in a fresh kernel, as nbval does; raises on the first error."""
    client = NotebookClient(notebook, timeout=timeout, kernel_name=KERNEL_NAME, record_timing=False,
                            resources={"metadata": {"path": str(working_dir)}})
    client.execute()
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


def apply_generated_cells(notebook: NotebookNode, stem: str) -> NotebookNode:
    """Replace the generated cells (header first; sources, then navigation, last) and label citations."""
    own = [cell for cell in notebook.cells if not _generated(cell)]
    for cell in own:
        if cell.cell_type == "markdown":
            cell.source = label_citations(cell.source)
    notebook.cells = own
    ids = cited_ids(notebook)
    closing = [sources_cell(ids)] if ids else []
    notebook.cells = [header_cell(stem), *own, *closing, navigation_cell(stem)]
    seen: set[str] = set()
    for index, cell in enumerate(notebook.cells):
        role = _generated(cell)
        wanted = f"usvn-{role}" if role else cell.get("id") or f"cell-{index:03d}"
        cell["id"] = wanted if wanted not in seen else f"cell-{index:03d}"
        seen.add(cell["id"])
    return notebook


def refresh(paths: Iterable[Path], *, progress: Callable[[str], None] = print) -> None:
    """Re-execute each notebook in a fresh kernel, then rewrite its generated cells; stored in place."""
    paths = [Path(path) for path in paths]
    for number, path in enumerate(paths, start=1):
        progress(f"[{number}/{len(paths)}] {path}")
        notebook = nbformat.read(path, as_version=4)
        execute(notebook, path.parent.resolve())
        apply_generated_cells(notebook, path.stem)
        nbformat.write(notebook, path)
