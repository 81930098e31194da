"""File helpers every writer shares: atomic replacement of a file, and its SHA-256.

Every output (packs, workbooks, summaries, imported CSVs, the manifest) is written to a
temporary file beside its final name and renamed over it, so an interrupted or failed run never
leaves a half-written file where a good one was. Outputs are ordinary shared files (0644), not
the private mode `mkstemp` gives.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from packgen.errors import PackgenError


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside `path`, renamed over it when the block succeeds.

    An interrupted or failed write leaves the previous file (if any) untouched and no partial
    file under the final name. An OSError that names no file (a buffered write failing on a
    full disk: the csv module's, zipfile's) leaves the block naming `path`, the file that was
    being written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(fd)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, 0o644)  # mkstemp files are private; outputs are shared files
        os.replace(temporary, path)
    except OSError as exc:
        if exc.filename is None:
            exc.filename = str(path)
        raise
    finally:
        temporary.unlink(missing_ok=True)


def write_bytes_atomically(path: Path, content: bytes) -> Path:
    with atomic_path(path) as temporary:
        temporary.write_bytes(content)
    return Path(path)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def inside(folder: Path, path: Path, what: str) -> Path:
    """`path`, checked to resolve inside `folder` (an output path built from a provider or
    region code must never point elsewhere: `../../x` or `/abs/path` is refused)."""
    root = Path(folder).resolve()
    resolved = Path(path).resolve()
    if resolved != root and root not in resolved.parents:
        raise PackgenError(f"{what} would write outside the run folder: {path}",
                           f"codes must be plain names (no '/', '\\' or '..'); fix the code "
                           f"in the bundle so its files stay inside {folder}.")
    return Path(path)
