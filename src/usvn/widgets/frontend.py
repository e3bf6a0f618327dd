"""A base for the course's anywidgets: front-end code declared once per class, not added to every instance.

``anywidget.AnyWidget`` adds ``_esm``, ``_css`` and an id as traits of each new instance, and traitlets does
that by making a new class for the instance: about 0.6 ms each, a tenth of a lesson's start when it opens
forty choice groups. A class that declares them with :func:`front_end` has them already, so
:class:`FrontEndWidget` has nothing to add and every instance is of its own class.

>>> import traitlets
>>> class Hello(FrontEndWidget):
...     _esm, _css, _anywidget_id = front_end("export default {render() {}};", "", "doc.Hello")
>>> type(Hello()) is Hello
True
>>> sorted(name for name in Hello().get_state() if name in ("_esm", "_css", "_anywidget_id"))
['_anywidget_id', '_css', '_esm']
"""

from __future__ import annotations

import anywidget
import traitlets

__all__ = ["FrontEndWidget", "front_end"]


def front_end(esm: str, css: str, widget_id: str) -> tuple[traitlets.Unicode, traitlets.Unicode, traitlets.Unicode]:
    """Class traits for ``_esm, _css, _anywidget_id``: the code and style every instance sends to the page, and
    the id anywidget keys the style by (the class's dotted name)."""
    return (
        traitlets.Unicode(esm).tag(sync=True),
        traitlets.Unicode(css).tag(sync=True),
        traitlets.Unicode(widget_id).tag(sync=True),
    )


class FrontEndWidget(anywidget.AnyWidget):
    """An anywidget whose subclasses declare their front end with :func:`front_end`."""

    def add_traits(self, **traits) -> None:
        new = {name: trait for name, trait in traits.items() if not self.has_trait(name)}
        if new:
            super().add_traits(**new)
