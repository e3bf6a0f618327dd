"""pyproject.toml, environment.yml (Binder) and requirements.txt (make) must name the same packages at the same pins."""

from __future__ import annotations

import re
import tomllib

import yaml
from conftest import ROOT
from packaging.requirements import Requirement


def _pins(lines) -> dict[str, str]:
    pins = {}
    for line in lines:
        line = line.split("#")[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==([A-Za-z0-9_.+-]+)", line)
        assert match, f"not an exact pin: {line!r}"
        pins[match[1].lower().replace("_", "-")] = match[2]
    return pins


def requirements_pins() -> dict[str, str]:
    return _pins((ROOT / "requirements.txt").read_text().splitlines())


def environment_pins() -> dict[str, str]:
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [item for item in environment["dependencies"] if isinstance(item, str)]
    assert all(re.match(r"^(python|pip)\b", item) for item in conda), f"only python and pip come from conda: {conda}"
    assert environment["channels"] == ["conda-forge"]
    (pip_section,) = [item["pip"] for item in environment["dependencies"] if isinstance(item, dict)]
    return _pins(pip_section)


def pyproject_requirements(extras=("lab", "test"), core=True) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = list(project["dependencies"]) if core else []
    for extra in extras:
        declared += project["optional-dependencies"][extra]
    return [Requirement(text) for text in declared]


def test_binder_and_make_install_the_same_pins():
    pins = requirements_pins()
    assert pins, "requirements.txt lists no packages"
    assert environment_pins() == pins


def test_every_declared_dependency_is_pinned_and_the_pin_satisfies_pyproject():
    pins = requirements_pins()
    for requirement in pyproject_requirements():
        name = requirement.name.lower().replace("_", "-")
        assert name in pins, f"{name} is declared in pyproject.toml but not pinned in requirements.txt"
        assert requirement.specifier.contains(pins[name]), f"pin {name}=={pins[name]} breaks pyproject's {requirement}"


def test_nothing_is_pinned_that_pyproject_does_not_declare():
    declared = {requirement.name.lower().replace("_", "-") for requirement in pyproject_requirements()}
    assert set(requirements_pins()) <= declared, set(requirements_pins()) - declared


def test_postbuild_installs_the_package_itself():
    post_build = (ROOT / "postBuild").read_text()
    assert post_build.startswith("#!/bin/bash") and "set -euo pipefail" in post_build
    assert re.search(r"pip install .*\s\.\s*$", post_build, re.M)
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists(), "a binder/ folder hides the root files"


def test_dev_tools_are_pinned_apart_from_the_learner_environment():
    dev_pins = _pins((ROOT / "requirements-dev.txt").read_text().splitlines())
    declared = pyproject_requirements(extras=("dev",), core=False)
    assert {requirement.name.lower().replace("_", "-") for requirement in declared} == set(dev_pins)
    for requirement in declared:
        assert requirement.specifier.contains(dev_pins[requirement.name.lower().replace("_", "-")])
    assert not set(dev_pins) & set(environment_pins()), "test-only tools stay out of Binder's environment"
