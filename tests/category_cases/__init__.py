"""Hand-made cases for the category definitions, dbt unit-test style: given these contract rows,
expect these result rows. One module per category, each with a `CASES` list.

Every expected figure is worked out by hand in the case, with the formula written out, so that a
reader can check it against docs/method.md without running anything. Percentiles are Excel
PERCENTILE.INC: for n sorted values v[0..n-1] and quantile q, h = q x (n - 1), and the value is
v[floor(h)] + (h - floor(h)) x (v[floor(h) + 1] - v[floor(h)]).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.engine_store import provider

# The unit values used by every case unless it says otherwise (GBP).
UNIT_VALUES = {
    "cost_per_bed_day_community": 300.0,
    "cost_per_bed_day_mental_health": 400.0,
    "cost_per_appointment_community": 100.0,
    "cost_per_appointment_talking_therapies": 110.0,
    "cost_per_wte_talking_therapies": 50_000.0,
    "cost_per_crew_hour": 200.0,
    "cost_per_wte_ambulance": 45_000.0,
    "see_and_convey_unit_cost": 450.0,
    "see_and_treat_unit_cost": 300.0,
}

ABSENT = "absent"  # an expectation that the row does not exist at all


@dataclass
class Expect:
    """One expected result row; only the fields given (not None) are checked."""

    provider_code: str
    component: str
    sub_unit: str = "all"
    assessed: bool | None = None
    # why the row is not assessed, as the engine's code (packgen/engine/sql/results.sql):
    # no_data_supplied, no_valid_data, activity_under_threshold, volume_under_threshold,
    # too_few_peers, unit_value_missing or benchmark_zero
    reason_code: str | None = None
    # part of the reason's sentence, only where the words matter (which file, which unit value)
    reason_contains: str | None = None
    metric: float | str | None = None  # "missing": the metric must be NULL (never zero)
    benchmark: float | str | None = None  # "missing": no benchmark
    peers: int | str | None = None  # "missing": no peer count (fixed-rate and standard targets)
    volume: float | None = None
    unit_value: float | None = None
    opportunity_native: float | None = None
    opportunity_gbp: float | None = None
    native_unit: str | None = None
    exists: bool = True


@dataclass
class Case:
    name: str
    category: str
    given: dict[str, list[dict]]
    expect: list[Expect]
    params: dict = field(default_factory=dict)  # RunParameters overrides
    unit_values: dict[str, float] = field(default_factory=lambda: dict(UNIT_VALUES))

    def tables(self) -> dict[str, list[dict]]:
        tables = dict(self.given)
        tables["unit_values"] = [
            {"key": k, "value": v, "unit": "GBP", "source": "test"}
            for k, v in self.unit_values.items()
        ]
        return tables


def providers(prefix: str, count: int, sector: str, **kw) -> list[dict]:
    """`count` provider rows coded <prefix>1..<prefix>count."""
    return [provider(f"{prefix}{i}", sector, **kw) for i in range(1, count + 1)]
