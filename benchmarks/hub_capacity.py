"""How many students a machine holds: N students log in at once on a real JupyterHub and run every lesson.

For each class size N (1, 2, 4, 8 by default) a fresh hub starts (jupyterhub + configurable-http-proxy, as
in tests/test_jupyterhub.py). All N students then follow the nbgitpuller link to lesson 00 at the same
moment, and each runs every lesson notebook in turn in a kernel of their own server, through the server's
REST API and kernel websocket, as JupyterLab does. By default each lesson's kernel is shut down when the
student moves on; ``--keep-kernels`` leaves them all running (a student who never closes a tab).

Students' servers run as on the Kubernetes classroom (deploy/z2jh/config.yaml): with its Jupyter server
configuration (idle kernels culled, server extensions the lessons do not need switched off) and without the
modules its image leaves out (tests/hubkit.py, LEFT_OUT_MODULES). ``--server-config as-installed`` runs them as
the test environment installs them instead, for comparison.

Printed per class size:

- time to first executed cell: from clicking the link (login, server start, clone, kernel start) to the
  first cell's reply, median and worst over the class;
- time to run every lesson, median and worst;
- peak memory per student: the student's server plus what it started (kernels, git), sampled every 0.25 s,
  three ways: RSS (counts libraries shared between processes once per process, so it overstates; the aim of
  at most 250 MB per student is in RSS), PSS (shares them out, so students' PSS add up to what the class
  really uses) and USS (pages only that process has);
- the hub and proxy's own RSS.

At the end: the worst student's peak RSS, split into their server and the processes it had started at that
moment, and the worst PSS and USS.

Run: ``make benchmark-hub`` or ``.venv/bin/python benchmarks/hub_capacity.py --students 1,2,4,8``.
Other jobs on the machine slow the times down; the load average before and after is printed with them.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
# The hub and the simulated students are test machinery, kept with the tests (tests/hubkit.py).
sys.path.insert(0, str(ROOT / "tests"))

from hubkit import LEFT_OUT_MODULES, LocalHub, Student, classroom_server_config, publish_snapshot

from usvn.data import load_lessons
from usvn.deploy import clone_folder, nbgitpuller_url

MB = 1024 * 1024
TARGET_MB = 250


@dataclass
class StudentResult:
    first_cell: float = float("nan")
    all_lessons: float = float("nan")
    errors: list[str] = field(default_factory=list)


@dataclass
class Footprint:
    """One student's memory at one moment, in bytes: their server and what it started (kernels, git), three ways.

    RSS counts every page a process has in memory, shared libraries too, once per process: the student's
    server and kernel each count Python and the libraries they share, so RSS overstates. PSS shares each page
    out among the processes that map it (students' PSS add up to what the class uses). USS counts only the
    pages no other process maps: what stopping the student would free.
    """

    server_rss: int = 0
    started_rss: int = 0
    pss: int = 0
    uss: int = 0
    started: tuple[str, ...] = ()  # the names of the processes the server started (kernels, git)

    @property
    def rss(self) -> int:
        return self.server_rss + self.started_rss


class MemoryMonitor(threading.Thread):
    """Samples each student's server + kernels and keeps, per student, the sample with the highest RSS and the
    highest PSS and USS seen."""

    def __init__(self, hub: LocalHub, users: list[str], interval: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.hub, self.users, self.interval = hub, users, interval
        self.peak = {user: Footprint() for user in users}
        self.peak_pss = dict.fromkeys(users, 0)
        self.peak_uss = dict.fromkeys(users, 0)
        self.peak_server_rss = dict.fromkeys(users, 0)
        self.hub_rss = 0
        self.stopping = threading.Event()

    def sample(self, user: str) -> Footprint:
        now = Footprint()
        processes = self.hub.processes(user)
        for position, process in enumerate(processes):
            try:
                info = process.memory_full_info()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            if position == 0:  # hub.processes lists the single-user server first, then what it started
                now.server_rss = info.rss
            else:
                now.started_rss += info.rss
                now.started += (process.name(),)
            now.pss += getattr(info, "pss", info.uss)
            now.uss += info.uss
        return now

    def run(self) -> None:
        while not self.stopping.is_set():
            for user in self.users:
                now = self.sample(user)
                if now.rss > self.peak[user].rss:
                    self.peak[user] = now
                self.peak_pss[user] = max(self.peak_pss[user], now.pss)
                self.peak_uss[user] = max(self.peak_uss[user], now.uss)
                self.peak_server_rss[user] = max(self.peak_server_rss[user], now.server_rss)
            try:
                self.hub_rss = max(self.hub_rss, sum(p.memory_info().rss for p in self.hub.own_processes()))
            except psutil.NoSuchProcess:
                pass
            self.stopping.wait(self.interval)


def run_class(
    size: int, remote_url: str, lessons: list[str], workdir: Path, keep_kernels: bool, server_config: dict
) -> dict:
    users = [f"student{index:02d}" for index in range(1, size + 1)]
    folder = clone_folder(remote_url)
    results = {user: StudentResult() for user in users}
    left_out = LEFT_OUT_MODULES if server_config else ()
    with LocalHub(
        workdir / f"hub-{size}", users, timeout=600, server_config=server_config, left_out_modules=left_out
    ) as hub:
        monitor = MemoryMonitor(hub, users)
        monitor.start()
        start_line = threading.Barrier(size)

        def student_session(user: str) -> None:
            student = Student(hub, user, timeout=600)
            result = results[user]
            start_line.wait()
            clicked = time.monotonic()
            try:
                student.pull(nbgitpuller_url(hub.url, lessons[0], repo=remote_url))
                for path in lessons:
                    run = student.run_notebook(
                        f"{folder}/{path}", started=clicked, keep_kernel=keep_kernels, cell_timeout=600
                    )
                    if math.isnan(result.first_cell) and run.first_reply is not None:
                        result.first_cell = run.first_reply
                    result.errors += [f"{path} {error}" for error in run.errors]
                result.all_lessons = time.monotonic() - clicked
            except Exception as error:  # noqa: BLE001 - reported in the table, not raised: the other students go on
                result.errors.append(f"{type(error).__name__}: {error}")

        threads = [threading.Thread(target=student_session, args=(user,)) for user in users]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        time.sleep(2 * monitor.interval)
        monitor.stopping.set()
        monitor.join()
    return {
        "users": users,
        "results": results,
        "peak": monitor.peak,
        "rss": {user: footprint.rss for user, footprint in monitor.peak.items()},
        "pss": monitor.peak_pss,
        "uss": monitor.peak_uss,
        "server_rss": monitor.peak_server_rss,
        "hub_rss": monitor.hub_rss,
    }


def _spread(values: list[float], scale: float = 1.0) -> str:
    values = [value / scale for value in values if not math.isnan(value)]
    if not values:
        return "n/a"
    return f"{statistics.median(values):7.1f} / {max(values):7.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", default="1,2,4,8", help="class sizes to try, comma-separated (default 1,2,4,8)")
    parser.add_argument("--lessons", default="all", help="lesson numbers to run, comma-separated (default: all)")
    parser.add_argument("--keep-kernels", action="store_true", help="keep every lesson's kernel running")
    parser.add_argument(
        "--server-config",
        choices=["classroom", "as-installed"],
        default="classroom",
        help="students' servers as the Kubernetes classroom runs them (the default: deploy/z2jh/config.yaml's "
        "server configuration, with kernel culling and unneeded server extensions off, and without the modules "
        "its image leaves out) or as the test environment installs them",
    )
    args = parser.parse_args(argv)
    sizes = [int(item) for item in args.students.split(",") if item.strip()]
    chosen = None if args.lessons == "all" else {int(item) for item in args.lessons.split(",")}
    lessons = [f"notebooks/{lesson.notebook}" for lesson in load_lessons() if chosen is None or lesson.number in chosen]
    missing = [path for path in lessons if not (ROOT / path).is_file()]
    if not lessons or missing or not sizes or min(sizes) < 1:
        parser.error(f"nothing to run (lessons {lessons}, missing {missing}, class sizes {sizes})")

    server_config = classroom_server_config() if args.server_config == "classroom" else {}
    memory = psutil.virtual_memory().total
    print(
        f"Hub capacity: {len(lessons)} lessons per student ({', '.join(Path(p).stem[:2] for p in lessons)}), "
        f"kernels {'kept open' if args.keep_kernels else 'shut down after each lesson'}, "
        f"students' server configuration: {args.server_config}"
    )
    print(
        f"Machine: {os.cpu_count()} cores, {memory / 2**30:.0f} GiB, {platform.platform()}, "
        f"Python {platform.python_version()}"
    )
    header = (
        f"{'students':>8}  {'first cell s (median / worst)':>29}  {'all lessons s (median / worst)':>30}  "
        f"{'peak RSS MB per student':>23}  {'peak PSS MB per student':>23}  {'peak USS MB per student':>23}  "
        f"{'hub+proxy MB':>12}  {'load before/after':>17}  errors"
    )
    print(header)
    rows = []
    with tempfile.TemporaryDirectory(prefix="usvn-hub-capacity-") as scratch:
        remote = publish_snapshot(ROOT, Path(scratch) / "published")
        for size in sizes:
            before = os.getloadavg()[0]
            outcome = run_class(size, remote.url, lessons, Path(scratch), args.keep_kernels, server_config)
            after = os.getloadavg()[0]
            results = outcome["results"].values()
            errors = [f"{user}: {error}" for user, result in outcome["results"].items() for error in result.errors]
            rows.append((size, outcome, errors))
            print(
                f"{size:>8}  {_spread([r.first_cell for r in results]):>29}  "
                f"{_spread([r.all_lessons for r in results]):>30}  "
                f"{_spread(list(outcome['rss'].values()), MB):>23}  {_spread(list(outcome['pss'].values()), MB):>23}  "
                f"{_spread(list(outcome['uss'].values()), MB):>23}  "
                f"{outcome['hub_rss'] / MB:>12.0f}  {before:>8.2f}/{after:<8.2f}  {len(errors)}",
                flush=True,
            )
            for error in errors[:5]:
                print(f"          ! {error}")

    size, user, peak = max(
        ((size, user, footprint) for size, outcome, _ in rows for user, footprint in outcome["peak"].items()),
        key=lambda item: item[2].rss,
    )
    worst_rss = peak.rss / MB
    worst_pss = max(max(outcome["pss"].values()) for _, outcome, _ in rows) / MB
    worst_uss = max(max(outcome["uss"].values()) for _, outcome, _ in rows) / MB
    server_rss = [rss / MB for _, outcome, _ in rows for rss in outcome["server_rss"].values()]
    hub_rss = max(outcome["hub_rss"] for _, outcome, _ in rows) / MB
    print(
        f"\nWorst student's peak: RSS {worst_rss:.0f} MB ({user} of {size}: server {peak.server_rss / MB:.0f} MB "
        f"+ {len(peak.started)} process{'es' if len(peak.started) != 1 else ''} it started "
        f"{peak.started_rss / MB:.0f} MB: {', '.join(peak.started) or 'none'}); "
        f"aim: at most {TARGET_MB} MB RSS, {'met' if worst_rss <= TARGET_MB else 'NOT met'}."
    )
    print(
        f"Worst peaks by the other measures: PSS {worst_pss:.0f} MB, USS {worst_uss:.0f} MB. "
        f"Servers alone peaked at {statistics.median(server_rss):.0f} MB RSS (median), {max(server_rss):.0f} MB (worst)."
    )
    for gib in (4, 8, 16, 32):
        fits = int((gib * 1024 - hub_rss - 1024) // max(worst_rss, 1))  # 1 GiB kept for the system
        print(f"  a {gib:>2} GiB machine holds about {fits:>3} students by memory (RSS, 1 GiB for the system)")
    print("CPU is the other limit: watch how 'first cell' grows with the class size on this machine's cores.")
    return 1 if any(errors for _, _, errors in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
