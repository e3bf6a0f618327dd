"""The package's shape, read from the AST of every module: the grader stands alone, and no imports go round in circles.

Every ``import`` statement counts, at any level (a lazy import inside a function is still a dependency). A module
imports its parent packages implicitly whenever it is imported; those implicit imports are not edges here, only
the imports written in the code.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

SRC = ROOT / "src"
PACKAGE = SRC / "usvn"
GRADING = PACKAGE / "grading"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(folder: Path) -> dict[str, Path]:
    found = {module_name(path): path for path in sorted(folder.rglob("*.py"))}
    assert found, f"no Python modules under {folder}"
    return found


def imports(path: Path) -> list[tuple[str, list[str], int]]:
    """``(module imported, names taken from it, line)`` for every import statement, relative ones resolved."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.append((target, [alias.name for alias in node.names], node.lineno))
    return found


def edges(known: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the modules of ``known`` it imports (``from package import module`` names the module)."""
    graph: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        for target, names, _ in imports(path):
            submodules = {f"{target}.{item}" for item in names} & set(known)
            if submodules:
                graph[name] |= submodules
            elif target in known:
                graph[name].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of the graph as a list of modules (first == last), or [] when there is none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for following in sorted(graph[node]):
            if state.get(following) == 1:
                return [*path[path.index(following) :], following]
            if following not in state:
                cycle = visit(following)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return []


def test_the_cycle_finder_finds_a_lazy_import_cycle_and_passes_a_tree(tmp_path):
    root = tmp_path / "usvn"
    (root / "grading").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "grading" / "__init__.py").write_text("")
    (root / "grading" / "a.py").write_text("from usvn.grading import b\n")
    (root / "grading" / "b.py").write_text("def later():\n    from usvn.grading.a import thing\n")
    global SRC
    saved, SRC = SRC, tmp_path
    try:
        assert find_cycle(edges(modules(root))) == ["usvn.grading.a", "usvn.grading.b", "usvn.grading.a"]
        (root / "grading" / "b.py").write_text("import json\n")
        assert find_cycle(edges(modules(root))) == []
    finally:
        SRC = saved


def test_the_grader_imports_nothing_of_usvn_outside_itself():
    outside = [
        f"{path.relative_to(ROOT)}:{line} imports {target}"
        for path in modules(GRADING).values()
        for target, _, line in imports(path)
        if (target == "usvn" or target.startswith("usvn.")) and not target.startswith("usvn.grading")
    ]
    assert not outside, "usvn.grading must stand alone:\n" + "\n".join(outside)


def test_the_grader_names_no_course_module_in_its_code():
    """A module named in a string (``import_module("usvn.data")``, a subprocess's ``-m usvn.cli``) is a dependency
    the AST does not show as an import."""
    named = []
    for path in modules(GRADING).values():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for word in node.value.replace("'", " ").replace('"', " ").replace("`", " ").split():
                    word = word.strip(".,;:()")
                    if word.startswith("usvn.") and not word.startswith("usvn.grading"):
                        named.append(f"{path.relative_to(ROOT)}:{node.lineno} names {word}")
    assert not named, "\n".join(named)


def test_no_private_name_crosses_a_module():
    """No module of the package imports another module's ``_private`` name: what is shared is public."""
    private = [
        f"{path.relative_to(ROOT)}:{line} imports {name} from {target}"
        for path in modules(PACKAGE).values()
        for target, names, line in imports(path)
        if target.startswith("usvn")
        for name in names
        if name.startswith("_") and not name.startswith("__")
    ]
    assert not private, "\n".join(private)


def test_the_import_graph_of_the_package_has_no_cycle():
    graph = edges(modules(PACKAGE))
    assert sum(map(len, graph.values())) > 50, "the graph is suspiciously small: are imports being read?"
    assert "usvn.grading.runner" in graph["usvn.grading.core"], "a lazy import inside a function is an edge"
    cycle = find_cycle(graph)
    assert not cycle, "import cycle: " + " -> ".join(cycle)


def test_the_grade_command_starts_without_the_course_widgets():
    """``usvn grade`` (and what it imports to grade) loads no widget library and none of the course's widgets."""
    code = (
        "import sys\n"
        "from usvn import cli\n"
        "cli.build_parser().parse_args(['grade', 'subs', '--out', 'out', '--source', 'x.ipynb'])\n"
        "import usvn.grading.batch, usvn.grading.runner, usvn.grading.evaluate, usvn.grading.reports\n"
        "import usvn.grading.itemreport, usvn.grading.student\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    loaded = set(done.stdout.split())
    assert "usvn.grading.batch" in loaded
    widgets = sorted(
        name
        for name in loaded
        if name.split(".")[0] in ("ipywidgets", "anywidget", "jupyterlab", "playwright", "jupyterhub")
        or name.startswith(("usvn.widgets", "usvn.quiz.widgets"))
    )
    assert not widgets, f"usvn grade loads widget code: {widgets}"
