"""Drill-downs: per-category extensions of the pack model, below a category's finest result rows.

A category's definition names its drill-down (`drilldown = "hrg"` in acute_cost.toml); the
module of that name here knows the category's own tables and rows. Each module provides:

- `load_rows(con, providers) -> DrillRows`: the heavy rows (a million HRG rows at national
  scale), columnar, for the providers whose packs this process builds;
- `load_facts(con) -> dict`: light per-provider facts for every provider (for data notes);
- `build(section, rows, facts, provider_code, detail) -> Drilldown`: the provider's drill-down;
- `notes(section, facts, provider_code) -> list[str]`: data notes the drill-down adds.

Renderers key off `Drilldown.kind` (a template `drilldown_<kind>.html.j2` and a workbook sheet
writer of that kind), never off a category id.
"""

from __future__ import annotations

import importlib
from collections.abc import Collection
from dataclasses import dataclass
from types import ModuleType

import polars as pl


@dataclass
class DrillRows:
    """All loaded providers' drill-down rows in one frame sorted by provider, with each
    provider's span.

    A provider's rows are a zero-copy slice: splitting the frame into one frame per provider
    doubled its memory in every process of the national run.
    """

    frame: pl.DataFrame
    spans: dict[str, tuple[int, int]]  # provider -> (offset, length)
    # The providers whose rows were loaded (None: every provider). A provider outside it has
    # rows this table does not hold, which is not the same as having none.
    loaded: frozenset[str] | None = None

    @classmethod
    def from_frame(cls, frame: pl.DataFrame,
                   loaded: Collection[str] | None = None) -> DrillRows:
        counts = frame.group_by("provider_code", maintain_order=True).len()
        spans, offset = {}, 0
        for code, length in counts.iter_rows():
            spans[code] = (offset, length)
            offset += length
        return cls(frame, spans, None if loaded is None else frozenset(loaded))

    @classmethod
    def empty(cls) -> DrillRows:
        """Rows loaded for no provider: asking for a provider's rows is an error."""
        return cls(pl.DataFrame(), {}, frozenset())

    def of(self, provider_code: str) -> pl.DataFrame | None:
        """The provider's rows (None if it has none); LookupError if they were not loaded."""
        if self.loaded is not None and provider_code not in self.loaded:
            raise LookupError(f"the drill-down rows of {provider_code} were not loaded in this "
                              "process")
        span = self.spans.get(provider_code)
        return self.frame.slice(*span) if span else None


def module(kind: str) -> ModuleType:
    """The drill-down module of that kind (validated names: see categories.definition)."""
    return importlib.import_module(f"{__name__}.{kind}")
