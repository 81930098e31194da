"""Shared test settings."""

from pathlib import Path

import pytest
from hypothesis import settings

from packgen.pack.build import PackSource
from tests.bundles import write_bundle
from tests.generated import generated_source

# Property tests call DuckDB and polars per example; on a busy 2-core machine one example can
# take longer than Hypothesis' default 200 ms deadline, which would make the suite flaky.
settings.register_profile("packgen", deadline=None)
settings.load_profile("packgen")


@pytest.fixture(scope="session")
def computed_national(tmp_path_factory) -> tuple[Path, PackSource]:
    """One small generated national bundle (seed 5), loaded and computed with the default
    parameters, shared by every module that reads packs from it: (folder, pack source). The
    folder holds the bundle, its plans.csv and the computed store packgen.duckdb; tests must not
    change them."""
    folder = tmp_path_factory.mktemp("national")
    return folder, generated_source(folder, seed=5, scale=0.05)


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """The tiny hand-made bundle of tests/bundles.py, written to tmp_path/data."""
    return write_bundle(tmp_path / "data")


# Modules that render packs, run builds in subprocesses, generate national-scale data, build
# system and regional runs, validate a whole bundle per hostile cell, compare the engine with the
# slow oracles on hundreds of seeded providers or drive LibreOffice: `make test` runs them;
# `pytest -m "not slow"` (the quick loop, under 30 s) skips them. Single slow tests elsewhere
# carry @pytest.mark.slow themselves.
SLOW_MODULES = {
    "test_run_build", "test_faults", "test_render_pdf", "test_render_excel", "test_libreoffice",
    "test_summary_workbooks", "test_reconcile", "test_fonts", "test_generate",
    "test_importers_mixed", "test_wheel", "test_plugins", "test_fileio", "test_charts",
    "test_systems", "test_hostile_input", "test_acute_oracle", "test_oracle_categories",
}
# Fixtures that generate and compute a national bundle: every test that uses one, directly or
# through another fixture, is slow too (the quick loop never pays for the national store).
SLOW_FIXTURES = {"computed_national"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if (item.module.__name__.rsplit(".", 1)[-1] in SLOW_MODULES
                or SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))):
            item.add_marker(pytest.mark.slow)
