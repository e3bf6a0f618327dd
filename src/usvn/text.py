"""Small text helpers shared by the quiz, the widgets and the generated notebook cells."""

from __future__ import annotations

import re
from html import escape

from usvn.data import load_sources

__all__ = ["cite_html", "cite_markdown", "inline_markdown"]

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])")
_CODE = re.compile(r"`([^`]+)`")


def inline_markdown(text: str) -> str:
    """Escape ``text`` for HTML, keeping ``**bold**``, ``*italic*`` and ```code``` marks.

    >>> inline_markdown("**NME** status & *surrogate* `prices`")
    '<strong>NME</strong> status &amp; <em>surrogate</em> <code>prices</code>'
    """
    html = escape(text, quote=False)
    html = _CODE.sub(r"<code>\1</code>", html)
    html = _BOLD.sub(r"<strong>\1</strong>", html)
    return _ITALIC.sub(r"<em>\1</em>", html)


def cite_html(source_ids) -> str:
    """Author-year citations linking to the notebook's Sources section, each titled with the full reference."""
    registry = load_sources()
    links = []
    for source_id in source_ids:
        source = registry[source_id]
        links.append(
            f'<a href="#src-{escape(source_id)}" title="{escape(source.reference())}">{escape(source.label)}</a>'
        )
    return "; ".join(links)


def cite_markdown(source_ids) -> str:
    """Author-year citations as Markdown links to the notebook's Sources section.

    >>> cite_markdown(["tran-2021"])
    '[Tran 2021](#src-tran-2021)'
    """
    registry = load_sources()
    return "; ".join(f"[{registry[source_id].label}](#src-{source_id})" for source_id in source_ids)
