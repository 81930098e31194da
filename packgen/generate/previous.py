"""The previous year's bundle: the same providers, every return drifted, one year earlier.

`packgen generate-data OUT --previous-year` writes it so that `packgen build --previous` has a
consistent last year to compare with: the same trusts and codes, values moved by a trust- and
table-level drift (a trust that improved, one that slipped) plus row-level noise, deterministic
by seed. Tables that describe the year before it (the prior period for productivity growth) and
the 2026/27 plans are not written.
"""

from __future__ import annotations

from packgen import __version__
from packgen.contract import table as contract_table
from packgen.generate import ncc
from packgen.generate.providers import rng_for
from packgen.generate.writer import written_columns

PERIOD = "2023/24"
NOT_WRITTEN = ("ncc_costs_prior", "productivity_inputs", "plans")
# Figures that stay as they are: the trust's market forces factor, unit values, prices.
KEPT = {("providers", "mff"), ("medicines_reference", "unit_price_gbp")}
DRIFT = (0.88, 1.12)  # a trust's change in one return, year on year
NOISE = (0.97, 1.03)  # row by row around it


def previous_year(tables: dict[str, list[tuple]], seed: int,
                  dataset_name: str) -> dict[str, list[tuple]]:
    """Last year's tables from this year's (same providers, drifted values)."""
    out = {}
    for name, rows in tables.items():
        if name in NOT_WRITTEN or name in ("unit_values", "bundle_info"):
            continue
        spec = written_columns(contract_table(name))
        numbers = [i for i, c in enumerate(spec.columns)
                   if c.type == "float" and (name, c.name) not in KEPT]
        if "provider_code" not in spec.column_names or not numbers:
            out[name] = rows
            continue
        at = spec.column_names.index("provider_code")
        rng = rng_for(seed, "previous", name)
        drift: dict[str, float] = {}
        drifted = []
        for row in rows:
            factor = drift.setdefault(row[at], rng.uniform(*DRIFT))
            values = list(row)
            for i in numbers:
                if values[i] is not None:
                    value = values[i] * factor * rng.uniform(*NOISE)
                    # counts stay whole, money keeps its pennies
                    values[i] = float(round(value)) if float(row[i]).is_integer() \
                        else round(value, 2)
            drifted.append(tuple(values))
        out[name] = drifted
    # the national means of last year's cost rows, as generate-data computes this year's
    mff = {row[0]: row[-1] for row in out["providers"]}
    out["national_unit_costs"] = ncc.national_unit_costs(out["ncc_costs"], mff)
    out["unit_values"] = tables["unit_values"]
    out["bundle_info"] = [(k, {"period": PERIOD, "dataset_name": dataset_name}.get(k, v))
                          for k, v in tables["bundle_info"] if k != "prior_period"]
    out["bundle_info"].append(("generated_by", f"packgen {__version__} --previous-year"))
    out["bundle_info"] = list(dict(out["bundle_info"]).items())
    return out
