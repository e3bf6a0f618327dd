"""What is graded and what grading yields: a :class:`Submission` found in the download folder, and one
:class:`ItemResult` per graded item, in a :class:`SubmissionResult`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = ["ItemResult", "Submission", "SubmissionResult", "not_graded_items"]


@dataclass(frozen=True)
class Submission:
    student: str
    path: Path | None  # None: nothing to grade (the note says why)
    note: str = ""
    lms_id: str = ""
    origin: str = ""  # the entry of the download folder, printable
    zip_member: str = ""  # a notebook inside a zip upload


@dataclass
class ItemResult:
    grade_id: str
    kind: str  # "auto" or "manual"
    max_points: float
    points: float | None  # None: waits for a hand grade
    status: str  # passed, failed, hand (auto item graded by hand), ungraded, graded (by hand), unanswered
    feedback: str = ""
    answer: str = ""  # manual items: the student's text
    note: str = ""  # for the instructor only: why an item needs a hand grade, or what failed


@dataclass
class SubmissionResult:
    student: str
    submission: str
    status: str  # graded, partial, not graded
    items: list[ItemResult] = field(default_factory=list)
    reason: str = ""
    changes: str = ""
    problems: list[str] = field(default_factory=list)
    cell_errors: list[str] = field(default_factory=list)
    isolation: str = ""
    seconds: float = 0.0
    fingerprint: str = ""
    level: str = ""  # the isolation level alone: bwrap, unshare or rlimits
    warning: str = ""  # set when a weaker isolation level than bubblewrap was asked for
    infrastructure: str = ""  # a failure of the grader or the machine: graded again on the next run
    lms_id: str = ""  # the LMS's id for the student (Canvas user id, Moodle participant id, Blackboard login)
    file: str = ""  # the output file name used for this student (results/, feedback/)

    @property
    def auto_points(self) -> float:
        return sum(item.points or 0 for item in self.items if item.kind == "auto")

    def item(self, grade_id: str) -> ItemResult:
        return next(item for item in self.items if item.grade_id == grade_id)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> SubmissionResult:
        known = set(ItemResult.__dataclass_fields__)
        items = [
            ItemResult(**{key: value for key, value in item.items() if key in known}) for item in data.get("items", [])
        ]
        fields = set(cls.__dataclass_fields__)
        return cls(**{**{key: value for key, value in data.items() if key in fields}, "items": items})


def not_graded_items(items, reason: str) -> list[ItemResult]:
    """A zero for every item of the source (``items``: its :class:`usvn.grading.source.Item` list) when a
    submission could not be graded at all, each saying why."""
    return [
        ItemResult(
            item.grade_id,
            item.kind,
            item.points,
            0.0,
            "failed" if item.kind == "auto" else "unanswered",
            f"Not graded: {reason}.",
        )
        for item in items
    ]
