"""One named choice group: native radio buttons sharing one ``name`` inside a ``<fieldset>`` with a ``<legend>``.

Why not ``ipywidgets.RadioButtons``: ipywidgets 8 gives its radios no shared ``name``, so each option is its
own Tab stop, arrow keys do nothing, and the group has no accessible name. Browsers give radios that share a
name one Tab stop and arrow-key movement, and screen readers announce a fieldset's legend as the group's
name (the WAI-ARIA radio group pattern). The group also carries ``data-lm-suppress-shortcuts``, which tells
JupyterLab's keymap to leave the keys pressed inside it alone, so the arrow keys move between options instead
of between notebook cells.

The Python side mirrors ``RadioButtons``: ``options`` (labels, or ``(label, value)`` pairs), ``value``
(``None`` until chosen), ``description`` (the legend), and ``observe(..., names="value")``.

>>> group = ChoiceGroup(options=[("Strong", "strong"), ("Weak", "weak")], description="How well supported?")
>>> group.value is None
True
>>> group.value = "weak"
>>> group.index
1
>>> group.value = "maybe"
Traceback (most recent call last):
...
traitlets.traitlets.TraitError: 'maybe' is not one of the choices in 'How well supported?': 'strong', 'weak'.
"""

from __future__ import annotations

from typing import Any

import traitlets

from usvn.widgets.frontend import FrontEndWidget, front_end

__all__ = ["CheckGroup", "ChoiceGroup", "ChoiceList"]

_ESM = r"""
let groups = 0;
function render({ model, el }) {
  groups += 1;
  const name = `usvn-choice-${groups}-${Math.random().toString(36).slice(2, 8)}`;
  const fieldset = document.createElement("fieldset");
  fieldset.className = "usvn-choices";
  // JupyterLab's keymap (Lumino) stops looking for shortcuts at an element with this attribute. It tests the
  // focused element itself first, so each radio carries it too; and arrow keys go no further than the group.
  fieldset.setAttribute("data-lm-suppress-shortcuts", "true");
  fieldset.addEventListener("keydown", (event) => {
    if (["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", " ", "Home", "End"].includes(event.key)) {
      event.stopPropagation();
    }
  });
  const legend = document.createElement("legend");
  const list = document.createElement("div");
  list.className = "usvn-choices-options";
  fieldset.append(legend, list);
  el.append(fieldset);
  let inputs = [];

  function draw() {
    legend.textContent = model.get("description");
    fieldset.classList.toggle("usvn-choices-row", model.get("orientation") === "horizontal");
    list.replaceChildren();
    inputs = model.get("labels").map((text, index) => {
      const label = document.createElement("label");
      label.className = "usvn-choice";
      const input = document.createElement("input");
      input.type = "radio";
      input.name = name;
      input.setAttribute("data-lm-suppress-shortcuts", "true");
      input.value = String(index);
      input.addEventListener("change", () => {
        if (input.checked) {
          model.set("index", index);
          model.save_changes();
        }
      });
      const span = document.createElement("span");
      span.textContent = text;
      label.append(input, span);
      list.append(label);
      return input;
    });
    check();
  }

  function check() {
    const chosen = model.get("index");
    inputs.forEach((input, index) => { input.checked = index === chosen; });
  }

  model.on("change:labels", draw);
  model.on("change:description", draw);
  model.on("change:orientation", draw);
  model.on("change:index", check);
  draw();
  return () => {
    model.off("change:labels", draw);
    model.off("change:description", draw);
    model.off("change:orientation", draw);
    model.off("change:index", check);
  };
}
export default { render };
"""

_CSS = """
.usvn-choices {border: 1px solid #767676; border-radius: 4px; margin: 4px 0; padding: 2px 10px 6px;}
.usvn-choices legend {font-weight: bold; padding: 0 4px;}
.usvn-choices:focus-within {border-color: #0b5cad; box-shadow: 0 0 0 1px #0b5cad;}
.usvn-choices .usvn-choices-options {display: flex; flex-direction: column; gap: 2px;}
.usvn-choices.usvn-choices-row .usvn-choices-options {flex-direction: row; flex-wrap: wrap; gap: 4px 18px;}
.usvn-choice {display: flex; align-items: flex-start; gap: 6px; line-height: 1.4; cursor: pointer;}
.usvn-choice input {flex: none; margin: 0.25em 0 0 0;}
.usvn-choice input:focus-visible {outline: 3px solid #0b5cad; outline-offset: 2px;}
.usvn-choice:has(input:checked) span {font-weight: 600;}
"""


def _pairs(options) -> list[tuple[str, Any]]:
    pairs = []
    for option in options:
        if isinstance(option, tuple) and len(option) == 2:
            pairs.append((str(option[0]), option[1]))
        else:
            pairs.append((str(option), option))
    return pairs


