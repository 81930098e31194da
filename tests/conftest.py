"""Shared test settings."""

from hypothesis import settings

# Property tests call DuckDB and polars per example; on a busy 2-core machine one example can
# take longer than Hypothesis' default 200 ms deadline, which would make the suite flaky.
settings.register_profile("packgen", deadline=None)
settings.load_profile("packgen")
