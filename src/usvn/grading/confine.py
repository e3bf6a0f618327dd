"""Inner launcher: confine this process, then become the student's kernel.

Run by the grader as ``python -I -S confine.py CONFIG_JSON -- KERNEL COMMAND...`` (inside bubblewrap or an
unshared namespace when the machine allows it). Standard library only, so it starts in a few milliseconds.
In order it:

1. hides paths (the answer key's folder, the output folder, the submissions and the other scratch folders)
   under empty read-only tmpfs mounts, keeping its own scratch folder (only in a private mount namespace);
2. sets resource limits: CPU seconds, address space, processes, file size, open files, no core dumps;
3. caps the disk the kernel can fill (size-limited tmpfs over its folders, in a private mount namespace);
4. drops to an unprivileged uid when started as root (so the process limit applies at all), sets
   ``no_new_privs``, and then checks that it is not uid 0 and holds no capability at all: if it is or does,
   it refuses to start the kernel (exit status 77), so no level can silently run student code as root;
5. replaces its environment and working folder, and ``exec``s the kernel.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import sys

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_BIND, MS_REC = 1, 2, 4, 4096, 16384


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    result = libc.mount(
        source.encode(), target.encode(), fstype.encode() if fstype else None, flags, data.encode() if data else None
    )
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"mount {source} on {target}: {os.strerror(error)}")


def hide(paths: list[str], keep: str) -> None:
    """Cover each path with an empty read-only tmpfs; ``keep`` (inside one of them) is mounted back."""
    keep_fd = os.open(keep, os.O_RDONLY | os.O_DIRECTORY)
    for path in sorted(set(paths), key=len):
        if os.path.isdir(path):
            _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755")
            if keep.startswith(path.rstrip("/") + "/"):
                relative = os.path.relpath(keep, path)
                os.makedirs(os.path.join(path, relative), exist_ok=True)
                _mount(f"/proc/self/fd/{keep_fd}", keep, None, MS_BIND | MS_REC)
        elif os.path.exists(path):
            _mount("/dev/null", path, None, MS_BIND)
    os.close(keep_fd)


def expose(paths: list[str]) -> None:
    """Make each path reachable by an unprivileged uid in this mount namespace only: each parent folder that
    others cannot enter is covered with a tmpfs (0755) holding just the way down to the path."""
    fds = {path: os.open(path, os.O_RDONLY | os.O_DIRECTORY) for path in paths}
    for path, fd in fds.items():
        parts = path.rstrip("/").split("/")
        for depth in range(1, len(parts)):
            parent = "/".join(parts[:depth]) or "/"
            if parent == "/" or os.stat(parent).st_mode & 0o001:
                continue
            _mount("tmpfs", parent, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755")
            break
        if not os.path.isdir(path) or os.stat(path).st_ino != os.fstat(fd).st_ino:
            os.makedirs(path, mode=0o755, exist_ok=True)
            _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)
        os.close(fd)


def _user_tasks(uid: int) -> int:
    """Tasks (threads) the user already runs: RLIMIT_NPROC counts them all."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
            if int(fields["Uid"].split()[0]) == uid:
                total += int(fields["Threads"])
        except (OSError, KeyError, ValueError):
            continue
    return total


def limit(limits: dict, uid: int | None, relative_nproc: bool) -> None:
    def set_limit(kind: int, soft: int, hard: int | None = None) -> None:
        hard = soft if hard is None else hard
        _, current_hard = resource.getrlimit(kind)
        if current_hard != resource.RLIM_INFINITY:
            soft, hard = min(soft, current_hard), min(hard, current_hard)
        resource.setrlimit(kind, (soft, hard))

    set_limit(resource.RLIMIT_CPU, int(limits["cpu_seconds"]), int(limits["cpu_seconds"]) + 5)
    set_limit(resource.RLIMIT_AS, int(limits["memory_mb"]) * 1024 * 1024)
    set_limit(resource.RLIMIT_FSIZE, int(limits["file_mb"]) * 1024 * 1024)
    set_limit(resource.RLIMIT_NOFILE, 512)
    set_limit(resource.RLIMIT_CORE, 0)
    processes = int(limits["processes"])
    if relative_nproc:
        processes += _user_tasks(os.getuid() if uid is None else uid)
    set_limit(resource.RLIMIT_NPROC, processes)


PR_SET_NO_NEW_PRIVS = 38
REFUSED = 77


def _capabilities() -> dict[str, int]:
    found = {}
    with open("/proc/self/status", encoding="ascii", errors="replace") as status:
        for line in status:
            if line.startswith(("CapInh:", "CapPrm:", "CapEff:", "CapAmb:")):
                key, value = line.split(":", 1)
                found[key] = int(value.strip(), 16)
    return found


def unprivileged() -> str:
    """Empty when this process is not uid 0 (real, effective, saved) and holds no capability; else why not."""
    if 0 in os.getresuid() or 0 in os.getresgid()[:2]:
        return f"the kernel would run as uid {os.getuid()}"
    held = {key: value for key, value in _capabilities().items() if value}
    if held:
        return "the kernel would hold capabilities " + ", ".join(f"{key} {value:#x}" for key, value in held.items())
    return ""


def drop_capabilities() -> None:
    """No capability left in any set (a user namespace's creator holds them all), and no way to regain one."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    libc.prctl(47, 4, 0, 0, 0)  # PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]

    header, data = Header(0x20080522, 0), (Data * 2)()
    libc.capset(ctypes.byref(header), data)


def cap_disk(folders: list[str], megabytes: int) -> None:
    """A size-limited tmpfs over each folder (only inside a private mount namespace)."""
    for folder in folders:
        _mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, f"size={int(megabytes)}m,mode=0777")


def main(argv: list[str]) -> None:
    if len(argv) < 3 or argv[1] != "--":
        sys.exit("usage: confine.py CONFIG_JSON -- COMMAND...")
    config = json.loads(argv[0])
    command = argv[2:]
    if config.get("expose"):
        expose(config["expose"])
    if config.get("hide"):
        hide(config["hide"], config["scratch"])
    uid = config.get("uid")
    if config.get("disk"):
        cap_disk(config["disk"], config["limits"]["disk_mb"])
    limit(config["limits"], uid, bool(config.get("relative_nproc")))
    if uid is not None:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    drop_capabilities()
    why = unprivileged()
    if why:
        sys.stderr.write(f"usvn confine: refusing to start: {why}\n")
        sys.exit(REFUSED)
    os.umask(0o077)
    os.chdir(config["cwd"])
    env = config.get("env")
    os.execve(command[0], command, env if env is not None else dict(os.environ))


if __name__ == "__main__":
    main(sys.argv[1:])
