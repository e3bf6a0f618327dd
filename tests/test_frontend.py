"""The course's anywidgets carry their front end as class traits: no class made per instance, code still sent."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import usvn.widgets
from usvn.widgets.actions import Action, ActionBar
from usvn.widgets.choices import CheckGroup, ChoiceGroup, ChoiceList
from usvn.widgets.frontend import FrontEndWidget

SAMPLES = {
    CheckGroup: lambda: CheckGroup(options=[("A", "a")], description="Tick some"),
    ChoiceGroup: lambda: ChoiceGroup(options=["a", "b"], description="Pick one"),
    ChoiceList: lambda: ChoiceList(options=[("A", "a")], description="Pick some"),
    ActionBar: lambda: ActionBar([Action("Go")]),
}


def _every_front_end_widget() -> set[type]:
    for module in pkgutil.iter_modules(usvn.widgets.__path__, "usvn.widgets."):
        importlib.import_module(module.name)
    found, todo = set(), [FrontEndWidget]
    while todo:
        for subclass in todo.pop().__subclasses__():
            if subclass.__module__.startswith("usvn."):
                found.add(subclass)
                todo.append(subclass)
    return found


def test_every_course_anywidget_is_sampled_here():
    assert _every_front_end_widget() == set(SAMPLES)


@pytest.mark.parametrize("cls", list(SAMPLES), ids=lambda cls: cls.__name__)
def test_an_instance_is_of_its_own_class_and_sends_its_code_style_and_id(cls):
    widget = SAMPLES[cls]()
    assert type(widget) is cls, "anywidget made a class for this instance: declare the front end with front_end()"
    state = widget.get_state()
    module = importlib.import_module(cls.__module__)
    assert state["_esm"].strip() and "export default" in state["_esm"]
    assert state["_esm"] in {value for value in vars(module).values() if isinstance(value, str)}
    assert state["_anywidget_id"] == f"{cls.__module__}.{cls.__qualname__}"
    assert state["_css"].strip()
