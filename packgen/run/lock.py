"""One packgen at a time per output folder: `RUN/.packgen.lock`.

The lock file holds the owner's pid, host and start time (JSON) and is held with `flock` for as
long as the owner runs, so the kernel releases it whatever way the owner ends. A second process
that finds it held stops with an expected error naming the owner. A lock file nobody holds was
left by a process that died without removing it (SIGKILL, a power cut): it is stale, reported
and taken over; so is one whose pid no longer runs on this host. A lock file naming a live
process of this host is respected even when it is not held (an older packgen, or one on a file
system without flock), and the hint says how to remove it when that process is not packgen.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from packgen.errors import RunFolderInUse

LOCK_NAME = ".packgen.lock"


def _pid_running(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # running, as another user
        return True
    return True


def _read(fd: int) -> dict:
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, 65536).decode("utf-8", "replace")
    try:
        data = json.loads(text)
    except ValueError:
        return {"unreadable": text[:80]} if text.strip() else {}
    return data if isinstance(data, dict) else {}


def _owner(info: dict) -> str:
    return (f"pid {info.get('pid', '?')} on {info.get('host', '?')}, started "
            f"{info.get('started', '?')}" + (f" ({info['command']})" if info.get("command")
                                             else ""))


def _in_use(path: Path, info: dict) -> RunFolderInUse:
    pid = info.get("pid", "?")
    return RunFolderInUse(
        f"{path.parent} is in use by another packgen ({_owner(info)})",
        f"wait for process {pid} to finish, or give another folder (--out); if process {pid} "
        f"is not packgen (ps -p {pid}), delete {path} and run again.")


def _open_locked(path: Path) -> tuple[int, dict]:
    """Open and flock the lock file; (fd, what the file held). Raises when another holds it."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            info = _read(fd)
            os.close(fd)
            raise _in_use(path, info) from None
        except BaseException:
            os.close(fd)
            raise
        try:  # the holder may have removed the file between our open and flock: open it anew
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd, _read(fd)
        os.close(fd)


@contextlib.contextmanager
def run_lock(folder: Path, command: str = "",
             warn: Callable[[str], None] = lambda _m: None) -> Iterator[Path]:
    """Hold `folder/.packgen.lock` for the block (the folder is created if needed). `warn`
    receives the warning that a stale lock is taken over: give it a channel that a quiet mode
    does not silence."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    fd, info = _open_locked(path)
    try:
        host = socket.gethostname()
        if info:
            live = (info.get("host") == host and info.get("pid") != os.getpid()
                    and _pid_running(info.get("pid")))
            if live:
                raise _in_use(path, info)
            warn(f"Warning: {path} was left by a packgen that is no longer running "
                f"({_owner(info)}); taking it over.")
    except BaseException:
        os.close(fd)
        raise
    mine = {"pid": os.getpid(), "host": host, "command": command,
            "started": datetime.now(UTC).isoformat(timespec="seconds")}
    try:
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, (json.dumps(mine) + "\n").encode())
    except BaseException:  # a full disk, say: leave no empty lock behind
        path.unlink(missing_ok=True)
        os.close(fd)
        raise
    try:
        yield path
    finally:
        with contextlib.suppress(OSError):
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                path.unlink()
        os.close(fd)
