"""Widget views. Each wraps a pure model from the package and reports bad input in words."""

from usvn.widgets.margin import MarginCalculator
from usvn.widgets.reflection import ReflectionPrompt
from usvn.widgets.scorecard import EvidenceScorecard
from usvn.widgets.timeline import TimelineExplorer

__all__ = ["EvidenceScorecard", "MarginCalculator", "ReflectionPrompt", "TimelineExplorer"]
