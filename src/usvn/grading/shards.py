"""Grade one class on several machines: ``usvn grade --shard I/N`` on each, then ``usvn merge-shards``.

A submission belongs to the shard its identity hashes to: the name of its entry in the download folder (a file
or a student's folder) after Unicode NFC normalisation. Never its position in a listing, so the assignment is
the same on every machine and every re-run, and a file added later leaves everyone else where they were.
Every entry, including one that only gets an error row (a link, a bad zip), belongs to exactly one shard.

Each shard discovers the whole folder (so duplicate names get the same ``#2`` suffixes as in a single run),
grades its own part, and records in ``run.json`` its number, the whole listing, the source's digest, the
grader's version and digest, the isolation level and the limits. :func:`merge_shards` checks that the shards
belong together before it writes anything, then writes what a single ``usvn grade`` run writes.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from usvn.grading.core import load_source, package_digest
from usvn.grading.files import atomic_write, output_lock, output_name
from usvn.grading.results import Submission, SubmissionResult
from usvn.grading.source import SourceSpec

__all__ = ["Shard", "ShardError", "merge_shards", "shard_number", "shard_record"]


class ShardError(ValueError):
    """Shards that cannot be merged, or a ``--shard`` that cannot be read; the message says why."""


def shard_number(identity: str, count: int) -> int:
    """The shard (1 to ``count``) a submission's identity belongs to: the same on every machine and run.

    >>> shard_number("alice.ipynb", 1), shard_number("alice.ipynb", 3) == shard_number("alice.ipynb", 3)
    (1, True)
    """
    name = unicodedata.normalize("NFC", identity)
    digest = hashlib.sha256(name.encode("utf-8", errors="surrogateescape")).digest()
    return 1 + int.from_bytes(digest[:8], "big") % count


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` of ``count`` (1-based, as written on the command line: ``2/3``)."""

    index: int
    count: int

    def __post_init__(self):
        if not (isinstance(self.index, int) and isinstance(self.count, int)) or not 1 <= self.index <= self.count:
            raise ShardError(
                f"a shard is I/N with whole numbers 1 ≤ I ≤ N (shard 1/3 is the first of three); "
                f"got {self.index}/{self.count}"
            )

    @classmethod
    def parse(cls, text: str) -> Shard:
        """Read ``I/N``.

        >>> Shard.parse("2/3")
        Shard(index=2, count=3)
        >>> Shard.parse("0/3")
        Traceback (most recent call last):
        ...
        usvn.grading.shards.ShardError: a shard is I/N with whole numbers 1 ≤ I ≤ N (shard 1/3 is the first of three); got 0/3
        """
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
        if not match:
            raise ShardError(
                f"--shard takes I/N, two whole numbers with 1 ≤ I ≤ N (e.g. 1/3 for the first of three shards); "
                f"got '{text}'"
            )
        return cls(int(match[1]), int(match[2]))

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def holds(self, submission: Submission) -> bool:
        return shard_number(submission.origin, self.count) == self.index

    def select(self, found: list[Submission]) -> list[Submission]:
        """This shard's part of a discovered folder, in the folder's order."""
        return [submission for submission in found if self.holds(submission)]


def shard_record(shard: Shard, found: list[Submission]) -> dict:
    """What ``run.json`` says about a shard: its number, and the whole folder with each entry's shard."""
    return {
        "index": shard.index,
        "count": shard.count,
        "listing": [
            {
                "student": submission.student,
                "origin": submission.origin,
                "shard": shard_number(submission.origin, shard.count),
            }
            for submission in found
        ],
    }


