"""Every data file against its schema, and every citation against the source registry."""

from __future__ import annotations

import json
import re
from importlib import resources

import jsonschema
import nbformat
import pytest
from conftest import ROOT
from substitute_data import substituted

from usvn import data, loader
from usvn.data import DataError, cited_source_ids, data_files, load_data, load_sources, schema_name

FILES = data_files()
# Rubrics state standards, not facts, so they cite nothing.
CITING_FILES = [name for name in FILES if name not in ("sources.yaml", "lessons.yaml", "rubrics.yaml")]


def test_data_files_are_found():
    assert {"sources.yaml", "timeline.yaml", "lessons.yaml", "quiz-01.yaml"} <= set(FILES)


@pytest.mark.parametrize("name", FILES)
def test_each_data_file_matches_its_schema(name):
    data.validate_data(name)  # raises DataError naming the file and the path of each problem


def test_a_schema_break_is_reported_with_its_path(monkeypatch):
    broken = load_data("timeline.yaml")
    broken["events"][1]["themes"] = ["sport"]
    monkeypatch.setattr(loader, "_parse", lambda name, text: broken)
    with pytest.raises(
        DataError, match=r"timeline.yaml: breaks its schema .*\n  at /events/1/themes/0: 'sport' is not one of"
    ):
        data.validate_data("timeline.yaml")


def test_every_schema_is_used():
    schemas = {
        entry.name.removesuffix(".schema.json") for entry in (resources.files("usvn") / "data" / "schemas").iterdir()
    }
    assert schemas == {schema_name(name) for name in FILES}


@pytest.mark.parametrize("name", CITING_FILES)
def test_every_citation_resolves(name):
    registry = load_sources()
    cited = list(cited_source_ids(load_data(name)))
    assert cited, f"{name} cites nothing"
    unknown = [(record, source) for record, source in cited if source not in registry]
    assert not unknown


def notebook_citations() -> set[str]:
    found = set()
    for folder in ("notebooks", "solutions"):
        for path in (ROOT / folder).glob("*.ipynb"):
            for cell in nbformat.read(path, as_version=4).cells:
                if cell.cell_type == "markdown" and not cell.metadata.get("usvn"):
                    found |= set(re.findall(r"#src-([a-z0-9-]+)", cell.source))
    return found


def test_every_registered_source_is_cited_somewhere():
    used = {source for name in CITING_FILES for _, source in cited_source_ids(load_data(name))}
    used |= notebook_citations()
    unused = sorted(set(load_sources()) - used)
    assert not unused, f"sources.yaml lists sources nothing cites: {unused}"


def test_notebook_citations_resolve():
    unknown = sorted(notebook_citations() - set(load_sources()))
    assert not unknown


def test_the_two_source_texts_are_registered_with_their_licences():
    registry = load_sources()
    assert registry["tran-2021"].kind == "scholarly"
    assert registry["project88-2024"].kind == "advocacy"
    assert "NC" in registry["project88-2024"].licence


# The checks above must be able to fail: break a copy of the data and watch them catch it.


def validator_for(name):
    schema = json.loads((resources.files("usvn") / "data" / "schemas" / f"{schema_name(name)}.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize(
    "name, path",
    [
        ("timeline.yaml", ("events", 0)),
        ("quiz-01.yaml", ("questions", 0)),
    ],
)
def test_a_record_without_sources_breaks_the_schema(name, path):
    broken = load_data(name)
    record = broken[path[0]][path[1]]
    del record["sources"]
    assert not validator_for(name).is_valid(broken)
    record["sources"] = []
    assert not validator_for(name).is_valid(broken)


def test_an_unknown_source_id_is_reported_with_its_record(monkeypatch):
    broken = load_data("timeline.yaml")
    broken["events"][0]["sources"] = ["no-such-source"]
    with substituted(monkeypatch, "timeline.yaml", broken):
        with pytest.raises(DataError, match=f"{broken['events'][0]['id']} -> no-such-source"):
            data.check_citations("timeline.yaml")


def test_a_duplicate_source_id_is_refused(monkeypatch):
    records = load_data("sources.yaml")
    records["sources"].append(dict(records["sources"][0]))
    with substituted(monkeypatch, "sources.yaml", records, data.load_sources):
        with pytest.raises(DataError, match=f"sources.yaml, record '{records['sources'][0]['id']}': .* used twice"):
            data.load_sources()


def test_loaded_data_is_a_fresh_copy():
    first = load_data("timeline.yaml")
    first["events"].clear()
    assert load_data("timeline.yaml")["events"]


def test_no_page_is_registered_twice():
    """Two ids for one page split its citations and its label (2025a, 2025b) for nothing."""
    by_url = {}
    for source in load_data("sources.yaml")["sources"]:
        by_url.setdefault(
            source["url"].rstrip("/").removeprefix("https://").removeprefix("http://").removeprefix("www."), []
        ).append(source["id"])
    assert by_url, "no sources found"
    assert not [ids for ids in by_url.values() if len(ids) > 1]
