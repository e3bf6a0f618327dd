"""Record types a course declares (usvn.grading.records) cross the kernel boundary; nothing undeclared does."""

from __future__ import annotations

import json
import types
from dataclasses import dataclass
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from usvn.data import load_timeline
from usvn.display import FigureOutput
from usvn.grading import RecordFacts, register_record_type
from usvn.grading import extract as grader_extract
from usvn.grading.records import record_fields
from usvn.grading.wire import Unsupported, decode


def kernel_extract() -> types.ModuleType:
    """The wire helpers as the runner loads them into a student's kernel: their text, run in a fresh module."""
    module = types.ModuleType("_usvn_wire_test")
    exec(Path(grader_extract.__file__).read_text(encoding="utf-8"), module.__dict__)
    return module


def across(value):
    """Encode as the kernel does, send as JSON, decode as the grader does."""
    return decode(json.loads(json.dumps(kernel_extract().encode(value))))


def test_a_course_record_is_rebuilt_as_its_own_class():
    event = load_timeline()[0]
    back = across(event)
    assert type(back) is type(event) and back == event and back.year == event.year


def test_a_record_declared_without_rebuild_arrives_as_its_facts():
    figure = Figure()
    figure.add_subplot().plot([1, 2, 3])
    back = across(FigureOutput(figure, "A line rising through three points."))
    assert isinstance(back, RecordFacts) and back.alt == "A line rising through three points."
    with pytest.raises(AttributeError, match="only its fields"):
        back.png  # noqa: B018 - the pixels stay in the kernel


@dataclass(frozen=True)
class Undeclared:
    value: int


def test_an_undeclared_class_stays_in_the_kernel_until_declared():
    assert record_fields(Undeclared) is None
    assert isinstance(across(Undeclared(1)), Unsupported)
    register_record_type(Undeclared)
    assert across(Undeclared(1)) == Undeclared(1)


def test_a_kernel_cannot_make_the_grader_build_an_undeclared_class():
    for name in ("subprocess:Popen", "os:PathLike", "tests.nothing:Thing", "usvn:"):
        back = decode({"__t": "record", "class": name, "v": {"args": ["true"]}})
        assert isinstance(back, Unsupported), name


def test_declarations_name_real_classes():
    with pytest.raises(ValueError, match="module:QualName"):
        register_record_type("no colon here")
    with pytest.raises(ValueError, match="attribute names"):
        register_record_type("mypackage.data:Event", fields=["not a name"])
