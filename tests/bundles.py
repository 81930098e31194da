"""A tiny hand-made valid bundle for tests: every table, six providers (one or two per sector).

Typical use:

    tables = minimal_tables()                      # table -> list of rows (dicts of text)
    tables["ncc_costs"][15]["activity"] = "-3"     # corrupt one cell ...
    write_bundle(tmp_path, tables)                 # ... and write the folder
    # the cell is on line line_of(15) of ncc_costs.csv

Every value is text exactly as it would appear in a CSV file, so tests can write anything
(`*`, padded codes, words in number columns). `write_bundle(..., fmt="parquet")` writes typed
Parquet files instead.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

import polars as pl

from packgen import reference
from packgen.contract.tables import table as contract_table

Rows = list[dict[str, str]]

# code, name, sector, peer group, region, ICB, income, pay bill, operating cost, MFF
PROVIDERS = (
    ("RAA", "Alpha Hospitals NHS Trust", "acute", "ACUTE - LARGE", "Y56", "QMF", 600e6, 400e6,
     590e6, 1.12),
    ("RAB", "Beta Hospital NHS Trust", "acute", "ACUTE - MEDIUM", "Y60", "QHL", 350e6, 230e6,
     345e6, 1.0),
    ("RAC", "Gamma Specialist NHS Foundation Trust", "specialist", "ACUTE - SPECIALIST", "Y62",
     "QOP", 250e6, 150e6, 248e6, 1.03),
    ("RCA", "Delta Community Health NHS Trust", "community", "COMMUNITY", "Y58", "QUY", 120e6,
     90e6, 119e6, 0.98),
    ("RMA", "Epsilon Mental Health NHS Trust", "mental_health",
     "MENTAL HEALTH AND LEARNING DISABILITY", "Y63", "QWO", 200e6, 150e6, 198e6, 0.97),
    ("RWA", "Zeta Ambulance Service NHS Trust", "ambulance", "AMBULANCE", "Y61", "QUE", 300e6,
     220e6, 296e6, 1.01),
)
ACUTE = ("RAA", "RAB", "RAC")
NCC_CELLS = {"EL": ("HN12F", "HN13A"), "NEL": ("FD01A", "FD01B"), "CL": ("WF01A", "WF01B")}
SERVICES = ("110", "100")
MEDICINES = (  # molecule, vmp code, name, best value, unit price
    ("adalimumab", "10003311000001107", "Adalimumab 40mg/0.4ml (brand A)", "false", "300"),
    ("adalimumab", "10003411000001101", "Adalimumab 40mg/0.8ml (biosimilar)", "true", "120"),
    ("infliximab", "10002811000001100", "Infliximab 100mg powder (brand)", "false", "400"),
    ("infliximab", "10002911000001105", "Infliximab 100mg powder (biosimilar)", "true", "150"),
)


def line_of(index: int) -> int:
    """The line in the written CSV file of the row at `index` (header is line 1)."""
    return index + 2


def minimal_tables() -> dict[str, Rows]:
    """A fresh, valid set of rows for every table of the contract."""
    ncc = [
        {"provider_code": p, "department_code": d, "service_code": s, "currency_code": c,
         "activity": str(50 + 10 * i), "actual_cost_gbp": str((50 + 10 * i) * 1000 * (1 + k / 10))}
        for k, p in enumerate(ACUTE)
        for d, currencies in NCC_CELLS.items() for s in SERVICES
        for i, c in enumerate(currencies)
    ]
    return {
        "bundle_info": [{"key": k, "value": v} for k, v in (
            ("dataset_name", "test bundle"), ("period", "2024/25"), ("prior_period", "2023/24"),
            ("synthetic", "true"), ("source", "tests/bundles.py"), ("licence", "OGL v3.0"))],
        "providers": [dict(zip(contract_table("providers").column_names,
                               [*p[:6], *(f"{v:.0f}" for v in p[6:9]), str(p[9])], strict=True))
                      for p in PROVIDERS],
        "ncc_costs": ncc,
        "national_unit_costs": [
            {"department_code": d, "currency_code": c, "activity": "1000", "unit_cost_gbp": "1100"}
            for d, currencies in NCC_CELLS.items() for c in currencies],
        "ncc_costs_prior": [
            {"provider_code": p, "department_code": d, "currency_code": c, "activity": "90",
             "actual_cost_gbp": "95000"}
            for p in ACUTE for d, currencies in NCC_CELLS.items() for c in currencies],
        "productivity_inputs": [{"provider_code": p[0], "spend_prior_gbp": f"{p[8] * 0.96:.0f}",
                                 "spend_current_gbp": f"{p[8]:.0f}"} for p in PROVIDERS],
        "temporary_staffing": [{"provider_code": p[0], "agency_gbp": f"{p[7] * 0.04:.0f}",
                                "bank_gbp": f"{p[7] * 0.06:.0f}"} for p in PROVIDERS],
        "corporate_services": [
            {"provider_code": p[0], "function": f, "spend_gbp": f"{p[6] / 90:.0f}"}
            for p in PROVIDERS for f in ("finance", "hr", "it", "procurement")],
        "estates": [{"provider_code": p[0], "gia_m2": "50000", "electricity_kwh": "9000000",
                     "electricity_cost_gbp": "2000000", "gas_kwh": "15000000",
                     "gas_cost_gbp": "900000", "general_supplies_gbp": "8000000",
                     "clinical_supplies_gbp": "20000000"} for p in PROVIDERS],
        "medicines_reference": [
            dict(zip(contract_table("medicines_reference").column_names, m, strict=True))
            for m in MEDICINES],
        "medicines_use": [{"provider_code": p, "vmp_code": m[1], "quantity": "100",
                           "cost_gbp": str(100 * float(m[4]))} for p in ACUTE for m in MEDICINES],
        "community_los": [
            {"provider_code": "RCA", "service": s, "discharges": "400", "bed_days": "9000"}
            for s in ("community_hospital", "intermediate_care")],
        "community_appointments": [
            {"provider_code": "RCA", "service": s, "booked_appointments": "20000",
             "dna_appointments": "1200"} for s in ("district_nursing", "community_therapy")],
        "mh_los": [{"provider_code": "RMA", "ward_type": w, "discharges": "300",
                    "bed_days": "12000"} for w in ("adult_acute", "older_adult")],
        "talking_therapies": [{"provider_code": "RMA", "booked_appointments": "50000",
                               "dna_appointments": "4000", "care_contacts": "46000",
                               "clinical_wte": "120"}],
        "ambulance": [{"provider_code": "RWA", "incidents": "900000",
                       "face_to_face_incidents": "700000", "conveyed_to_ed": "350000",
                       "handovers": "300000", "handover_hours_lost": "40000", "wte": "5000"}],
        "unit_values": [{"key": r["key"], "value": "1.035" if r["key"] == "input_deflator"
                         else "250", "unit": r["unit"], "source": "tests"}
                        for r in reference.rows("unit_value_keys")],
        "plans": [{"provider_code": p[0], "category": "corporate_services",
                   "planned_saving_gbp": "1000000", "planned_productivity_growth": "0.02"}
                  for p in PROVIDERS],
    }


def write_bundle(folder: Path, tables: dict[str, Rows] | None = None, *, fmt: str = "csv",
                 omit: Iterable[str] = (), bom: bool = False) -> Path:
    """Write `tables` (default: `minimal_tables()`) to `folder`, one file per table.

    `omit` leaves tables out; `bom` starts every CSV with a UTF-8 byte-order mark. A table given
    as an empty list is written with its contract header and no rows.
    """
    folder.mkdir(parents=True, exist_ok=True)
    tables = minimal_tables() if tables is None else tables
    for name, rows in tables.items():
        if name in omit:
            continue
        if fmt == "parquet":
            _typed(name, rows).write_parquet(folder / f"{name}.parquet")
        else:
            text = csv_text(name, rows)
            (folder / f"{name}.csv").write_bytes(("\ufeff" if bom else "").encode() +
                                                 text.encode("utf-8"))
    return folder


def csv_text(name: str, rows: Rows) -> str:
    header = list(rows[0]) if rows else list(contract_table(name).column_names)
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def drop_column(tables: dict[str, Rows], name: str, column: str) -> None:
    for row in tables[name]:
        del row[column]


def _typed(name: str, rows: Rows) -> pl.DataFrame:
    contract = contract_table(name)
    header = list(rows[0]) if rows else list(contract.column_names)
    frame = pl.DataFrame({c: [r.get(c) for r in rows] for c in header}, schema=dict.fromkeys(
        header, pl.String))
    casts = {"float": pl.Float64, "int": pl.Float64}
    return frame.with_columns(
        pl.col(c.name).cast(casts[c.type], strict=False) if c.type in casts
        else pl.col(c.name).str.to_lowercase().eq("true") if c.type == "bool"
        else pl.col(c.name)
        for c in contract.columns if c.name in header)
