"""A row of buttons that is one widget: ``ActionBar``, with an ``Action`` for each button.

Why not an ``HBox`` of ``ipywidgets.Button``: every widget is a model the kernel opens, sends and keeps, and a
quiz of eighteen questions with three buttons each opened over seventy of them (a tenth of a lesson's start
time). The bar draws native ``<button>`` elements with ipywidgets' own classes, so they look, focus and work
from the keyboard as ``Button`` does, and their text is their accessible name. On the Python side each
``Action`` mirrors the part of ``Button`` the course uses: ``description``, ``tooltip``, ``disabled``,
``on_click`` and ``click()``.

>>> bar = ActionBar([Action("Check answer", icon="check", primary=True), Action("Try again")])
>>> check, again = bar.actions
>>> clicks = []
>>> check.on_click(lambda action: clicks.append(action.description))
>>> check.click()
>>> clicks
['Check answer']
>>> again.disabled = True
>>> bar.buttons[1]["disabled"]
True
>>> bar.press(1)  # a click the page sent on a disabled button does nothing
>>> bar.press(7)  # nor one on a button that does not exist
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import traitlets

from usvn.widgets.frontend import FrontEndWidget, front_end

__all__ = ["Action", "ActionBar"]

_ESM = r"""
function render({ model, el }) {
  const row = document.createElement("div");
  row.className = "usvn-actions";
  el.append(row);
  function make(spec, index) {
    const button = document.createElement("button");
    button.type = "button";
    button.addEventListener("click", (event) => {
      event.preventDefault();
      model.send({ event: "click", index });
    });
    return button;
  }
  function dress(button, spec) {
    button.className = "jupyter-widgets jupyter-button widget-button" + (spec.primary ? " mod-primary" : "");
    button.disabled = Boolean(spec.disabled);
    button.title = spec.tooltip || "";
    const parts = [spec.label];
    if (spec.icon) {
      const icon = document.createElement("i");
      icon.className = `fa fa-${spec.icon}`;
      icon.setAttribute("aria-hidden", "true");
      parts.unshift(icon, " ");
    }
    button.replaceChildren(...parts);
  }
  function draw() {
    const specs = model.get("buttons");
    // The buttons change in place (a button enabled after a check keeps its element), so the one that has
    // the keyboard focus keeps it.
    if (row.children.length !== specs.length) row.replaceChildren(...specs.map(make));
    specs.forEach((spec, index) => dress(row.children[index], spec));
  }
  model.on("change:buttons", draw);
  draw();
  return () => model.off("change:buttons", draw);
}
export default { render };
"""

_CSS = """
.usvn-actions {display: flex; flex-wrap: wrap; gap: 4px; margin: 2px 0;}
.usvn-actions .widget-button {width: auto; margin: 0;}
.usvn-actions .widget-button:focus-visible {outline: 3px solid #0b5cad; outline-offset: 2px;}
"""


class Action:
    """One button of an :class:`ActionBar`; set its ``description``, ``tooltip`` or ``disabled`` like a Button's."""

    def __init__(
        self, description: str, icon: str = "", tooltip: str = "", disabled: bool = False, primary: bool = False
    ) -> None:
        if not description.strip():
            raise ValueError("A button needs a description: it is its name for screen readers.")
        self._spec = {"label": description, "icon": icon, "tooltip": tooltip, "disabled": disabled, "primary": primary}
        self._callbacks: list[Callable[[Action], Any]] = []
        self._bar: ActionBar | None = None

    def _set(self, key: str, value: Any) -> None:
        self._spec[key] = value
        if self._bar is not None:
            self._bar._sync()

    description = property(lambda self: self._spec["label"], lambda self, value: self._set("label", str(value)))
    tooltip = property(lambda self: self._spec["tooltip"], lambda self, value: self._set("tooltip", str(value)))
    disabled = property(lambda self: self._spec["disabled"], lambda self, value: self._set("disabled", bool(value)))

    def on_click(self, callback: Callable[[Action], Any]) -> None:
        self._callbacks.append(callback)

    def click(self) -> None:
        """What a click in the page does: call every ``on_click`` callback, as ``Button.click()`` does."""
        for callback in self._callbacks:
            callback(self)


class ActionBar(FrontEndWidget):
    """Buttons in a row, one widget for all of them."""

    _esm, _css, _anywidget_id = front_end(_ESM, _CSS, "usvn.widgets.actions.ActionBar")
    buttons = traitlets.List(traitlets.Dict()).tag(sync=True)

    def __init__(self, actions: list[Action], **kwargs) -> None:
        if not actions:
            raise ValueError("An action bar needs at least one button.")
        self.actions = list(actions)
        for action in self.actions:
            action._bar = self
        super().__init__(buttons=[dict(action._spec) for action in self.actions], **kwargs)
        self.on_msg(self._message)

    def _sync(self) -> None:
        self.buttons = [dict(action._spec) for action in self.actions]

    def press(self, index: int) -> None:
        """A click from the page on button ``index``; one on a disabled or missing button is ignored."""
        if isinstance(index, int) and 0 <= index < len(self.actions) and not self.actions[index].disabled:
            self.actions[index].click()

    def _message(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("event") == "click":
            self.press(content.get("index"))