def mark_finished(out: Path) -> None:
    """Note in run.json that the shard graded its whole part: a shard without it is not merged."""
    path = Path(out) / "run.json"
    run = json.loads(path.read_text(encoding="utf-8"))
    run["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    atomic_write(path, json.dumps(run, indent=1))


def _read_run(folder: Path) -> dict:
    path = folder / "run.json"
    if not folder.is_dir():
        raise ShardError(f"{folder} does not exist")
    if not path.is_file():
        raise ShardError(f"{folder} holds no run.json: it is not the output of `usvn grade --shard I/N`")
    try:
        run = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise ShardError(f"{path} cannot be read ({error})") from None
    if not isinstance(run, dict) or not isinstance(run.get("shard"), dict):
        raise ShardError(f"{folder} was graded without --shard; only shards of one class can be merged")
    record = run["shard"]
    try:
        Shard(record["index"], record["count"])
        consistent = all(
            isinstance(entry["student"], str) and entry["shard"] == shard_number(entry["origin"], record["count"])
            for entry in record["listing"]
        )
    except (KeyError, TypeError, ShardError):
        consistent = False
    if not consistent:
        raise ShardError(f"{path} does not describe a shard as `usvn grade --shard` writes it; grade that shard again")
    return run


def _running(folder: Path) -> str:
    """Who holds the folder's grading lock, or "" when nobody does (the lock file is only read, never written)."""
    import fcntl

    lock = folder / ".lock"
    if not lock.is_file():
        return ""
    with open(lock, encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return handle.read().strip() or "another process"
        fcntl.flock(handle, fcntl.LOCK_UN)
    return ""


def _same(runs: dict[Path, dict], what: str, value, label: str) -> None:
    """Refuse unless every shard has the same ``value(run)``; name the shards that differ."""
    seen: dict[str, list[str]] = {}
    for folder, run in runs.items():
        seen.setdefault(json.dumps(value(run), sort_keys=True), []).append(f"{folder} (shard {run['shard']['index']})")
    if len(seen) > 1:
        groups = "; ".join(f"{json.loads(key)!s:.80} in {', '.join(folders)}" for key, folders in seen.items())
        raise ShardError(
            f"the shards were graded with different {label}: {groups}. Grade them all again with one {what}."
        )


def _same_listing(runs: dict[Path, dict]) -> None:
    """Refuse shards that saw different download folders: their parts would not add up to one class."""
    (first, run), *others = runs.items()
    expected = [(entry["student"], entry["origin"]) for entry in run["shard"].get("listing", [])]
    for folder, other in others:
        listing = [(entry["student"], entry["origin"]) for entry in other["shard"].get("listing", [])]
        if listing != expected:
            only_first = [origin for _, origin in sorted(set(expected) - set(listing))][:3]
            only_other = [origin for _, origin in sorted(set(listing) - set(expected))][:3]
            raise ShardError(
                f"{first} and {folder} graded different download folders (only in the first: "
                f"{', '.join(only_first) or 'nothing'}; only in the second: {', '.join(only_other) or 'nothing'}). "
                "Grade every shard again on the same folder; finished submissions are kept."
            )


def check_shards(folders: list[Path]) -> dict[Path, dict]:
    """Every shard's run.json, once they are known to belong together; else ShardError saying what differs."""
    if not folders:
        raise ShardError("give the output folders of the shards to merge")
    runs: dict[Path, dict] = {}
    for folder in map(Path, folders):
        if folder.resolve() in {known.resolve() for known in runs}:
            raise ShardError(f"{folder} is given twice")
        runs[folder] = _read_run(folder)
        holder = _running(folder)
        if holder:
            raise ShardError(f"{folder} is still being graded ({holder}); merge when its run has finished")
    for folder, run in runs.items():
        if not run.get("finished"):
            raise ShardError(
                f"shard {run['shard'].get('index')}/{run['shard'].get('count')} in {folder} did not finish "
                "(its run was stopped); run that shard's command again (what it finished is kept), then merge"
            )
    _same(runs, "number of shards", lambda run: run["shard"].get("count"), "numbers of shards (N in --shard I/N)")
    _same(runs, "source", lambda run: run.get("source_digest"), "source notebooks (their digests differ)")
    _same(runs, "grader", lambda run: run.get("grader_version"), "grader versions")
    _same(runs, "grader", lambda run: run.get("grader_digest"), "grader code or module data (their digests differ)")
    _same(runs, "isolation level", lambda run: run.get("isolation"), "isolation levels")
    _same(runs, "set of limits", lambda run: run.get("limits"), "limits")
    _same_listing(runs)
    count = next(iter(runs.values()))["shard"]["count"]
    numbers: dict[int, list[Path]] = {}
    for folder, run in runs.items():
        numbers.setdefault(run["shard"]["index"], []).append(folder)
    twice = {number: found for number, found in numbers.items() if len(found) > 1}
    if twice:
        named = "; ".join(
            f"{number}/{count} in {', '.join(map(str, found))}" for number, found in sorted(twice.items())
        )
        raise ShardError(f"shards given more than once: {named}")
    missing = sorted(set(range(1, count + 1)) - set(numbers))
    if missing:
        raise ShardError(
            f"shard(s) {', '.join(f'{number}/{count}' for number in missing)} missing: "
            f"got {', '.join(f'{number}/{count}' for number in sorted(numbers))}"
        )
    return runs


def _results(runs: dict[Path, dict]) -> tuple[list[SubmissionResult], dict[str, str]]:
    """Every student's result, in the folder's order, read from the shard that graded it; and its stored text."""
    by_student: dict[str, tuple[SubmissionResult, str]] = {}
    for folder, run in runs.items():
        index = run["shard"]["index"]
        for entry in run["shard"]["listing"]:
            if entry["shard"] != index:
                continue
            path = folder / "results" / f"{output_name(entry['student'])}.json"
            try:
                text = path.read_text(encoding="utf-8")
                result = SubmissionResult.from_dict(json.loads(text))
            except (OSError, ValueError, TypeError):
                raise ShardError(
                    f"shard {index}/{run['shard']['count']} in {folder} is incomplete: no readable result for "
                    f"{entry['student']} ({path.name}); run that shard's command again, then merge"
                ) from None
            if result.student != entry["student"]:
                raise ShardError(f"{path} holds {result.student}, not {entry['student']}; grade that shard again")
            by_student[entry["student"]] = (result, text)
    listing = next(iter(runs.values()))["shard"]["listing"]
    ordered = [by_student[entry["student"]] for entry in listing]
    return [result for result, _ in ordered], {result.student: text for result, text in ordered}


def merge_shards(out: Path, folders: list[Path], source=None, feedback: Path | None = None) -> list[SubmissionResult]:
    """Combine shard outputs into ``out`` as one ``usvn grade`` run would have written it.

    ``source`` (a notebook path or a read source) defaults to the source named in the shards' run.json; it must have the digest they were graded
    against. Everything is checked before anything is written: a ShardError names what does not fit.
    """
    from usvn.grading import reports

    out = Path(out)
    folders = [Path(folder) for folder in folders]
    if any(out.resolve() == folder.resolve() for folder in folders):
        raise ShardError(f"{out} is one of the shards; merge into a folder of its own")
    previous = out / "run.json"
    if previous.is_file():
        try:
            merged_before = "merged_from" in json.loads(previous.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            merged_before = False
        if not merged_before:
            raise ShardError(f"{out} holds another grading run; merge into a new folder")
    runs = check_shards(folders)
    shards = sorted(runs.items(), key=lambda pair: pair[1]["shard"]["index"])
    first = shards[0][1]
    spec = _source(source or first.get("source"), first.get("source_digest"))
    results, texts = _results(runs)
    with output_lock(out):
        for student, text in texts.items():
            atomic_write(out / "results" / f"{output_name(student)}.json", text)
        reports.write_all(spec, results, out, Path(feedback) if feedback else out / "feedback")
        run = {key: value for key, value in first.items() if key not in ("shard", "finished")}
        run.update(
            {
                "source": str(spec.path) if spec.path else first.get("source"),
                "feedback": str(feedback) if feedback else None,
                "started": min((shard.get("started") for _, shard in shards), key=_when),  # the first shard's
                "merged_from": [str(folder.resolve()) for folder, _ in shards],
                "merged": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            }
        )
        atomic_write(out / "run.json", json.dumps(run, indent=1))
    return results


def _when(stamp) -> datetime:
    """A run.json time stamp as a moment (machines in different time zones compare rightly); unknown: last."""
    try:
        return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S%z")
    except (TypeError, ValueError):
        return datetime.max.replace(tzinfo=UTC)


def _source(source, digest: str | None) -> SourceSpec:
    if not source:
        raise ShardError("the shards' run.json names no source; give --source")
    try:
        spec = load_source(source)
    except (OSError, ValueError) as error:
        raise ShardError(f"the source {source} cannot be read ({error}); give --source") from None
    if spec.digest != digest:
        raise ShardError(
            f"the source {spec.path or source} is not the notebook the shards were graded against "
            "(its digest differs); give that notebook with --source"
        )
    return spec


def run_fields(spec: SourceSpec, limits) -> dict:
    """What every run.json records so that shards can be checked against each other."""
    return {
        "source_digest": spec.digest,
        "grader_digest": package_digest(),
        "limits": limits.as_dict(),
    }
