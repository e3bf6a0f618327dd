"""Where a lesson's start time goes: each code cell's time in a fresh kernel, and the widgets open after it.

    .venv/bin/python benchmarks/lesson_cells.py [notebooks/03-*.ipynb ...]   (default: every lesson)

A widget is a model the kernel opens and the page draws; a lesson's start time grows with their number, so
the count after each cell says where to look. Cells under 5 ms are left out of the listing, not the total.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
COUNT = (
    "import ipywidgets as _w, collections as _c, warnings as _warnings\n"
    "with _warnings.catch_warnings():\n"
    "    _warnings.simplefilter('ignore', DeprecationWarning)  # Widget.widgets: still the one public registry\n"
    "    _open = list(_w.Widget.widgets.values())\n"
    "print(len(_open), ', '.join(f'{k} {v}' for k, v in _c.Counter(type(w).__name__ for w in _open).most_common(4)))"
)


def profile(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    started = time.perf_counter()
    with client.setup_kernel(stderr=subprocess.DEVNULL):
        ready = time.perf_counter()
        print(f"{path.relative_to(ROOT)}: kernel start {ready - started:.2f} s")
        cells = list(notebook.cells)
        spent = 0.0
        for index, cell in enumerate(cells):
            if cell.cell_type != "code":
                continue
            before = time.perf_counter()
            client.execute_cell(cell, index)
            took = time.perf_counter() - before
            spent += took
            if took < 0.005:
                continue
            probe = nbformat.v4.new_code_cell(COUNT)
            notebook.cells.append(probe)
            counted = client.execute_cell(probe, len(notebook.cells) - 1, store_history=False)
            notebook.cells.pop()
            widgets = "".join(output.get("text", "") for output in counted.outputs if output.get("name") == "stdout")
            widgets = widgets.strip()
            first_line = cell.source.splitlines()[0][:60] if cell.source else ""
            print(f"  cell {index:3d} {1000 * took:6.0f} ms   widgets open: {widgets:<60}  {first_line}")
        print(f"  every code cell: {spent:.2f} s")


def main() -> None:
    paths = [Path(arg).resolve() for arg in sys.argv[1:]] or sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    for path in paths:
        profile(path)


if __name__ == "__main__":
    main()
