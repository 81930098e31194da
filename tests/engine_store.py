"""Build an in-memory store from hand-made rows, for engine and category tests.

Every contract table exists (typed, empty unless given) and the reference sets are loaded as
`ref_<name>` tables: the same `packgen.store.create_tables` that `load_bundle` uses.
"""

from __future__ import annotations

import duckdb
import polars as pl

from packgen.store import create_tables, empty_frame


def make_store(tables: dict[str, list[dict]]) -> duckdb.DuckDBPyConnection:
    """An in-memory store with the given rows and every other table empty."""
    con = duckdb.connect()
    frames = {}
    for name, rows in tables.items():
        schema = empty_frame(name).schema
        frames[name] = pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)
    create_tables(con, frames)
    return con


def provider(code: str, sector: str = "acute", mff: float = 1.0, **kw) -> dict:
    """A provider row with sensible defaults."""
    peer_group = {"acute": "ACUTE - MEDIUM", "specialist": "ACUTE - SPECIALIST",
                  "community": "COMMUNITY", "mental_health": "MENTAL HEALTH AND LEARNING "
                  "DISABILITY", "ambulance": "AMBULANCE"}[sector]
    row = {"provider_code": code, "provider_name": f"Trust {code}", "sector": sector,
           "peer_group": peer_group, "region_code": "Y60", "icb_code": "QZ1",
           "income_gbp": 500e6, "pay_bill_gbp": 300e6, "operating_cost_gbp": 495e6, "mff": mff}
    row.update(kw)
    return row
