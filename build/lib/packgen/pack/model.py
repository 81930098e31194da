"""Plain-data shapes of a provider's opportunity pack.

Renderers (PDF/HTML, Excel) take a `Pack` and only format it: every figure and every sentence a
reader sees is decided here, so tests can assert them without rendering. Money is in pounds as
floats rounded to the penny at the finest level (the engine's result rows); every total is the sum
of those rounded figures, so totals agree to the penny wherever they are shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Source:
    """A data source shown in the pack's method page and the workbook's notes."""

    table: str  # contract table name, e.g. "ncc_costs"
    title: str  # e.g. "National Cost Collection, organisation-level source data"
    period: str  # e.g. "2024/25"
    licence: str  # e.g. "Open Government Licence v3.0" or "Synthetic (packgen built-in dataset)"
    checksum: str  # sha256 of the input file


@dataclass(frozen=True)
class RunInfo:
    """What run produced the pack: enough to reproduce it."""

    packgen_version: str
    produced_on: str  # ISO date
    dataset_name: str
    period: str
    prior_period: str | None
    synthetic: bool  # True for the built-in dataset: every page carries a SYNTHETIC DATA mark
    parameters: dict[str, str]  # human label -> value, e.g. {"Benchmark": "75th percentile ..."}
    sources: tuple[Source, ...]
    run_id: str  # short hash of inputs' checksums and parameters


@dataclass(frozen=True)
class ProviderInfo:
    code: str
    name: str
    sector: str  # acute, specialist, community, mental_health, ambulance
    sector_name: str  # "Acute", "Mental health", ...
    peer_group: str
    region_code: str
    region_name: str
    icb_code: str
    income_gbp: float
    operating_cost_gbp: float
    pay_bill_gbp: float
    mff: float


@dataclass(frozen=True)
class PeerValue:
    """One peer's value of a charted metric (the provider itself included, flagged)."""

    provider_code: str
    provider_name: str
    value: float
    rank: int  # 1 = best performance (direction-aware)
    quartile: int  # 1 = best quarter of performance ... 4 = worst
    is_provider: bool


@dataclass(frozen=True)
class ResultRow:
    """One finest-level result row of a category, in the schema shared by every category.

    Opportunity (pounds) = opportunity_native x unit_value; opportunity_native follows the
    component's `formula` (e.g. max(0, metric - benchmark) x volume).
    """

    category: str
    component: str
    sub_unit: str  # e.g. "EL/110" (acute cell), "finance", "adult_acute", "all"
    sub_unit_label: str  # human label, e.g. "Elective inpatients - Trauma and Orthopaedics"
    assessed: bool
    reason: str | None  # why not assessed ("fewer than 5 peers (3)", "activity under 10", ...)
    metric: float | None
    benchmark: float | None
    peers: int | None
    volume: float | None
    unit_value: float | None
    opportunity_native: float  # 0 when not assessed or already better than the benchmark
    native_unit: str
    opportunity_gbp: float
    formula: str  # how opportunity_gbp is recomputed from this row (Excel-check form)
    department_code: str | None = None
    service_code: str | None = None
    pod_group: str | None = None
    in_total: bool = True  # False for context rows and categories excluded from totals


@dataclass(frozen=True)
class Component:
    """A measure within a category (e.g. agency spend, or kWh of electricity per m2)."""

    id: str
    title: str
    role: str  # "opportunity" or "context"
    direction: str  # "lower" or "higher" (is better)
    target_label: str  # e.g. "25th percentile of peers (75th percentile of performance)"
    metric_label: str  # e.g. "Average length of stay"
    metric_unit: str  # e.g. "days", "%", "index", "GBP", "kWh per m2"
    native_unit: str  # e.g. "bed days"
    value: float | None  # provider's headline value (provider level)
    benchmark: float | None
    peers: int | None
    opportunity_native: float
    opportunity_gbp: float
    peer_values: tuple[PeerValue, ...] = ()  # for the ranked chart; empty if not charted


