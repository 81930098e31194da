"""The run manifest (`RUN/manifest.json`), checksums, fingerprints and atomic file writes.

A provider is skipped on a re-run when its fingerprint (packgen version, run parameters, the
checksums of every input file and of the templates, the provider code) equals the one recorded,
and every output recorded for it still exists with the recorded checksum.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

from packgen.fileio import atomic_path, sha256_file
from packgen.render.html import TEMPLATES_DIR

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = 1


def templates_checksum() -> str:
    """One checksum of every template and stylesheet: a changed template rebuilds the packs."""
    digest = hashlib.sha256()
    for path in sorted(p for p in TEMPLATES_DIR.rglob("*") if p.is_file()):
        digest.update(path.relative_to(TEMPLATES_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(*parts: object) -> str:
    """A stable hash of JSON-able parts (dict keys sorted)."""
    text = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def outputs_intact(run_dir: Path, outputs: Mapping[str, str]) -> bool:
    """True when every recorded output exists under `run_dir` with its recorded checksum."""
    if not outputs:
        return False
    for relative, checksum in outputs.items():
        path = run_dir / relative
        if not path.is_file() or sha256_file(path) != checksum:
            return False
    return True


def read_manifest(run_dir: Path) -> dict:
    """The previous run's manifest, or an empty one (a missing or unreadable file is no error:
    the run then simply rebuilds everything)."""
    path = run_dir / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if data.get("format") == MANIFEST_FORMAT else {}


def write_manifest(run_dir: Path, manifest: dict) -> Path:
    path = run_dir / MANIFEST_NAME
    text = json.dumps({"format": MANIFEST_FORMAT, **manifest}, indent=2, sort_keys=False)
    with atomic_path(path) as temporary:
        temporary.write_text(text + "\n", encoding="utf-8")
    return path
