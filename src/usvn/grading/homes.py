"""Files every sandboxed kernel's home folder starts with, declared by the course package.

Each submission runs in a fresh scratch folder, so a course that keeps a cache in the home folder (this
module keeps its validated data there) would rebuild it in every kernel: for this module, 0.2 s of CPU per
submission, which nbgrader's kernels, run in the instructor's own home, do not pay. A course declares such
files with :func:`register_home_files`; the grader asks for them once per run, in its own process, and
copies them into each kernel's home before the kernel starts. Each kernel gets its own copy: what a student's
code does to it reaches no other student and nothing of the grader's.

Only regular files are copied (a link or anything else is left out), at most :data:`MAX_FILES` of them and
:data:`MAX_BYTES` in all; a provider that fails costs only the speed-up. Like :mod:`usvn.grading.records`,
this module uses the standard library only and imports nothing on declaration.
"""

from __future__ import annotations

import os
import shutil
import stat
from functools import cache
from importlib import import_module
from pathlib import Path, PurePosixPath

__all__ = [
    "MAX_BYTES",
    "MAX_FILES",
    "adopt_home_files",
    "forget_home_files",
    "home_files",
    "register_home_files",
    "seed_home",
]

MAX_FILES = 200
MAX_BYTES = 32 * 2**20

_PROVIDERS: dict[str, str] = {}  # folder in the home -> "module:function" returning the paths to copy there


def register_home_files(folder: str, provider: str) -> None:
    """Copy the files ``provider()`` returns into ``~/folder`` of every kernel the grader starts.

    ``folder`` is relative to the home and may not leave it; ``provider`` is named ``"module:function"``, so
    declaring it imports nothing, and is called in the grader's process only.
    """
    parts = PurePosixPath(folder).parts
    if not parts or PurePosixPath(folder).is_absolute() or ".." in parts:
        raise ValueError(f"{folder!r} is not a folder inside the home.")
    if provider.count(":") != 1:
        raise ValueError(f"{provider!r} is not 'module:function'.")
    _PROVIDERS[folder] = provider
    _declared_files.cache_clear()


_ADOPTED: list[tuple[tuple[Path, str], ...]] = []


def adopt_home_files(files) -> None:
    """Use ``files`` (what :func:`home_files` returned in the process that started this one) from now on."""
    _ADOPTED[:] = [tuple(files)]


def home_files() -> tuple[tuple[Path, str], ...]:
    """``(file, folder in the home)`` for every declared file that can be copied, worked out once per process."""
    return _ADOPTED[0] if _ADOPTED else _declared_files()


@cache
def _declared_files() -> tuple[tuple[Path, str], ...]:
    chosen: list[tuple[Path, str]] = []
    total = 0
    for folder, provider in sorted(_PROVIDERS.items()):
        module, _, name = provider.partition(":")
        try:
            paths = list(getattr(import_module(module), name)())
        except Exception:  # noqa: BLE001 - a provider that fails costs only the speed-up, never the run
            continue
        for path in paths:
            try:
                info = os.lstat(path)
            except (OSError, TypeError, ValueError):
                continue
            if not stat.S_ISREG(info.st_mode) or len(chosen) >= MAX_FILES or total + info.st_size > MAX_BYTES:
                continue
            total += info.st_size
            chosen.append((Path(path), folder))
    return tuple(chosen)


def seed_home(home: Path, files=None) -> int:
    """Copy ``files`` (``(file, folder in the home)`` pairs; the declared ones by default) into ``home``; return
    how many were copied."""
    copied = 0
    for path, folder in home_files() if files is None else files:
        target = home / folder
        try:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target / path.name, follow_symlinks=False)
        except OSError:
            continue
        copied += 1
    return copied


def forget_home_files() -> None:
    """Ask the providers again on the next :func:`home_files` (after a change to what is declared)."""
    _ADOPTED.clear()
    _declared_files.cache_clear()