class ChoiceGroup(FrontEndWidget):
    """A named group of radio buttons: one Tab stop, arrow keys choose, the legend names it."""

    _esm, _css, _anywidget_id = front_end(_ESM, _CSS, "usvn.widgets.choices.ChoiceGroup")
    labels = traitlets.List(traitlets.Unicode()).tag(sync=True)
    index = traitlets.Int(None, allow_none=True).tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
    orientation = traitlets.Unicode("vertical").tag(sync=True)
    value = traitlets.Any(None, allow_none=True)

    def __init__(
        self, options=(), value: Any = None, description: str = "", orientation: str = "vertical", **kwargs
    ) -> None:
        if not description.strip():
            raise ValueError("A choice group needs a description: it is the group's name for screen readers.")
        if orientation not in ("vertical", "horizontal"):
            raise ValueError(f"orientation is 'vertical' or 'horizontal', not {orientation!r}.")
        self._options = _pairs(options)
        if not self._options:
            raise ValueError(f"The choice group {description!r} needs at least one option.")
        kwargs.pop("style", None)  # RadioButtons-style keyword arguments are accepted and ignored
        super().__init__(
            labels=[label for label, _ in self._options], description=description, orientation=orientation, **kwargs
        )
        self.value = value

    @property
    def options(self) -> list[tuple[str, Any]]:
        return list(self._options)

    @property
    def values(self) -> list[Any]:
        return [value for _, value in self._options]

    @traitlets.validate("value")
    def _check_value(self, proposal):
        value = proposal["value"]
        if value is not None and value not in self.values:
            choices = ", ".join(repr(item) for item in self.values)
            raise traitlets.TraitError(f"{value!r} is not one of the choices in {self.description!r}: {choices}.")
        return value

    @traitlets.observe("value")
    def _value_to_index(self, change) -> None:
        index = None if change["new"] is None else self.values.index(change["new"])
        if self.index != index:
            self.index = index

    @traitlets.validate("index")
    def _check_index(self, proposal):
        index = proposal["value"]
        if index is not None and not 0 <= index < len(self._options):
            raise traitlets.TraitError(f"Choice {index} is out of range for {self.description!r}.")
        return index

    @traitlets.observe("index")
    def _index_to_value(self, change) -> None:
        value = None if change["new"] is None else self._options[change["new"]][1]
        if self.value != value:
            self.value = value


_LIST_ESM = r"""
function render({ model, el }) {
  const id = `usvn-list-${Math.random().toString(36).slice(2, 10)}`;
  const box = document.createElement("div");
  box.className = "usvn-choice-list";
  const label = document.createElement("label");
  label.htmlFor = id;
  const select = document.createElement("select");
  select.id = id;
  select.multiple = true;
  // As in the choice group: JupyterLab's keymap leaves the keys pressed here alone, so the arrow keys move
  // through the list (Shift+arrow extends the choice, Ctrl+arrow moves without choosing, Ctrl+Space toggles).
  select.setAttribute("data-lm-suppress-shortcuts", "true");
  select.addEventListener("keydown", (event) => {
    if (["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", " ", "Home", "End", "PageUp", "PageDown"]
        .includes(event.key)) {
      event.stopPropagation();
    }
  });
  select.addEventListener("change", () => {
    model.set("indices", [...select.options].filter((option) => option.selected).map((option) => option.index));
    model.save_changes();
  });
  box.append(label, select);
  el.append(box);

  function draw() {
    label.textContent = model.get("description");
    select.size = model.get("rows");
    select.replaceChildren(...model.get("labels").map((text, index) => {
      const option = document.createElement("option");
      option.value = String(index);
      option.textContent = text;
      return option;
    }));
    mark();
  }
  function mark() {
    const chosen = new Set(model.get("indices"));
    [...select.options].forEach((option) => { option.selected = chosen.has(option.index); });
  }
  model.on("change:labels", draw);
  model.on("change:description", draw);
  model.on("change:rows", draw);
  model.on("change:indices", mark);
  draw();
  return () => {
    model.off("change:labels", draw);
    model.off("change:description", draw);
    model.off("change:rows", draw);
    model.off("change:indices", mark);
  };
}
export default { render };
"""

_LIST_CSS = """
.usvn-choice-list {display: flex; flex-direction: column; gap: 4px; width: 95%;}
.usvn-choice-list label {font-weight: bold;}
.usvn-choice-list select {width: 100%; font: inherit;}
.usvn-choice-list select:focus-visible {outline: 3px solid #0b5cad; outline-offset: 2px;}
"""


