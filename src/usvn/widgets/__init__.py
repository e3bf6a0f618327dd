"""Widget views. Each wraps a pure model from the package and reports bad input in words."""

from importlib import import_module

__all__ = ["EvidenceScorecard", "MarginCalculator", "ReflectionPrompt", "TimelineExplorer"]

_HOMES = {
    "EvidenceScorecard": "usvn.widgets.scorecard",
    "MarginCalculator": "usvn.widgets.margin",
    "ReflectionPrompt": "usvn.widgets.reflection",
    "TimelineExplorer": "usvn.widgets.timeline",
}


def __getattr__(name: str):
    # Each lesson imports only the views it shows; the others load on first use.
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'usvn.widgets' has no attribute '{name}'")