@dataclass(frozen=True)
class CategorySection:
    id: str  # e.g. "acute_cost"
    code: str  # stable code, e.g. "PG-AC-01"
    title: str
    what_it_measures: str
    why_it_matters: str
    how_calculated: str
    overlaps_with: tuple[str, ...]  # ids of the pack's other categories it overlaps with
    sub_unit_name: str  # what a sub-unit is: "Specialty", "Function", "Ward type", "Molecule"
    components: tuple[Component, ...]
    chart: Component | None  # the component charted against peers (with peer_values)
    rows: tuple[ResultRow, ...]  # all finest-level rows (Excel); PDF shows top_rows
    top_rows: tuple[ResultRow, ...]  # largest sub-units by opportunity (short table)
    opportunity_gbp: float  # sum of rows with in_total
    opportunity_native: dict[str, float]  # native unit -> amount
    not_assessed: int
    sentence: str  # "If X matched ... it would release £X a year (N bed days)." or a positive one


@dataclass(frozen=True)
class HrgRow:
    """Acute drill-down: one NCC row (HRG) with its share of the cell's opportunity."""

    pod_group: str
    department_code: str
    service_code: str
    service_name: str
    currency_code: str
    activity: float
    actual_cost_gbp: float
    adjusted_cost_gbp: float  # actual cost / the provider's MFF: what the index compares
    expected_cost_gbp: float  # activity x national mean unit cost (MFF-adjusted prices)
    cell_index: float  # the cell's index (x100 when shown)
    benchmark_index: float | None
    excess_gbp: float  # max(0, adjusted cost - benchmark x expected cost), in MFF-adjusted pounds
    opportunity_gbp: float  # share of the cell's opportunity, in the provider's cash


@dataclass(frozen=True)
class SpecialtyDrill:
    service_code: str
    service_name: str
    opportunity_gbp: float
    by_pod_group: dict[str, float]  # pod_group -> GBP
    top_hrgs: tuple[HrgRow, ...]


@dataclass(frozen=True)
class ProductivityGrowth:
    activity_growth: float | None  # fractions: 0.021 = 2.1%
    input_growth: float | None
    productivity_growth: float | None
    rank: int | None  # 1 = highest productivity growth in the sector
    rank_of: int | None
    sector_growth: float | None
    national_growth: float | None
    sentence: str


@dataclass(frozen=True)
class Headline:
    """A top opportunity on the summary page."""

    category: str
    title: str
    opportunity_gbp: float
    sentence: str


@dataclass(frozen=True)
class NotAssessedRow:
    category: str
    component: str
    sub_unit: str
    sub_unit_label: str
    reason: str


@dataclass(frozen=True)
class Pack:
    run: RunInfo
    provider: ProviderInfo
    categories: tuple[CategorySection, ...]  # largest opportunity first
    total_opportunity_gbp: float  # sum over categories (an upper bound: categories overlap)
    total_pct_of_cost_base: float  # fraction
    requirement_gbp: float  # 2% of the cost base (the productivity requirement in pounds)
    requirement_rate: float  # 0.02
    overlap_note: str
    headlines: tuple[Headline, ...]  # three biggest opportunities
    productivity: ProductivityGrowth | None
    acute_overall_index: float | None  # provider's overall cost index (all rows), x100 scale
    acute_rank: int | None  # 1 = lowest cost index among peers
    acute_rank_of: int | None
    # Acute only: every specialty with opportunity, largest first (the PDF shows the first few).
    specialties: tuple[SpecialtyDrill, ...]
    hrg_rows: tuple[HrgRow, ...]  # acute only: every HRG row with opportunity (Excel)
    not_assessed: tuple[NotAssessedRow, ...]
    data_notes: tuple[str, ...]
    extras: dict[str, str] = field(default_factory=dict)
    # Acute only: the acute cost opportunity by point-of-delivery group (as NHS England's Table 2
    # lists it), as (pod_group, name, GBP) in report order; sums to the acute category.
    acute_by_pod_group: tuple[tuple[str, str, float], ...] = ()
