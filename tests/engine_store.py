"""Build an in-memory store from hand-made rows, for engine and category tests.

Every contract table exists (typed, empty unless given) and the reference sets are loaded as
`ref_<name>` tables, as `packgen.store.load_bundle` does from files.
"""

from __future__ import annotations

import duckdb
import polars as pl

from packgen import reference
from packgen.contract import TABLES

_POLARS = {"str": pl.String, "int": pl.Float64, "float": pl.Float64, "bool": pl.Boolean}


def make_store(tables: dict[str, list[dict]]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for t in TABLES:
        schema = {c.name: _POLARS[c.type] for c in t.columns}
        rows = tables.get(t.name, [])
        frame = pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)
        con.register("_frame", frame)
        con.execute(f"create table {t.name} as select * from _frame")
        con.unregister("_frame")
    for name in reference.REFERENCE_SETS:
        frame = pl.DataFrame(list(reference.rows(name)))
        con.execute(f"create table ref_{name} as select * from frame")
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
