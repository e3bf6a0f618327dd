"""The action bar: one widget for a row of buttons, clicked from the page by index, safe against odd messages."""

from __future__ import annotations

import pytest

from usvn.widgets.actions import Action, ActionBar


def test_a_click_from_the_page_calls_that_buttons_callbacks_only():
    check, again = Action("Check answer", primary=True), Action("Try again")
    bar = ActionBar([check, again])
    heard = []
    check.on_click(lambda action: heard.append(("check", action is check)))
    again.on_click(lambda action: heard.append(("again", action is again)))
    bar._handle_custom_msg({"event": "click", "index": 1}, [])
    bar._handle_custom_msg({"event": "click", "index": 0}, [])
    assert heard == [("again", True), ("check", True)]


@pytest.mark.parametrize(
    "message",
    [
        {"event": "click", "index": 5},
        {"event": "click", "index": -1},
        {"event": "click", "index": "0"},
        {"event": "click"},
        {"event": "hover", "index": 0},
        ["click", 0],
        None,
    ],
)
def test_odd_messages_from_the_page_do_nothing(message):
    action = Action("Check answer")
    bar = ActionBar([action])
    heard = []
    action.on_click(heard.append)
    bar._handle_custom_msg(message, [])
    assert heard == []


def test_a_disabled_button_ignores_clicks_from_the_page_and_changes_reach_the_page():
    explain = Action("Show explanation", disabled=True, tooltip="After a check")
    bar = ActionBar([Action("Check answer"), explain])
    heard = []
    explain.on_click(heard.append)
    bar._handle_custom_msg({"event": "click", "index": 1}, [])
    assert heard == [] and bar.buttons[1] == {
        "label": "Show explanation",
        "icon": "",
        "tooltip": "After a check",
        "disabled": True,
        "primary": False,
    }
    explain.disabled = False
    explain.tooltip = "Show why, with sources"
    assert bar.buttons[1]["disabled"] is False and bar.buttons[1]["tooltip"] == "Show why, with sources"
    bar._handle_custom_msg({"event": "click", "index": 1}, [])
    assert heard == [explain]


def test_a_button_needs_a_name_and_a_bar_needs_a_button():
    with pytest.raises(ValueError, match="screen readers"):
        Action("  ")
    with pytest.raises(ValueError, match="at least one"):
        ActionBar([])
