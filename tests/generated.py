"""A small generated national bundle, loaded and computed: pack sources for rendering tests."""

from __future__ import annotations

from pathlib import Path

from packgen.engine import compute
from packgen.generate import generate_bundle
from packgen.pack.build import PackSource, load_source
from packgen.store import load_bundle, open_store


def generated_source(folder: Path, seed: int, scale: float = 0.03) -> PackSource:
    """Generate a bundle into `folder` (with its plans.csv), load and compute it, and return the
    pack source (everything the packs need is read into memory)."""
    generate_bundle(folder, seed=seed, scale=scale, progress=lambda _m: None)
    load_bundle(folder, folder / "packgen.duckdb")
    con = open_store(folder / "packgen.duckdb", read_only=False)
    try:
        compute(con)
        return load_source(con, produced_on="2026-12-01")
    finally:
        con.close()
