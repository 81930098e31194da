"""Expected errors: the user gets one clear message and a hint, exit code 1, no traceback.

Library code raises `PackgenError` (a plain exception: the store, engine, validator and
importers know nothing of the command line); the click group in `packgen.cli` prints it as
"Error: message" and "Hint: hint" and exits with status 1. `os_error` turns the operating
system's failures that a user can fix (a full disk, a read-only or unwritable folder, a path
whose parent is a file, an unreadable input) into a `PackgenError` that names the path; its hint
names the options the failing command writes with (`writing_to`), or none.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path


class PackgenError(Exception):
    """An expected failure (bad input, unknown provider, ...). Shown as 'Error: ...' + hint."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def format_message(self) -> str:
        if self.hint:
            return f"{self.message}\nHint: {self.hint}"
        return self.message


class InputError(PackgenError):
    """An input file or bundle does not meet the data contract."""


class RunFolderInUse(PackgenError):
    """Another packgen process holds the run folder's lock."""


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM: the run stopped early (exit status 128 + the signal's number)."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


# The operating system's failures that are the user's to fix (not packgen's bugs).
DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})
EXPECTED_ERRNOS = DISK_FULL | {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR,
                               errno.EEXIST, errno.EISDIR, errno.ENOENT, errno.ENAMETOOLONG,
                               errno.ELOOP}
# Errors that concern the whole output folder: the run stops rather than fail every pack.
RUN_STOPPING_ERRNOS = DISK_FULL | {errno.EROFS}
# DuckDB reports I/O failures as text; these phrases name the errno behind them.
_STRERROR_PHRASES = {os.strerror(code): code for code in
                     (errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EROFS)}


def errno_of(exc: BaseException) -> int | None:
    """The errno of an OSError, or of another library's I/O error that quotes it (DuckDB)."""
    if isinstance(exc, OSError):
        return exc.errno
    text = str(exc)
    return next((code for phrase, code in _STRERROR_PHRASES.items() if phrase in text), None)


def _mount_point(path: Path) -> Path:
    path = Path(os.path.abspath(path))
    while not path.exists() and path != path.parent:
        path = path.parent
    while not os.path.ismount(path) and path != path.parent:
        path = path.parent
    return path


def _existing_parent_file(path: Path) -> Path | None:
    for parent in Path(os.path.abspath(path)).parents:
        if parent.exists():
            return parent if not parent.is_dir() else None
    return None


@contextlib.contextmanager
def writing_to(folder: Path, *options: str) -> Iterator[None]:
    """A command writes into `folder`, chosen with `options` (how the user writes elsewhere:
    "--out", "--db", "another OUT_DIR"). An OSError leaving the block carries both: a full
    disk's message names the folder when the error itself names no file (zipfile's and DuckDB's
    do not), and the hints name the command's own options (none: "write elsewhere")."""
    try:
        yield
    except Exception as exc:
        if errno_of(exc) is not None and not hasattr(exc, "packgen_folder"):
            exc.packgen_folder = Path(folder)
            exc.packgen_options = options
        raise


def _elsewhere(exc: BaseException) -> str:
    """'write elsewhere', naming the options of the command that failed when it said them."""
    options = getattr(exc, "packgen_options", ())
    return f"write elsewhere ({' / '.join(options)})" if options else "write elsewhere"


def os_error(exc: BaseException) -> PackgenError | None:
    """The expected error for an OSError (or DuckDB I/O error) a user can fix, else None."""
    code = errno_of(exc)
    if code not in EXPECTED_ERRNOS:
        return None
    name = getattr(exc, "filename", None)
    path = Path(os.fsdecode(name)) if name is not None else None
    where = f" {path}" if path else ""
    elsewhere = _elsewhere(exc)
    if code in DISK_FULL:
        folder = getattr(exc, "packgen_folder", None)
        device = (f"the disk that holds {_mount_point(path or folder)}" if path or folder
                  else "the output disk")
        kind = "no space left" if code == errno.ENOSPC else "disk quota exceeded"
        if path is not None:
            kind += f" on the device while writing {path}"
        elif folder is not None:
            kind += f" on the device while writing in {folder}"
        else:  # nothing says where: say no more than is known
            kind += " on the device"
        return PackgenError(kind, f"free space on {device} or {elsewhere}; nothing "
                            "half-written was left behind.")
    if code == errno.EROFS:
        return PackgenError(f"{path or 'the output folder'} is on a read-only file system",
                            f"{elsewhere}: give a folder on a writable file system.")
    if code in (errno.EACCES, errno.EPERM):
        if path is not None and path.is_file():
            return PackgenError(f"cannot read or replace {path}: permission denied",
                                f"check its permissions (ls -l {path}): packgen must be able "
                                "to read its inputs and replace its outputs (chmod a+r for an "
                                f"input; for an output, {elsewhere}).")
        return PackgenError(f"permission denied:{where or ' (no path given)'}",
                            f"check that you can write to {path.parent if path else 'it'} "
                            f"(ls -ld), or {elsewhere}.")
    parent_file = _existing_parent_file(path) if path else None
    if code in (errno.ENOTDIR, errno.EEXIST) and parent_file is not None:
        return PackgenError(f"cannot create{where}: {parent_file} is a file, not a folder",
                            f"the path goes through a file: {elsewhere} (or remove or "
                            f"rename the file {parent_file}).")
    if code == errno.EEXIST and path is not None and path.exists() and not path.is_dir():
        return PackgenError(f"{path} is a file, not a folder",
                            f"{elsewhere}, giving a folder path (or remove or rename that "
                            "file).")
    reason = os.strerror(code) if code is not None else str(exc)
    return PackgenError(f"{reason.lower()}:{where}",
                        "check the path (ls -l) and give one packgen can read and write.")


def _unraisable(hook):
    def quiet(unraisable) -> None:
        if errno_of(unraisable.exc_value) in EXPECTED_ERRNOS:
            return  # a second report of a fault already reported (ZipFile.__del__ on a full disk)
        hook(unraisable)
    quiet.packgen = True
    return quiet


def quiet_unraisable_os_errors() -> None:
    """Drop the tracebacks Python prints for exceptions raised in finalizers when they are the
    echo of an expected fault: a file object closed by the collector after a full disk (openpyxl
    leaves its ZipFile open when saving fails) fails again and would print a traceback on
    stderr after the clear message."""
    if not getattr(sys.unraisablehook, "packgen", False):
        sys.unraisablehook = _unraisable(sys.unraisablehook)
