"""Helpers several test files share: what a widget's output area shows."""

from __future__ import annotations


def plain_text(area, separator: str = "") -> str:
    """The plain text of every output an ``ipywidgets.Output`` area holds, joined."""
    return separator.join(output.get("data", {}).get("text/plain", "") for output in area.outputs)


def said(view) -> tuple[str, str]:
    """The one feedback output a view shows in its ``output`` area: (plain text, HTML). Fails unless there is
    exactly one."""
    (output,) = view.output.outputs
    return output["data"]["text/plain"], output["data"]["text/html"]
