"""Isolation for a student's kernel without Docker, detected at run time.

Three levels, strongest first; :func:`detect` picks the strongest the machine allows and says why:

``bwrap``
    bubblewrap (Debian package ``bubblewrap``): the kernel sees the system and Python read-only and its own
    scratch folder, nothing else (no answer key, no other submission, no gradebook, no home folder); no
    network; its own process tree, killed with it.
``unshare``
    util-linux ``unshare`` with a user namespace: no network, its own process tree; the key's folder, the
    output folder, the submissions and the other scratch folders are covered with empty mounts.
``rlimits``
    no namespaces: resource limits, a scrubbed environment and a scratch folder only. The answer key still
    never enters the kernel (answers leave it as data), but the kernel could read files the grader's user can.

Every level applies the same resource limits (CPU seconds, memory, processes, file size) through
:mod:`usvn.grading.confine`, and when the grader runs as root the kernel runs as an unprivileged uid, because
the kernel does not apply a process limit to root.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from usvn.grading.homes import home_files, seed_home

__all__ = [
    "KERNEL_UIDS",
    "LEVELS",
    "Limits",
    "Sandbox",
    "claim_kernel_uid",
    "detect",
    "matplotlib_cache",
    "python_dirs",
]

LEVELS = ("bwrap", "unshare", "rlimits")
CONFINE = Path(__file__).with_name("confine.py")
_PASS_THROUGH = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "TZ")


@dataclass(frozen=True)
class Limits:
    """Limits for one submission. Times in seconds; sizes as named."""

    cell_timeout: float = 30.0
    submission_timeout: float = 180.0
    call_timeout: float = 5.0
    cpu_seconds: int = 120
    memory_mb: int = 2048
    processes: int = 64
    file_mb: int = 64
    output_bytes: int = 1_000_000
    answer_bytes: int = 1_000_000
    test_timeout: float = 30.0  # one test cell's evaluation in the grader (time in the kernel not counted)
    test_memory_mb: int = 1024  # memory a batch worker may add while it evaluates tests
    disk_mb: int = 256  # all files a submission's kernel may write (scratch folder and /tmp)

    def as_dict(self) -> dict:
        return asdict(self)


def _run_ok(command: list[str]) -> tuple[bool, str]:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as error:
        return False, str(error)
    return done.returncode == 0, (done.stderr or done.stdout).strip().splitlines()[-1:][0] if (
        done.stderr or done.stdout
    ).strip() else ""


@cache
def help_text(binary: str) -> str:
    """``BINARY --help``, to check for optional flags before using them (bubblewrap's ``--size`` came with 0.7.0)."""
    try:
        done = subprocess.run([binary, "--help"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout + done.stderr


def supports(binary: str, flag: str) -> bool:
    return any(word == flag for word in help_text(binary).replace(",", " ").split())


@cache
def probe(level: str) -> tuple[bool, str]:
    """Can this machine run a sandbox of ``level``, with student code never as uid 0 nor with capabilities?"""
    if level not in LEVELS:
        raise ValueError(f"Unknown isolation level '{level}'; levels are {', '.join(LEVELS)}.")
    if level != "rlimits" and not sys.platform.startswith("linux"):
        return False, "namespaces are Linux-only"
    if level == "bwrap" and not shutil.which("bwrap"):
        return False, "bubblewrap is not installed"
    if level == "unshare":
        if not shutil.which("unshare"):
            return False, "util-linux unshare is not installed"
        if os.geteuid() != 0 and not all(supports("unshare", flag) for flag in ("--map-current-user", "--keep-caps")):
            return False, (
                "this unshare cannot run the kernel as your own uid (util-linux 2.38 or newer is "
                "needed for --map-current-user and --keep-caps)"
            )
    sandbox = Sandbox(level)
    folder = _probe_dir()
    try:
        sandbox.prepare(folder)
        done = subprocess.run(
            sandbox.wrap([sys.executable, "-I", "-S", "-c", "pass"], folder, hide=[]),
            capture_output=True,
            text=True,
            timeout=30,
            env=sandbox.env(folder),
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return False, f"{level} cannot start a sandbox: {error}"
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if done.returncode != 0:
        why = (done.stderr or done.stdout).strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
        return False, f"{level} cannot start a sandbox without root or capabilities: {why[0]}"
    return True, {"bwrap": "bubblewrap works", "unshare": "namespaces work", "rlimits": "resource limits work"}[level]


def _probe_dir() -> Path:
    import tempfile

    return Path(tempfile.mkdtemp(prefix="usvn-probe-"))


INSTALL_BWRAP = (
    "install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora/RHEL: "
    "sudo dnf install bubblewrap), or name a weaker level with --isolation unshare or rlimits"
)


def detect(requested: str = "auto") -> tuple[str, str]:
    """The isolation level to use and why. ``auto`` means bubblewrap or a refusal that says how to get it;
    a weaker level runs only when asked for by name, and must then work (never as root, never with
    capabilities)."""
    if requested == "auto":
        ok, why = probe("bwrap")
        if ok:
            return "bwrap", why
        raise RuntimeError(f"Isolation 'auto' needs bubblewrap, which is not usable here ({why}); {INSTALL_BWRAP}.")
    if requested not in LEVELS:
        raise ValueError(f"Unknown isolation level '{requested}'; choose auto, {', '.join(LEVELS)}.")
    ok, why = probe(requested)
    if not ok:
        raise RuntimeError(f"Isolation level '{requested}' is not available here: {why}.")
    return requested, why


def _traversable_by_others(path: Path) -> bool:
    """Whether an unprivileged uid can reach ``path`` (every parent folder has o+x)."""
    path = path.resolve()
    for folder in [*reversed(path.parents), path]:
        try:
            mode = folder.stat().st_mode
        except OSError:
            return False
        if stat.S_ISDIR(mode) and not mode & stat.S_IXOTH:
            return False
    return True


def _python_dirs() -> list[Path]:
    dirs = {
        Path(sys.prefix),
        Path(sys.base_prefix),
        Path(sys.exec_prefix),
        Path(os.path.realpath(sys.executable)).parent.parent,
    }
    # The package the grader ships in (course code and data a kernel imports), found without importing it.
    package = Path(__file__).resolve().parents[1]
    dirs.add(package)
    return sorted({path.resolve() for path in dirs}, key=lambda path: len(path.parts))


#: Kernels run as root's grader get a uid of this range that no other live grading process holds.
KERNEL_UIDS = range(61000, 65000)
_claimed: dict[tuple[int, Path], tuple[int, object]] = {}  # (pid, folder) -> (uid, the lock file holding it)


def claim_kernel_uid(folder: Path | None = None) -> int:
    """A kernel uid that no other live grading process uses, held until this process exits.

    Each uid has a lock file; ``flock`` on it is released by the kernel when the holder dies, so a crashed
    worker frees its uid and two live workers never share one (and never kill each other's processes).
    """
    import atexit
    import fcntl
    import tempfile

    folder = folder or Path(tempfile.gettempdir()) / "usvn-kernel-uids"
    held = _claimed.get((os.getpid(), folder))
    if held is not None:
        return held[0]
    folder.mkdir(mode=0o700, exist_ok=True)
    for uid in KERNEL_UIDS:
        handle = open(folder / str(uid), "a+b")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        _claimed[os.getpid(), folder] = (uid, handle)
        atexit.register(handle.close)  # the lock goes with the process; closing says so, quietly
        return uid
    raise RuntimeError(f"every kernel uid from {KERNEL_UIDS.start} to {KERNEL_UIDS.stop - 1} is in use")


class Sandbox:
    """Builds the command that starts a confined kernel for one submission."""

    def __init__(self, level: str, limits: Limits | None = None, uid: int | None = None) -> None:
        if level not in LEVELS:
            raise ValueError(f"Unknown isolation level '{level}'; levels are {', '.join(LEVELS)}.")
        self.level = level
        self.limits = limits or Limits()
        self.root = os.geteuid() == 0
        if uid is None and self.root:
            # Root ignores the process limit, so the kernel runs as a uid of its own (one per grading process).
            # bwrap and unshare build their own view in which Python is reachable; rlimits needs it to be already
            # (else the confine launcher refuses to start the kernel as root, and the level is refused).
            python_reachable = all(_traversable_by_others(path) for path in _python_dirs())
            if level in ("bwrap", "unshare") or python_reachable:
                uid = claim_kernel_uid()
        self.uid = uid

    def describe(self) -> str:
        what = {
            "bwrap": "bubblewrap: own file-system view (system and Python read-only, its scratch folder), "
            "no network, own process tree",
            "unshare": "namespaces: no network, own process tree, key/output/submission folders hidden",
            "rlimits": "resource limits, scrubbed environment and a scratch folder only "
            "(install bubblewrap for file-system and network isolation)",
        }[self.level]
        limits = self.limits
        processes = (
            f"processes {limits.processes}"
            if (self.uid is not None or not self.root)
            else "processes not limited (running as root with Python in a private folder)"
        )
        if self.level == "bwrap" and not supports("bwrap", "--size"):
            disk = "disk not capped (bubblewrap older than 0.7.0 has no --size)"
        elif self.level == "rlimits":
            disk = f"disk not capped beyond {limits.file_mb} MiB per file"
        else:
            disk = f"disk {limits.disk_mb} MiB"
        return (
            f"{self.level} ({what}; limits: CPU {limits.cpu_seconds} s, memory {limits.memory_mb} MiB, "
            f"{processes}, files {limits.file_mb} MiB, {disk}, output {limits.output_bytes // 1000} kB; "
            "never root, no capabilities)"
        )

    def _unshare_flags(self) -> list[str]:
        # Not root: a user namespace where the kernel keeps the grader's own uid (never 0), with capabilities
        # only until the confine launcher has made its mounts and dropped them all.
        user = [] if self.root else ["--user", "--map-current-user", "--keep-caps"]
        return [*user, "--mount", "--net", "--pid", "--ipc", "--uts", "--fork", "--kill-child", "--mount-proc"]

    def env(self, scratch: Path) -> dict[str, str]:
        home = scratch / "home"
        python_bin = str(Path(sys.executable).parent)
        env = {
            "HOME": str(home),
            "PATH": f"{python_bin}:/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "TMPDIR": "/tmp" if self.level == "bwrap" and supports("bwrap", "--size") else str(scratch / "tmp"),
            "MPLCONFIGDIR": str(home / ".config" / "matplotlib"),
            "IPYTHONDIR": str(home / ".ipython"),
            "JUPYTER_RUNTIME_DIR": str(scratch / "runtime"),
            "JUPYTER_PLATFORM_DIRS": "1",
            "PYTHONNOUSERSITE": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
        }
        if Path(sys.prefix) != Path(sys.base_prefix):
            env["VIRTUAL_ENV"] = sys.prefix
        for name in _PASS_THROUGH:
            if name in os.environ:
                env[name] = os.environ[name]
        return env

    def prepare(self, scratch: Path) -> None:
        """Create the scratch layout, owned by the kernel's uid."""
        for sub in ("work", "home/.config/matplotlib", "home/.ipython", "runtime", "tmp"):
            (scratch / sub).mkdir(parents=True, exist_ok=True)
        if not (self.level == "bwrap" and supports("bwrap", "--size")):
            seed_home(scratch / "home", _home_entries())  # bubblewrap with --size: a fresh home, see wrap()
        os.chmod(scratch, 0o711)
        if self.uid is not None:
            for folder, _dirs, files in os.walk(scratch):
                os.chown(folder, self.uid, self.uid)
                for name in files:
                    os.chown(os.path.join(folder, name), self.uid, self.uid)
            os.chown(scratch, 0, 0)

    def wrap(self, command: list[str], scratch: Path, hide: list[Path]) -> list[str]:
        """The full command: sandbox, then the confine launcher, then ``command``."""
        scratch = scratch.resolve()
        config = {
            "limits": self.limits.as_dict(),
            "uid": self.uid,
            "cwd": str(scratch / "work") if (scratch / "work").is_dir() else str(scratch),
            "scratch": str(scratch),
            "relative_nproc": not self.root and self.level == "rlimits",
            "env": None if self.level == "bwrap" else self.env(scratch),
            "hide": [str(path) for path in hide] if self.level == "unshare" else [],
            "disk": [str(scratch / "work"), str(scratch / "tmp")] if self.level == "unshare" else [],
            "expose": [str(path) for path in [*_python_dirs(), scratch] if not _traversable_by_others(path)]
            if self.level == "unshare" and self.uid is not None
            else [],
        }
        inner = [sys.executable, "-I", "-S", str(CONFINE), json.dumps(config), "--", *command]
        if self.level == "rlimits":
            return inner
        if self.level == "unshare":
            return [shutil.which("unshare") or "unshare", *self._unshare_flags(), *inner]
        args = [
            "bwrap",
            "--die-with-parent",
            "--new-session",
            "--unshare-pid",
            "--unshare-net",
            "--unshare-ipc",
            "--unshare-uts",
            "--unshare-cgroup-try",
            "--hostname",
            "grader",
        ]
        if self.root:
            args += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        else:
            args += ["--unshare-user"]
        for system in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc"):
            args += ["--ro-bind-try", system, system]
        sized = supports("bwrap", "--size")  # bubblewrap 0.7.0 and later; without it the disk is not capped
        disk = self.limits.disk_mb * 2**20

        def tmpfs(target: str, size: int, perms: str = "0777") -> list[str]:
            # --size and --perms on a --tmpfs came together (bubblewrap 0.7.0); older ones get a plain /tmp.
            return ["--perms", perms, "--size", str(size), "--tmpfs", target] if sized else ["--tmpfs", target]

        args += ["--proc", "/proc", "--dev", "/dev", *tmpfs("/tmp", disk // 4, "1777")]
        made: set[Path] = {Path("/"), Path("/tmp")}
        for path in [*_python_dirs(), scratch]:
            # bubblewrap makes missing parent folders private (0700); make them traversable like the originals.
            for parent in reversed(path.parents):
                if parent not in made and not any(
                    parent == Path(system) or Path(system) in parent.parents
                    for system in ("/usr", "/bin", "/sbin", "/lib", "/etc")
                ):
                    args += ["--perms", "0755", "--dir", str(parent)]
                made.add(parent)
        for path in _python_dirs():
            args += ["--ro-bind", str(path), str(path)]
        args += ["--bind", str(scratch), str(scratch)]
        # What the kernel may write lives in size-limited tmpfs: its working folder, /tmp and its home.
        home = scratch / "home"
        if sized:
            args += [*tmpfs(str(scratch / "work"), disk * 3 // 4), *tmpfs(str(home), 32 * 2**20)]
            for folder, perms in (
                (home / ".config", "0755"),
                (home / ".config" / "matplotlib", "0777"),
                (home / ".ipython", "0777"),
            ):
                args += ["--perms", perms, "--dir", str(folder)]
            # Matplotlib's font cache and the files the course declares (usvn.grading.homes), read-only: a
            # kernel cannot change the grader's copy, and what it writes beside them stays within its home's cap.
            folders: set[Path] = {home / ".config", home / ".config" / "matplotlib", home / ".ipython"}
            for path, folder in _home_entries():
                target = home / folder
                for part in [*reversed((target.relative_to(home)).parents), target.relative_to(home)]:
                    if part != Path(".") and home / part not in folders:
                        folders.add(home / part)
                        args += ["--perms", "0777", "--dir", str(home / part)]
                args += ["--ro-bind", str(path), str(target / path.name)]
        args += ["--clearenv"]
        for key, value in self.env(scratch).items():
            args += ["--setenv", key, value]
        return [*args, "--", *inner]


def _home_entries() -> list[tuple[Path, str]]:
    """``(file, folder in the home)`` for every file a kernel's home starts with: the grader's matplotlib font
    cache (so kernels skip rebuilding it), then what the course declares."""
    cache = _matplotlib_cache()
    return [*([(cache, ".config/matplotlib")] if cache else []), *home_files()]


@cache
def _matplotlib_cache() -> Path | None:
    """The grader's matplotlib font cache, copied into each scratch folder so kernels skip rebuilding it."""
    try:
        from matplotlib import font_manager
    except ImportError:
        return None
    font_manager.fontManager  # noqa: B018 - building the manager writes the cache if it is missing
    folder = Path(font_manager.mpl.get_cachedir())
    caches = sorted(folder.glob("fontlist-v*.json"))
    return caches[-1] if caches else None


# What the grader's other modules use, by public names (the definitions above keep their own).
python_dirs = _python_dirs
matplotlib_cache = _matplotlib_cache