class ChoiceList(FrontEndWidget):
    """A labelled list box for choosing several options: one Tab stop, arrow keys that work inside JupyterLab.

    Mirrors ``SelectMultiple``: ``options`` (``(label, value)`` pairs), ``value`` (a tuple), ``description``.

    >>> evidence = ChoiceList(options=[("One", "a"), ("Two", "b")], description="Evidence")
    >>> evidence.value = ("b",)
    >>> evidence.indices
    [1]
    """

    _esm, _css, _anywidget_id = front_end(_LIST_ESM, _LIST_CSS, "usvn.widgets.choices.ChoiceList")
    labels = traitlets.List(traitlets.Unicode()).tag(sync=True)
    indices = traitlets.List(traitlets.Int()).tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
    rows = traitlets.Int(10).tag(sync=True)
    value = traitlets.Tuple()

    def __init__(self, options=(), value=(), description: str = "", rows: int = 10, **kwargs) -> None:
        if not description.strip():
            raise ValueError("A choice list needs a description: it is the list's name for screen readers.")
        self._options = _pairs(options)
        for ignored in ("style", "layout"):
            kwargs.pop(ignored, None)
        super().__init__(labels=[label for label, _ in self._options], description=description, rows=rows, **kwargs)
        self.value = tuple(value)

    @property
    def options(self) -> list[tuple[str, Any]]:
        return list(self._options)

    @traitlets.validate("value")
    def _check_value(self, proposal):
        values = [value for _, value in self._options]
        unknown = [item for item in proposal["value"] if item not in values]
        if unknown:
            raise traitlets.TraitError(
                f"Not among the choices in {self.description!r}: {', '.join(map(repr, unknown))}."
            )
        return tuple(proposal["value"])

    @traitlets.observe("value")
    def _value_to_indices(self, change) -> None:
        values = [value for _, value in self._options]
        indices = [values.index(item) for item in change["new"]]  # in the order given, as SelectMultiple keeps it
        if list(self.indices) != indices:
            self.indices = indices

    @traitlets.observe("indices")
    def _indices_to_value(self, change) -> None:
        value = tuple(self._options[index][1] for index in change["new"] if 0 <= index < len(self._options))
        if self.value != value:
            self.value = value


_CHECK_ESM = r"""
function render({ model, el }) {
  const fieldset = document.createElement("fieldset");
  fieldset.className = "usvn-choices";
  // As in the choice group: JupyterLab's keymap leaves the keys pressed here alone, so Space ticks a box
  // instead of acting on the notebook.
  fieldset.setAttribute("data-lm-suppress-shortcuts", "true");
  fieldset.addEventListener("keydown", (event) => {
    if ([" ", "Enter"].includes(event.key)) event.stopPropagation();
  });
  const legend = document.createElement("legend");
  const list = document.createElement("div");
  list.className = "usvn-choices-options";
  fieldset.append(legend, list);
  el.append(fieldset);
  let boxes = [];
  function draw() {
    legend.textContent = model.get("description");
    list.replaceChildren();
    boxes = model.get("labels").map((text, index) => {
      const label = document.createElement("label");
      label.className = "usvn-choice";
      const input = document.createElement("input");
      input.type = "checkbox";
      input.setAttribute("data-lm-suppress-shortcuts", "true");
      input.addEventListener("change", () => {
        model.set("indices", boxes.flatMap((box, at) => (box.checked ? [at] : [])));
        model.save_changes();
      });
      const span = document.createElement("span");
      span.textContent = text;
      label.append(input, span);
      list.append(label);
      return input;
    });
    mark();
  }
  function mark() {
    const chosen = new Set(model.get("indices"));
    boxes.forEach((box, index) => { box.checked = chosen.has(index); });
  }
  model.on("change:labels", draw);
  model.on("change:description", draw);
  model.on("change:indices", mark);
  draw();
  return () => {
    model.off("change:labels", draw);
    model.off("change:description", draw);
    model.off("change:indices", mark);
  };
}
export default { render };
"""

_CHECK_CSS = _CSS  # the same look as the choice group: a bordered fieldset, options one per line


class CheckGroup(ChoiceList):
    """Check boxes in a ``<fieldset>`` whose ``<legend>`` names them: one widget for the group, one Tab stop
    per box, Space ticks. The Python side is :class:`ChoiceList`'s: ``options``, ``value`` (a tuple of the
    ticked values, in the order shown when ticked in the page), ``description``.

    Why not a box of ``ipywidgets.Checkbox``: that is one widget per box plus a box and a label, and the
    label does not name the group for a screen reader.

    >>> group = CheckGroup(options=[("Trade", "trade"), ("Labour", "labour")], description="Which apply?")
    >>> group.value = ("labour",)
    >>> group.indices
    [1]
    """

    _esm, _css, _anywidget_id = front_end(_CHECK_ESM, _CHECK_CSS, "usvn.widgets.choices.CheckGroup")

    def __init__(self, options=(), value=(), description: str = "", **kwargs) -> None:
        if not description.strip():
            raise ValueError("A check box group needs a description: it is the group's name for screen readers.")
        super().__init__(options=options, value=value, description=description, **kwargs)
