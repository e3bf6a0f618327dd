"""What grading in shards costs and gains: one `usvn grade` run against N shards and their merge, on this machine.

    .venv/bin/python benchmarks/grading_shards.py [--students 12] [--shards 3] [--jobs 2]

The class is the synthetic problem set of the tests (``tests/gradingkit.py``), answers varied per student.
The script grades it once in a single run, then as N shards one after another (each as on a machine of its
own, with the same --jobs), then merges them. It prints each wall time, the slowest shard (what N machines
would take), the overhead all shards add together (every shard starts a grader, checks bubblewrap and reads
the whole folder), the merge time, whether the merged gradebook equals the single run's, and the load average.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

WRONG = {
    "q1": 'choice = "a"',
    "q2": "count = 6.0",
    "q3": "ids = []",
    "q4": "def weighted(scores, weights):\n    return 0",
    "q5": "",
}


def build(root: Path, students: int) -> tuple[Path, Path]:
    import gradingkit as kit

    key = kit.write(kit.source_notebook(), root / "key" / "ps.ipynb")
    for number in range(students):
        wrong = list(WRONG)[number % len(WRONG)]
        kit.write(kit.submission({wrong: WRONG[wrong]}), root / "subs" / f"student{number:03d}.ipynb")
    return key, root / "subs"


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"failed: {' '.join(command)}\n{done.stderr[-2000:]}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=12)
    parser.add_argument("--shards", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    usvn = [sys.executable, "-m", "usvn.cli"]
    print(f"load average before: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        key, subs = build(root, args.students)
        common = ["--source", str(key), "--jobs", str(args.jobs)]
        single = timed([*usvn, "grade", str(subs), "--out", str(root / "single"), *common])
        shards = []
        for index in range(1, args.shards + 1):
            out = root / f"shard-{index}"
            shards.append(
                timed([*usvn, "grade", str(subs), "--out", str(out), "--shard", f"{index}/{args.shards}", *common])
            )
        merge = timed(
            [
                *usvn,
                "merge-shards",
                str(root / "merged"),
                *(str(root / f"shard-{i}") for i in range(1, args.shards + 1)),
            ]
        )
        from usvn.grading.shards import merge_shards

        started = time.perf_counter()
        merge_shards(root / "merged-again", [root / f"shard-{i}" for i in range(1, args.shards + 1)])
        merge_in_process = time.perf_counter() - started
        same = (root / "merged" / "gradebook.csv").read_bytes() == (root / "single" / "gradebook.csv").read_bytes()
        sizes = [
            len((root / f"shard-{i}" / "gradebook.csv").read_text().splitlines()) - 1 for i in range(1, args.shards + 1)
        ]
    print(f"{args.students} students, --jobs {args.jobs}")
    print(f"single run:             {single:6.1f} s")
    print(f"shards (students):      {', '.join(f'{t:.1f} s ({n})' for t, n in zip(shards, sizes))}")
    print(f"slowest shard:          {max(shards):6.1f} s  (single / slowest = {single / max(shards):.2f})")
    print(
        f"all shards together:    {sum(shards):6.1f} s  (overhead over the single run: {sum(shards) - single:+.1f} s)"
    )
    print(f"merge-shards:           {merge:6.1f} s  (a process of its own, interpreter start included)")
    print(f"merge_shards():         {merge_in_process:6.2f} s  (in this process: the merge's own work)")
    print(f"merged gradebook equals the single run's: {'yes' if same else 'NO'}")
    print(f"load average after: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")


if __name__ == "__main__":
    main()
