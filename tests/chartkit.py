"""Read a widget's chart back from its HTML: the alt text, and the SVG it draws, parsed."""

from __future__ import annotations

import base64
import html
import re
from xml.etree import ElementTree

SVG = "{http://www.w3.org/2000/svg}"


def chart_of(markup: str) -> tuple[str, ElementTree.Element]:
    """The first chart in ``markup``: (alt text, SVG root). Fails if there is none."""
    match = re.search(r'<img alt="([^"]*)" src="data:image/svg\+xml;base64,([^"]*)"', markup)
    assert match, f"no SVG chart in {markup[:300]!r}"
    return html.unescape(match[1]), ElementTree.fromstring(base64.b64decode(match[2]))


def texts(root: ElementTree.Element) -> list[str]:
    """Every text the chart draws, its lines joined by newlines."""
    return ["\n".join(span.text or "" for span in text.iter(f"{SVG}tspan")) for text in root.iter(f"{SVG}text")]


def marked(root: ElementTree.Element, kind: str) -> list[ElementTree.Element]:
    """The elements that stand for ``kind`` (their class names it): bars, events, cases."""
    return [element for element in root.iter() if kind in element.get("class", "").split()]


def widths(root: ElementTree.Element) -> list[float]:
    """The width of each bar, top to bottom."""
    return [float(bar.get("width")) for bar in marked(root, "bar")]
