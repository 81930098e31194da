"""Shared test settings."""

from pathlib import Path

import pytest
from hypothesis import settings

from tests.bundles import write_bundle

# Property tests call DuckDB and polars per example; on a busy 2-core machine one example can
# take longer than Hypothesis' default 200 ms deadline, which would make the suite flaky.
settings.register_profile("packgen", deadline=None)
settings.load_profile("packgen")


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """The tiny hand-made bundle of tests/bundles.py, written to tmp_path/data."""
    return write_bundle(tmp_path / "data")
