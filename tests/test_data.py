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


# --- One record type per kind of record: the schema and the dataclass name the same fields ---------------

from dataclasses import MISSING, fields  # noqa: E402

from usvn import claims, criteria, leverage, margin, memo, reflection, rubrics  # noqa: E402
from usvn.loader import InputError, UnknownIdError  # noqa: E402
from usvn.quiz import model as quiz  # noqa: E402

# (schema, where the record sits in it, record type, schema keys the record does not keep,
#  record fields the loader derives rather than copies)
RECORD_TYPES = [
    ("sources", "sources[]", data.Source, set(), {"label"}),
    ("timeline", "events[]", data.Event, set(), set()),
    ("lessons", "lessons[]", data.Lesson, set(), set()),
    ("lessons", "lessons[].objectives[]", data.Objective, set(), set()),
    ("claims", "claims[]", claims.Claim, set(), set()),
    ("claims", "claims[].also_defensible[]", claims.Alternative, set(), set()),
    ("cases", "cases[]", leverage.Case, set(), set()),
    ("cases", "cases[].defensible_channels[]", leverage.Alternative, {"channel"}, {"value"}),
    ("cases", "cases[].defensible_outcomes[]", leverage.Alternative, {"outcome"}, {"value"}),
    ("cases", "schemes[]", leverage.Scheme, set(), set()),
    ("cases", "asks[]", leverage.Ask, set(), set()),
    ("cases", "asks[].notes[]", leverage.Note, set(), set()),
    ("criteria", "statute.rules[]", criteria.Rule, set(), set()),
    ("criteria", "history.events[]", criteria.HistoryEvent, {"account"}, {"hanoi_only"}),
    ("criteria", "factors[]", criteria.Factor, set(), set()),
    ("criteria", "factors[].commerce", criteria.Finding, set(), set()),
    ("criteria", "factors[].cards[]", criteria.Card, set(), {"speaker_label"}),
    ("margin", "factors[]", margin.FactorInput, set(), set()),
    ("margin", "surrogates[]", margin.Surrogate, {"ratios"}, {"overhead", "sga", "profit"}),
    ("margin", "method[]", margin.MethodNote, set(), set()),
    ("memo", "sections[]", memo.Section, set(), set()),
    ("memo", "evidence[]", memo.EvidenceItem, set(), set()),
    ("memo", "examples[]", memo.ExampleMemo, {"sections", "evidence"}, {"draft"}),
    ("memo", "examples[].annotations[]", memo.Annotation, set(), set()),
    ("reflections", "reflections[]", reflection.Reflection, set(), set()),
    ("reflections", "reflections[].points[]", reflection.Point, set(), set()),
    ("rubrics", "rubrics[]", rubrics.Rubric, set(), set()),
    ("rubrics", "rubrics[].levels[]", rubrics.Level, set(), set()),
    ("rubrics", "rubrics[].criteria[]", rubrics.Criterion, set(), set()),
    ("quiz", "questions[]|0", quiz.MultipleChoice, {"type"}, set()),
    ("quiz", "questions[]|0", quiz.MultipleSelect, {"type"}, set()),
    ("quiz", "questions[]|0.options[]", quiz.Option, set(), set()),
    ("quiz", "questions[]|1", quiz.Numeric, {"type"}, set()),
    ("quiz", "questions[]|2", quiz.ShortText, {"type"}, set()),
]


