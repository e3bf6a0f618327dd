"""The Kubernetes classroom's Helm values (deploy/z2jh/config.yaml) against the chart's schema and the module.

The chart's own values schema is vendored in tests/data/z2jh/ (source and licence in its NOTICE.md). Helm
validates the chart's defaults merged with these values, and the defaults supply every top-level section, so
the file is validated with the schema's top-level ``required`` list left out; every other rule applies.
"""

from __future__ import annotations

import re
import statistics
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import ROOT
from hubkit import SERVER_CONFIG_FILE, classroom_server_config

from usvn.authoring import REPOSITORY, STUDENT_BRANCH
from usvn.data import load_lessons
from usvn.deploy import clone_folder, nbgitpuller_url

VALUES = ROOT / "deploy" / "z2jh" / "config.yaml"
APPENDIX = ROOT / "deploy" / "z2jh" / "appendix.Dockerfile"
SCHEMA = ROOT / "tests" / "data" / "z2jh" / "values.schema.yaml"
DEPLOYMENT_DOC = ROOT / "docs" / "deployment.md"
# Kubernetes memory quantities: decimal (k, M, G) and binary (Ki, Mi, Gi) suffixes.
UNITS = {"": 1, "k": 10**3, "M": 10**6, "G": 10**9, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}
MB = 2**20  # the capacity benchmark prints MiB and calls them MB


def _bytes(quantity: str | int) -> int:
    found = re.fullmatch(r"(\d+(?:\.\d+)?)(k|M|G|Ki|Mi|Gi)?", str(quantity))
    assert found, f"{quantity!r} is not a Kubernetes memory quantity such as 300M or 1Gi"
    return int(float(found[1]) * UNITS[found[2] or ""])


@pytest.fixture(scope="module")
def values() -> dict:
    assert VALUES.is_file(), f"{VALUES} is missing"
    return yaml.safe_load(VALUES.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    if not SCHEMA.is_file():
        pytest.fail(f"{SCHEMA} is missing: vendor jupyterhub/values.schema.yaml of the chart (see NOTICE.md there)")
    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema.get("additionalProperties") is False and "singleuser" in schema["properties"], "not the chart's"
    overlay = {key: value for key, value in schema.items() if key != "required"}
    return jsonschema.Draft7Validator(overlay)


def _capacity_rows() -> list[list[float]]:
    """The rows of the capacity table in docs/deployment.md, as numbers."""
    text = DEPLOYMENT_DOC.read_text(encoding="utf-8")
    table = text.split("<!-- capacity table", 1)[1].split("```text", 1)[1].split("```", 1)[0]
    rows = [re.findall(r"\d+(?:\.\d+)?", line) for line in table.splitlines() if line.strip()[:1].isdigit()]
    assert rows, "docs/deployment.md has no capacity table"
    return [[float(cell) for cell in row] for row in rows]


def test_the_values_validate_against_the_charts_schema(values, validator):
    errors = sorted(validator.iter_errors(values), key=lambda error: list(error.absolute_path))
    assert not errors, "\n".join(f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in errors)


def test_the_schema_rejects_a_misspelt_key(values, validator):
    misspelt = {**values, "singleuser": {**values["singleuser"], "defaultURL": values["singleuser"]["defaultUrl"]}}
    assert any("defaultURL" in error.message for error in validator.iter_errors(misspelt))
    no_tag = {**values, "singleuser": {**values["singleuser"], "image": {"name": "x"}}}
    assert not validator.is_valid(no_tag)


def test_the_image_is_built_by_repo2docker_with_nbgitpuller(values):
    image = values["singleuser"]["image"]
    assert image["name"] and image["tag"], "singleuser.image needs a name and a tag"
    assert image["tag"] != "latest", "tag the image with the student branch's commit, never latest"
    pinned = re.search(r"^nbgitpuller==(\S+)$", (ROOT / "requirements-dev.txt").read_text(), re.MULTILINE)
    assert pinned, "requirements-dev.txt pins no nbgitpuller"
    assert f"nbgitpuller=={pinned[1]}" in APPENDIX.read_text(encoding="utf-8"), (
        "the image must install the nbgitpuller the classroom test runs"
    )
    assert values["singleuser"]["cmd"] == "jupyterhub-singleuser"


def test_the_default_url_pulls_lesson_00_from_the_student_branch(values):
    first = f"notebooks/{load_lessons()[0].notebook}"
    link = nbgitpuller_url("https://hub.example.edu", first)
    prefix = "https://hub.example.edu/hub/user-redirect"
    assert link.startswith(prefix + "/git-pull?")
    # The server's default URL is the link's path inside the student's server: what user-redirect leads to.
    assert values["singleuser"]["defaultUrl"] == link.removeprefix(prefix)
    assert f"branch={STUDENT_BRANCH}" in values["singleuser"]["defaultUrl"]
    assert f"repo={REPOSITORY}&" in values["singleuser"]["defaultUrl"]
    assert f"urlpath=lab/tree/{clone_folder(REPOSITORY)}/{first}" in values["singleuser"]["defaultUrl"]


def test_memory_matches_the_capacity_benchmark(values):
    memory = values["singleuser"]["memory"]
    guarantee, limit = _bytes(memory["guarantee"]), _bytes(memory["limit"])
    rows = _capacity_rows()
    # Columns: students, first cell (median, worst), all lessons (median, worst), RSS, PSS, USS (median, worst), hub.
    worst_rss = max(row[6] for row in rows) * MB
    typical_rss = statistics.median(row[5] for row in rows) * MB
    assert guarantee >= worst_rss, f"the guarantee {memory['guarantee']} is below the measured worst peak"
    assert guarantee >= typical_rss
    assert limit >= guarantee
    docs = DEPLOYMENT_DOC.read_text(encoding="utf-8")
    for quantity in (memory["guarantee"], memory["limit"]):
        assert f"`{quantity}`" in docs, f"docs/deployment.md does not give the memory figure {quantity}"
    cpu = values["singleuser"]["cpu"]
    assert 0 < cpu["guarantee"] <= cpu["limit"]


def test_idle_servers_and_idle_kernels_are_culled(values):
    cull = values["cull"]
    assert cull["enabled"] is True and cull["timeout"] > 0 and cull["every"] > 0
    server_file = values["singleuser"]["extraFiles"][SERVER_CONFIG_FILE]
    mount = Path(server_file["mountPath"])
    # A system-wide Jupyter configuration folder, read by every server whatever its Python environment.
    assert mount.parent in (Path("/usr/local/etc/jupyter"), Path("/etc/jupyter"))
    assert mount.name == "jupyter_server_config.json"
    kernels = classroom_server_config(VALUES)["MappingKernelManager"]
    assert kernels["cull_idle_timeout"] > 0 and kernels["cull_interval"] > 0
    assert kernels["cull_idle_timeout"] < cull["timeout"], "kernels must go before their idle server"
    assert kernels["cull_busy"] is False, "a running cell is never interrupted"


def test_students_servers_keep_what_the_lessons_need(values):
    extensions = classroom_server_config(VALUES)["ServerApp"]["jpserver_extensions"]
    assert extensions and not any(extensions.values()), "list only the extensions switched off"
    assert not {"jupyterlab", "nbgitpuller", "jupyterhub"} & set(extensions)


def test_students_work_is_kept_on_their_own_volume(values):
    storage = values["singleuser"]["storage"]
    assert storage["type"] == "dynamic" and storage["homeMountPath"] == "/home/jovyan"
    # The clone (with each lesson's my-notes/ folder beside it) lives in the home folder.
    assert _bytes(storage["capacity"]) >= 2**30
