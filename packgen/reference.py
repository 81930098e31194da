"""Reference data shipped in `packgen/reference_data/` (departments, specialties, regions, ...).

Small CSVs with a README giving each file's source. Loaded once per process and cached.
"""

from __future__ import annotations

import csv
from functools import cache

from packgen.resources import reference_dir

REFERENCE_DIR = reference_dir()

# reference set name -> (file, code column)
REFERENCE_SETS = {
    "regions": ("regions.csv", "region_code"),
    "peer_groups": ("peer_groups.csv", "peer_group"),
    "sectors": ("sectors.csv", "sector"),
    "departments": ("departments.csv", "department_code"),
    "pod_groups": ("pod_groups.csv", "pod_group"),
    "treatment_functions": ("treatment_functions.csv", "service_code"),
    "corporate_functions": ("corporate_functions.csv", "function"),
    "mh_ward_types": ("mh_ward_types.csv", "ward_type"),
    "community_services": ("community_services.csv", "service"),
    "unit_value_keys": ("unit_value_keys.csv", "key"),
    "icbs": ("icbs.csv", "icb_code"),
}
NO_ICB = "No ICB given"  # how a provider whose icb_code is blank is grouped


@cache
def rows(name: str) -> tuple[dict[str, str], ...]:
    """All rows of a reference set, as dicts of strings."""
    filename, _ = REFERENCE_SETS[name]
    with open(REFERENCE_DIR / filename, encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh))


@cache
def codes(name: str) -> frozenset[str]:
    """The valid codes of a reference set."""
    _, column = REFERENCE_SETS[name]
    return frozenset(r[column] for r in rows(name))


@cache
def names(name: str) -> dict[str, str]:
    """Code -> human name for a reference set (second column of its file)."""
    _filename, column = REFERENCE_SETS[name]
    label = next(k for k in rows(name)[0] if k != column)
    return {r[column]: r[label] for r in rows(name)}


@cache
def benchmark_group_names() -> dict[str, str]:
    """Benchmark group -> how a sentence names its providers ("acute and specialist trusts")."""
    return {r["benchmark_group"]: r["benchmark_group_name"] for r in rows("sectors")}


@cache
def icb_names() -> dict[str, str]:
    """ICB code -> name: the 42 real integrated care boards, and the fictional systems of the
    built-in synthetic dataset (codes QZ.., which no real ICB uses)."""
    from packgen.generate.names import synthetic_icb_names

    return {**synthetic_icb_names(), **names("icbs")}


def icb_name(code: str | None) -> str:
    """The ICB's name; a blank code is `NO_ICB`, and a code in neither list says so (never a
    made-up name)."""
    if not code:
        return NO_ICB
    return icb_names().get(code, f"{code} (not in packgen's list of ICBs)")


@cache
def icb_regions() -> dict[str, str]:
    """ICB code -> NHS England region code, for the real ICBs."""
    return {r["icb_code"]: r["region_code"] for r in rows("icbs")}