def record_schema(schema_file: str, where: str) -> dict:
    """The schema of one kind of record: ``a.b[]`` steps into properties and array items, ``|n`` into oneOf."""
    root = json.loads((resources.files("usvn") / "data" / "schemas" / f"{schema_file}.schema.json").read_text())

    def resolved(node: dict) -> dict:
        while "$ref" in node and "properties" not in node and "oneOf" not in node:
            node = root["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        return node

    node, required = root, set()
    for step in where.split("."):
        name, _, branch = step.partition("|")
        node = resolved(node["properties"][name.removesuffix("[]")])
        if name.endswith("[]"):
            node = resolved(node["items"])
        required = set(node.get("required", ()))
        if branch:
            # A question kind: the shared part (its $ref) and this kind's own part are both required.
            required |= set(resolved({"$ref": node["$ref"]}).get("required", ()))
            node = node["oneOf"][int(branch)]
            required |= set(node.get("required", ()))
    return {**node, "required": sorted(required)}


@pytest.mark.parametrize(
    "schema_file, where, record_type, dropped, derived",
    RECORD_TYPES,
    ids=[f"{row[0]}:{row[1]}:{row[2].__name__}" for row in RECORD_TYPES],
)
def test_every_schema_property_is_a_field_of_its_record_and_back(schema_file, where, record_type, dropped, derived):
    schema = record_schema(schema_file, where)
    assert schema.get("additionalProperties") is False, "a record's schema must list every key it allows"
    keys = set(schema["properties"])
    assert dropped <= keys, f"{sorted(dropped - keys)} are not in the schema"
    field_names = {field.name for field in fields(record_type)}
    assert keys - dropped == field_names - derived, (
        f"schema only: {sorted(keys - dropped - field_names)}; {record_type.__name__} only: "
        f"{sorted(field_names - derived - keys)}"
    )
    required = set(schema["required"])
    no_default = {
        field.name
        for field in fields(record_type)
        if field.default is MISSING and field.default_factory is MISSING and field.name not in derived
    }
    assert no_default <= required, (
        f"{sorted(no_default - required)} have no default but the schema does not require them"
    )


def test_a_field_the_record_type_lacks_is_refused_naming_file_and_record(monkeypatch):
    changed = load_data("timeline.yaml")
    changed["events"][2]["colour"] = "red"
    with substituted(monkeypatch, "timeline.yaml", changed, data.load_timeline):
        with pytest.raises(DataError, match=rf"^timeline.yaml, record '{changed['events'][2]['id']}': .*colour"):
            data.load_timeline()


# --- Validated data is kept between kernels, keyed by content ------------------------------------------


@pytest.fixture
def cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("USVN_CACHE_DIR", str(tmp_path))
    loader._validated.cache_clear()
    yield tmp_path
    loader._validated.cache_clear()


def test_a_later_load_reads_the_validated_copy_without_parsing_or_validating(cache_folder, monkeypatch):
    first = loader.checked_data("timeline.yaml")
    assert [path.name.split("-")[0] for path in cache_folder.glob("*.json")].count("timeline") == 1

    def fail(*args):
        raise AssertionError("parsed or validated again")

    loader._validated.cache_clear()
    monkeypatch.setattr(loader, "_parse", fail)
    monkeypatch.setattr(loader, "schema_errors", fail)
    assert loader.checked_data("timeline.yaml") == first


def test_the_key_changes_with_the_file_its_schema_and_the_registry(cache_folder, monkeypatch):
    text = loader._data_bytes("timeline.yaml")
    key = loader._cache_path("timeline.yaml", text)
    assert loader._cache_path("timeline.yaml", text + b"\n# changed\n") != key
    schema = loader._schema_bytes("timeline")
    monkeypatch.setattr(loader, "_schema_bytes", lambda name: schema + b" ")
    assert loader._cache_path("timeline.yaml", text) != key
    monkeypatch.undo()
    registry = loader._data_bytes("sources.yaml")
    monkeypatch.setattr(loader, "_data_bytes", lambda name: registry + b"\n" if name == "sources.yaml" else text)
    assert loader._cache_path("timeline.yaml", text) != key


def test_a_damaged_copy_is_ignored_and_rewritten(cache_folder):
    expected = loader.checked_data("claims.yaml")
    (copy,) = cache_folder.glob("claims-*.json")
    copy.write_text('{"claims": [', encoding="utf-8")
    loader._validated.cache_clear()
    assert loader.checked_data("claims.yaml") == expected
    assert json.loads(copy.read_text(encoding="utf-8")) == expected


def test_an_unwritable_cache_folder_only_costs_time(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("USVN_CACHE_DIR", str(blocker / "usvn"))
    loader._validated.cache_clear()
    try:
        assert loader.checked_data("lessons.yaml")["lessons"]
    finally:
        loader._validated.cache_clear()


def test_validate_reads_the_file_itself_never_the_copy(monkeypatch):
    def fail(name):
        raise AssertionError("validate used the cached copy")

    monkeypatch.setattr(loader, "_validated", fail)
    data.validate_data("timeline.yaml")


@pytest.mark.parametrize("name", FILES)
def test_the_cached_json_form_equals_the_parsed_yaml(name):
    parsed = loader._parse(name, loader._data_bytes(name))
    assert json.loads(json.dumps(parsed)) == parsed


# --- One error per kind of fault ------------------------------------------------------------------------

UNKNOWN_IDS = [
    (lambda: data.lesson(99), "There is no lesson 99; lessons are numbered 0, 1, 2,"),
    (lambda: claims.source_context("wikipedia"), "'wikipedia' is not one of the texts read closely here"),
    (lambda: leverage.load_case("nope"), "No leverage case 'nope'"),
    (lambda: leverage.scheme_codings("mine"), "No coding scheme 'mine'"),
    (lambda: leverage.success_rates([], {}).for_channel("sideways"), "'sideways' is not a channel"),
    (lambda: criteria.load_criteria().factor("luck"), "No factor 'luck'; factors are currency"),
    (lambda: margin.load_margin_example().surrogate("z"), "There is no surrogate 'z'; choose one of a, b, c."),
    (lambda: memo.load_memo_template().section("poem"), "The memo has no section 'poem'; sections are question"),
    (lambda: memo.example_memo_html("outstanding"), "No example memo 'outstanding'"),
    (lambda: reflection.load_reflection("nope"), "No reflection prompt 'nope' in reflections.yaml; prompts are"),
    (lambda: rubrics.load_rubric("essay"), "No rubric 'essay' in rubrics.yaml; rubrics are memo."),
    (lambda: rubrics.load_rubric("memo").level("superb"), "Rubric 'memo' has no level 'superb'"),
    (lambda: rubrics.load_rubric("memo").criterion("style"), "Rubric 'memo' has no criterion 'style'"),
    (lambda: quiz.load_quiz(1).question("nope"), "Quiz 01 has no question 'nope'."),
]


@pytest.mark.parametrize("look_up, message", UNKNOWN_IDS, ids=[message[:30] for _, message in UNKNOWN_IDS])
def test_an_unknown_id_is_an_unknown_id_error_read_as_a_sentence(look_up, message):
    with pytest.raises(UnknownIdError) as caught:
        look_up()
    assert isinstance(caught.value, KeyError)
    assert str(caught.value).startswith(message), "the message is shown as written, not as a quoted key"


def test_bad_student_input_is_an_input_error_and_bad_data_is_not():
    for bad_input in (
        lambda: margin.parse_amount("forty", "the export price"),
        lambda: leverage.success_rates([], {}, success="lasting-change"),
    ):
        with pytest.raises(InputError):
            bad_input()
    assert not issubclass(InputError, DataError) and not issubclass(DataError, InputError)
    assert not issubclass(UnknownIdError, ValueError)


def test_the_version_is_set_once_in_pyproject_and_read_everywhere_else():
    import tomllib

    import usvn

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert usvn.__version__ == declared, "reinstall the package (make .venv/.installed-dev) after changing it"
    citation = re.search(r"^version: *(\S+)$", (ROOT / "CITATION.cff").read_text(encoding="utf-8"), re.MULTILINE)
    assert citation and citation[1] == declared, "CITATION.cff must cite the released version"


def test_validation_does_not_pay_for_an_unused_format_grammar_and_leaves_it_importable(tmp_path):
    """rfc3987-syntax (installed with Jupyter) takes about a second to import; no schema here needs it."""
    import os
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from usvn.loader import validate\n"
        "validate('timeline.yaml')\n"
        "assert 'jsonschema' in sys.modules and 'rfc3987_syntax' not in sys.modules, sorted(sys.modules)\n"
        "import rfc3987_syntax\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "USVN_CACHE_DIR": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
