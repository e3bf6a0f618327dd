"""What the package imports is what it declares, and an instructor's grading install is pinned and stays lean."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib

from conftest import ROOT
from packaging.requirements import Requirement

#: Third-party modules imported only when present, with why their absence is handled.
OPTIONAL_IMPORTS = {
    # usvn.grading.extract rebuilds a pandas value only when a student's kernel sent one, and so had pandas;
    # without pandas in the grader the value becomes "graded by hand" (usvn.grading.wire.decode).
    "pandas": "src/usvn/grading/extract.py",
}
#: What an instructor's grading machine must not pull in.
NOT_FOR_GRADING = {"jupyterlab", "notebook", "jupyterhub", "playwright", "nbval", "pytest", "nbgrader"}


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def _pins(path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            match = re.fullmatch(r"([A-Za-z0-9_.-]+)==([A-Za-z0-9_.+-]+)", line)
            assert match, f"{path.name}: not an exact pin: {line!r}"
            pins[_name(match[1])] = match[2]
    return pins


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _requirements(*extras: str, core: bool = True) -> list[Requirement]:
    project = _project()
    texts = list(project["dependencies"]) if core else []
    for extra in extras:
        texts += project["optional-dependencies"][extra]
    return [Requirement(text) for text in texts]


def third_party_imports() -> dict[str, set[str]]:
    """Top-level module -> the files of src/usvn that import it (at any level), standard library left out."""
    found: dict[str, set[str]] = {}
    paths = sorted((ROOT / "src" / "usvn").rglob("*.py"))
    assert paths, "no modules found under src/usvn"
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top != "usvn" and top not in sys.stdlib_module_names:
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_third_party_module_the_package_imports_is_declared():
    declared = {_name(requirement.name) for requirement in _requirements(*_project()["optional-dependencies"])}
    distributions = importlib.metadata.packages_distributions()
    imported = third_party_imports()
    assert {"nbformat", "nbconvert", "zmq"} <= set(imported), "the import scan missed modules it should see"
    undeclared = []
    for module, files in sorted(imported.items()):
        if module in OPTIONAL_IMPORTS:
            assert files == {OPTIONAL_IMPORTS[module]}, f"{module} is imported beyond its optional use: {files}"
            continue
        owners = {_name(owner) for owner in distributions.get(module, [])}
        assert owners, f"{module} (imported by {sorted(files)}) is installed by no distribution here"
        if not owners & declared:
            undeclared.append(f"{module} ({', '.join(sorted(owners))}) imported by {', '.join(sorted(files))}")
    assert not undeclared, "declare these in pyproject.toml:\n" + "\n".join(undeclared)


def test_the_grade_extra_is_pinned_at_the_learner_pins():
    pins = _pins(ROOT / "requirements-grade.txt")
    wanted = _requirements("grade")
    assert _requirements("grade", core=False), "pyproject.toml has no grade extra"
    assert set(pins) == {_name(requirement.name) for requirement in wanted}, (
        "requirements-grade.txt must pin exactly the package's dependencies and its grade extra"
    )
    learner = _pins(ROOT / "requirements.txt")
    for requirement in wanted:
        name = _name(requirement.name)
        assert requirement.specifier.contains(pins[name]), f"pin {name}=={pins[name]} breaks pyproject's {requirement}"
        assert pins[name] == learner.get(name), f"{name}: the grading pin differs from the learner pin"
    assert not set(pins) & NOT_FOR_GRADING


def test_the_grade_install_pulls_in_no_browser_lab_or_hub():
    """Follow the installed distributions' own requirements from the package's dependencies and grade extra."""
    seen: set[str] = set()
    todo = [_name(requirement.name) for requirement in _requirements("grade")]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue  # not installed here, so not needed by anything installed (an optional or other-platform need)
        for text in requires:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(_name(requirement.name))
    assert {"nbclient", "jupyter-client", "pyzmq"} <= seen
    assert not seen & NOT_FOR_GRADING, f"the grade install pulls in {sorted(seen & NOT_FOR_GRADING)}"
