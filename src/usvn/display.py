"""Display helpers: figures as ``<img>`` with real alt text, and widgets with a static fallback.

JupyterLab drops alt text given as output metadata, and nbconvert replaces it with a stock phrase;
an HTML ``<img alt=...>`` output keeps it everywhere. Charts the module draws for a lesson (the widgets', redrawn
on every change, and the lessons' static ones) are SVG documents written as text (``usvn.widgets.charts``),
shown by :func:`svg_img_html`: no matplotlib import, no render. Figures students build in graded work are
``matplotlib.figure.Figure`` objects (no pyplot state), rendered once to PNG.
"""

from __future__ import annotations

import base64
import io
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "CARD_STYLE",
    "FigureOutput",
    "WithStaticFallback",
    "announce",
    "feedback_output",
    "figure_png",
    "img_html",
    "shared_widget",
    "svg_img_html",
]

_DPI = 100
_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

#: Check box labels wrap instead of overlapping or being cut (ipywidgets gives each one fixed line).
CARD_STYLE = (
    "<style>.usvn-card .widget-checkbox {height: auto;} .usvn-card .widget-checkbox label.widget-label-basic "
    "{white-space: normal; overflow: visible; height: auto; line-height: 1.4; padding: 3px 0;}</style>"
)


def figure_png(figure: Figure, *, tight: bool = True) -> bytes:
    """The figure as PNG bytes.

    ``tight=True`` trims the margins but draws the figure twice; interactive views that redraw on every
    change set their margins once and pass ``tight=False``.
    """
    buffer = io.BytesIO()
    figure.savefig(
        buffer, format="png", dpi=_DPI, bbox_inches="tight" if tight else None, pil_kwargs={"compress_level": 1}
    )
    return buffer.getvalue()


def img_html(png: bytes, alt: str, *, width: int | None = None, mime: str = "image/png") -> str:
    """An ``<img>`` element carrying the image inline (PNG unless ``mime`` says otherwise) and the alt text.

    >>> img_html(b"x", 'A "quoted" <b> alt')
    '<img alt="A &quot;quoted&quot; &lt;b&gt; alt" src="data:image/png;base64,eA==" style="max-width: 100%"/>'
    """
    if not alt.strip():
        raise ValueError("Every figure needs alt text that says what it shows.")
    size = f' width="{width}"' if width else ""
    encoded = base64.b64encode(png).decode("ascii")
    return f'<img alt="{escape(alt)}" src="data:{mime};base64,{encoded}"{size} style="max-width: 100%"/>'


def svg_img_html(svg: str, alt: str) -> str:
    """An SVG document as an ``<img>`` with alt text: the browser draws it, and the alt text is what it says.

    An ``<img>`` (not inline ``<svg>``) keeps one accessible name, the alt text, and keeps the chart's ids out
    of the page.

    >>> svg_img_html('<svg xmlns="http://www.w3.org/2000/svg"/>', "An empty chart.")[:60]
    '<img alt="An empty chart." src="data:image/svg+xml;base64,PH'
    """
    return img_html(svg.encode("utf-8"), alt, mime="image/svg+xml")


_SHARED: dict[tuple, Any] = {}


def shared_widget(kind: type, **traits: Any) -> Any:
    """One ``Layout`` or style widget per setting, shared by every control that uses it.

    Each widget is a model the kernel sends to the browser when it is made, and every button, box and label
    makes its own Layout and style unless given one: a lesson's quiz made about 200 of its 316 models that
    way, and took long to appear. Sharing them changes nothing on the page. A closed one
    (``Widget.close_all``) is made afresh.
    """
    key = (kind, tuple(sorted(traits.items())))
    part = _SHARED.get(key)
    if part is None or part.comm is None:
        part = _SHARED[key] = kind(**traits)
    return part


class FigureOutput:
    """A figure with alt text, displayed as HTML (``<img alt>``) with the alt text as its plain-text form.

    The figure is a matplotlib ``Figure`` (rendered once to PNG), or ``svg``: a chart already written as SVG
    text (``usvn.widgets.charts``), which needs neither matplotlib nor a render and is shown by the browser.
    """

    def __init__(self, figure: Figure | None = None, alt: str = "", *, svg: str | None = None) -> None:
        if (figure is None) == (svg is None):
            raise ValueError("Give a FigureOutput either a matplotlib figure or svg text, not both or neither.")
        if not alt.strip():
            raise ValueError("Every figure needs alt text that says what it shows.")
        self.alt = alt
        self.svg = svg
        self.png = figure_png(figure) if figure is not None else None

    @property
    def html(self) -> str:
        return svg_img_html(self.svg, self.alt) if self.svg is not None else img_html(self.png, self.alt)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.html, "text/plain": f"[Figure] {self.alt}"}


class WithStaticFallback:
    """A widget plus static HTML and text for front ends that cannot run it (GitHub, nbviewer, exports).

    JupyterLab with a live kernel shows the widget; without one it shows the HTML.
    """

    def __init__(self, widget, html: str, text: str) -> None:
        self.widget, self.html, self.text = widget, html, text

    def _repr_mimebundle_(self, include=None, exclude=None):
        if getattr(self.widget, "_view_name", None) is not None:
            # The view reference ipywidgets 8 writes, without its text/plain: that is the repr of the whole
            # widget tree, every child's traits included, made only to be replaced by ``text`` below.
            data = {_WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": self.widget.model_id}}
        else:
            bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude)
            data = dict((bundle[0] if isinstance(bundle, tuple) else bundle) or {})
        data["text/html"] = self.html
        data["text/plain"] = self.text
        return data


def feedback_output(text: str, html: str = "") -> dict[str, Any]:
    """One notebook output for a widget's feedback area: ``text`` (then optional ``html``) in a ``role="alert"`` box.

    Screen readers read an element with role ``alert`` aloud when it is added to the page, so the feedback is
    announced without moving the focus (WCAG 2.1 success criterion 4.1.3, status messages). A role ``status``
    region would have to exist before its text changes, and an ``Output`` widget's outputs are new elements
    each time. ``text/plain`` carries the text alone, for tests and text front ends.

    >>> output = feedback_output("Correct. 1995.", "<p>Why: ...</p>")
    >>> output["data"]["text/plain"]
    'Correct. 1995.'
    >>> output["data"]["text/html"]
    '<div class="usvn-feedback" role="alert"><p>Correct. 1995.</p><p>Why: ...</p></div>'
    """
    if not text.strip():
        raise ValueError("Feedback needs a sentence that says what happened.")
    return {
        "output_type": "display_data",
        "metadata": {},
        "data": {
            "text/plain": text,
            "text/html": f'<div class="usvn-feedback" role="alert"><p>{escape(text)}</p>{html}</div>',
        },
    }


def announce(area, text: str, html: str = "") -> None:
    """Replace what an ``ipywidgets.Output`` area shows with :func:`feedback_output`, announced to screen readers.

    Setting ``outputs`` (rather than printing inside the area) works from button callbacks and headless tests alike.
    """
    area.outputs = (feedback_output(text, html),)
