"""The non-acute categories the slow, obvious way: plain loops, dicts and sorted lists.

A reference implementation of docs/method.md for every category except acute cost (which has its
own oracle in test_acute_oracle.py), written from docs/method.md and not from the TOML definitions
or the SQL, so that comparing it with the engine checks both. No DuckDB, no polars, no statistics
package: the percentile is written out by hand.

`compute_oracle(tables, params)` takes the same rows a store is built from ({table: [row dicts]})
and returns {(provider_code, category, component, sub_unit): result} where result has `assessed`,
`reason_kind` (None, "no_data_supplied", "no_data", "activity", "peers", "unit_value",
"zero_benchmark"), `metric`, `benchmark`, `benchmark_median`, `peers`, `volume`, `unit_value`,
`opportunity_native`, `opportunity_gbp` and `opportunity_median_gbp` (the range's cautious end:
the same rules against the peers' median; a fixed target's one figure). Peers are the default peer
definition: the same sector, acute and specialist together.

Partial data (docs/method.md, "Partial data"): every provider of a category's sectors gets a
result for each component; one that sent no rows for it, or whose own value of a figure the
component needs (income, pay bill) is blank, is "not assessed: no data supplied", never £0. A gap
measured but not priced (no unit value) still shows its benchmark and its size in native units.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

ALL_SECTORS = ("acute", "specialist", "community", "mental_health", "ambulance")
BENCHMARK_GROUP = {
    "acute": "acute and specialist", "specialist": "acute and specialist",
    "community": "community", "mental_health": "mental health", "ambulance": "ambulance",
}

DEFAULT_PARAMS = {
    "performance_percentile": 0.75,
    "agency_reduction": 0.30,
    "bank_reduction": 0.10,
    "temporary_staffing_share_counted": 0.5,
    "clinical_supplies_reduction": 0.03,
    "min_peers": 5,
    "min_activity": None,  # None: each component's own (10, or 0 where there is no count)
}


@dataclass(frozen=True)
class Rule:
    """How one component is judged, as docs/method.md says."""

    direction: str  # "lower" or "higher" is better
    target: str  # "percentile", "median", "fixed_rate" or "standard"
    min_activity: float = 10
    formula: str = "gap_x_volume"  # or "resource_released"
    context: bool = False  # shown beside the opportunity, never counted
    rate: str | None = None  # fixed_rate: the run parameter holding the reduction
    # where the pounds per native unit come from: ("key", unit value key), ("param", run
    # parameter) or ("row", None) when each row brings its own (income, MFF, a price)
    priced_by: tuple[str, str | None] = ("row", None)
    needs: tuple[str, ...] = ()  # provider figures the component divides or multiplies by


# Spend, floor area and income have no activity count: no activity threshold applies.
NO_COUNT = 0
RULES = {
    ("temporary_staffing", "agency"): Rule(
        "lower", "fixed_rate", NO_COUNT, rate="agency_reduction",
        priced_by=("param", "temporary_staffing_share_counted")),
    ("temporary_staffing", "bank"): Rule(
        "lower", "fixed_rate", NO_COUNT, rate="bank_reduction",
        priced_by=("param", "temporary_staffing_share_counted")),
    ("temporary_staffing", "agency_share_of_pay_bill"): Rule(
        "lower", "percentile", NO_COUNT, context=True, needs=("pay_bill_gbp",)),
    ("corporate_services", "function_share"): Rule("lower", "percentile", NO_COUNT,
                                                   needs=("income_gbp",)),
    ("corporate_services", "total_share"): Rule("lower", "percentile", NO_COUNT, context=True,
                                                needs=("income_gbp",)),
    ("estates_procurement", "electricity"): Rule("lower", "median", NO_COUNT),
    ("estates_procurement", "gas"): Rule("lower", "median", NO_COUNT),
    ("estates_procurement", "general_supplies"): Rule("lower", "median", NO_COUNT,
                                                      needs=("income_gbp",)),
    ("estates_procurement", "clinical_supplies"): Rule("lower", "fixed_rate", NO_COUNT,
                                                       rate="clinical_supplies_reduction"),
    ("estates_procurement", "energy_per_m2"): Rule("lower", "median", NO_COUNT, context=True),
    ("medicines", "best_value_uptake"): Rule("higher", "percentile"),
    ("medicines", "overall_uptake"): Rule("higher", "percentile", context=True),
    ("community_los", "los"): Rule("lower", "percentile",
                                   priced_by=("key", "cost_per_bed_day_community")),
    ("community_los", "overall_los"): Rule("lower", "percentile", context=True,
                                           priced_by=("key", "cost_per_bed_day_community")),
    ("community_dna", "dna_rate"): Rule("lower", "percentile",
                                        priced_by=("key", "cost_per_appointment_community")),
    ("community_dna", "overall_dna_rate"): Rule(
        "lower", "percentile", context=True,
        priced_by=("key", "cost_per_appointment_community")),
    ("mh_los", "los"): Rule("lower", "percentile",
                            priced_by=("key", "cost_per_bed_day_mental_health")),
    ("talking_therapies", "dna_rate"): Rule(
        "lower", "percentile", priced_by=("key", "cost_per_appointment_talking_therapies")),
    ("talking_therapies", "contacts_per_wte"): Rule(
        "higher", "percentile", formula="resource_released",
        priced_by=("key", "cost_per_wte_talking_therapies")),
    ("ambulance_handover", "hours_lost_per_handover"): Rule(
        "lower", "standard", priced_by=("key", "cost_per_crew_hour")),
    ("ambulance_conveyance", "conveyance_rate"): Rule("lower", "percentile"),
    ("ambulance_incidents", "incidents_per_wte"): Rule(
        "higher", "percentile", formula="resource_released",
        priced_by=("key", "cost_per_wte_ambulance")),
}
# Whose providers each category assesses (docs/method.md, "Categories by sector").
SECTORS_OF = {
    "temporary_staffing": ALL_SECTORS, "corporate_services": ALL_SECTORS,
    "estates_procurement": ALL_SECTORS, "medicines": ("acute", "specialist"),
    "community_los": ("community",), "community_dna": ("community",),
    "mh_los": ("mental_health",), "talking_therapies": ("mental_health",),
    "ambulance_handover": ("ambulance",), "ambulance_conveyance": ("ambulance",),
    "ambulance_incidents": ("ambulance",),
}


def percentile(values: list[float], q: float) -> float:
    """Excel PERCENTILE.INC: sort, find position q x (n - 1), interpolate between neighbours."""
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    below = math.floor(position)
    if below + 1 >= len(ordered):
        return ordered[below]
    fraction = position - below
    return ordered[below] + fraction * (ordered[below + 1] - ordered[below])


def _sum_known(values: list) -> float | None:
    """Sum of the values that are present (SQL sum: None when none are)."""
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _sum_if_complete(values: list) -> float | None:
    """Sum only when every value is present and there is at least one: a total with a missing
    part is missing, never understated."""
    if not values or any(v is None for v in values):
        return None
    return sum(values)


def _cell(provider, category, component, sub_unit, numerator, denominator, activity, volume,
          unit_value):
    return {"provider_code": provider, "category": category, "component": component,
            "sub_unit": sub_unit, "numerator": numerator, "denominator": denominator,
            "activity": activity, "volume": volume, "unit_value": unit_value}


# ------------------------------------------------------------------ category inputs, one by one


def _rows_of(t, table, providers, category):
    """The table's rows of providers in the category's sectors (others are ignored)."""
    sector = {p["provider_code"]: p["sector"] for p in providers}
    return [r for r in t.get(table, []) if sector.get(r["provider_code"]) in SECTORS_OF[category]]


def temporary_staffing_cells(t, providers, params):
    pay_bill = {p["provider_code"]: p["pay_bill_gbp"] for p in providers}
    share_counted = params["temporary_staffing_share_counted"]
    cells = []
    for row in _rows_of(t, "temporary_staffing", providers, "temporary_staffing"):
        code = row["provider_code"]
        agency, bank = row.get("agency_gbp"), row.get("bank_gbp")
        cells.append(_cell(code, "temporary_staffing", "agency", "all", agency, 1.0, None, 1.0,
                           share_counted))
        cells.append(_cell(code, "temporary_staffing", "bank", "all", bank, 1.0, None, 1.0,
                           share_counted))
        cells.append(_cell(code, "temporary_staffing", "agency_share_of_pay_bill", "all", agency,
                           pay_bill[code], None, pay_bill[code], 1.0))
    return cells


def corporate_services_cells(t, providers, params):
    cells = []
    rows = _rows_of(t, "corporate_services", providers, "corporate_services")
    for p in providers:
        code, income = p["provider_code"], p["income_gbp"]
        own = [r for r in rows if r["provider_code"] == code]
        for r in own:
            cells.append(_cell(code, "corporate_services", "function_share", r["function"],
                               r["spend_gbp"], income, None, income, 1.0))
        if own:  # a trust with no rows has no total: "no data supplied"
            cells.append(_cell(code, "corporate_services", "total_share", "all",
                               _sum_if_complete([r["spend_gbp"] for r in own]), income, None,
                               income, 1.0))
    return cells


def _price_per_kwh(kwh, cost):
    if kwh is None:
        return None
    if kwh == 0:
        return 0.0  # used none: nothing to price
    return None if cost is None else cost / kwh


def estates_procurement_cells(t, providers, params):
    income_of = {p["provider_code"]: p["income_gbp"] for p in providers}
    cells = []
    for row in _rows_of(t, "estates", providers, "estates_procurement"):
        code = row["provider_code"]
        income = income_of[code]
        m2 = row.get("gia_m2")
        electricity, gas = row.get("electricity_kwh"), row.get("gas_kwh")
        energy = None if electricity is None or gas is None else electricity + gas
        cat = "estates_procurement"
        cells += [
            _cell(code, cat, "electricity", "all", electricity, m2, None, m2,
                  _price_per_kwh(electricity, row.get("electricity_cost_gbp"))),
            _cell(code, cat, "gas", "all", gas, m2, None, m2,
                  _price_per_kwh(gas, row.get("gas_cost_gbp"))),
            _cell(code, cat, "general_supplies", "all", row.get("general_supplies_gbp"), income,
                  None, income, 1.0),
            _cell(code, cat, "clinical_supplies", "all", row.get("clinical_supplies_gbp"), 1.0,
                  None, 1.0, 1.0),
            _cell(code, cat, "energy_per_m2", "all", energy, m2, None, m2, 1.0),
        ]
    return cells


def medicines_cells(t, providers, params):
    products = {r["vmp_code"]: r for r in t.get("medicines_reference", [])}
    best_price = {r["molecule"]: r["unit_price_gbp"] for r in products.values()
                  if r["is_best_value"]}
    cells = []
    for p in providers:
        if p["sector"] not in ("acute", "specialist"):
            continue
        code = p["provider_code"]
        by_molecule: dict[str, list[tuple[dict, dict]]] = {}
        for use in t.get("medicines_use", []):
            if use["provider_code"] == code and use["vmp_code"] in products:
                product = products[use["vmp_code"]]
                by_molecule.setdefault(product["molecule"], []).append((use, product))
        overall_best, overall_total, overall_activity, overall_complete = 0.0, 0.0, [], True
        for molecule, uses in sorted(by_molecule.items()):
            complete = all(u["quantity"] is not None for u, _ in uses)
            total = _sum_known([u["quantity"] for u, _ in uses])
            best = sum(u["quantity"] for u, pr in uses
                       if pr["is_best_value"] and u["quantity"] is not None)
            others = [(u, pr) for u, pr in uses if not pr["is_best_value"]]
            other_quantity = sum(u["quantity"] for u, _ in others if u["quantity"] is not None)
            if other_quantity == 0:
                price_difference = 0.0  # nothing on other products: nothing to switch
            elif any(u["cost_gbp"] is None for u, _ in others) or molecule not in best_price:
                price_difference = None
            else:
                other_price = sum(u["cost_gbp"] for u, _ in others) / other_quantity
                price_difference = max(0.0, other_price - best_price[molecule])
            cells.append(_cell(code, "medicines", "best_value_uptake", molecule,
                               best if complete else None, total if complete else None,
                               total, total, price_difference))
            overall_complete = overall_complete and complete
            overall_best += best
            overall_total += total or 0.0
            overall_activity.append(total)
        if not by_molecule:  # no use of any listed product: "no data supplied"
            continue
        # context: carries no opportunity; its unit value is the molecules' one when they share
        # it, otherwise none
        prices = {c["unit_value"] for c in cells[-len(by_molecule):]} - {None}
        cells.append(_cell(code, "medicines", "overall_uptake", "all",
                           overall_best if overall_complete else None,
                           overall_total if overall_complete else None,
                           _sum_known(overall_activity), _sum_known(overall_activity),
                           prices.pop() if len(prices) == 1 else None))
    return cells


def _per_sub_unit(t, providers, sector, table, sub_unit_column, numerator_column,
                  denominator_column, category, component, overall_component, unit_value):
    """Rate per sub-unit (volume and activity = the denominator), plus an overall context row
    when `overall_component` is given."""
    cells = []
    for p in providers:
        if p["sector"] != sector:
            continue
        code = p["provider_code"]
        own = [r for r in t.get(table, []) if r["provider_code"] == code]
        for r in own:
            cells.append(_cell(code, category, component, r[sub_unit_column],
                               r[numerator_column], r[denominator_column],
                               r[denominator_column], r[denominator_column], unit_value))
        if overall_component and own:
            denominators = [r[denominator_column] for r in own]
            cells.append(_cell(code, category, overall_component, "all",
                               _sum_if_complete([r[numerator_column] for r in own]),
                               _sum_if_complete(denominators), _sum_known(denominators),
                               _sum_known(denominators), unit_value))
    return cells


def community_los_cells(t, providers, params):
    return _per_sub_unit(t, providers, "community", "community_los", "service", "bed_days",
                         "discharges", "community_los", "los", "overall_los",
                         params["unit_values"].get("cost_per_bed_day_community"))


def community_dna_cells(t, providers, params):
    return _per_sub_unit(t, providers, "community", "community_appointments", "service",
                         "dna_appointments", "booked_appointments", "community_dna", "dna_rate",
                         "overall_dna_rate",
                         params["unit_values"].get("cost_per_appointment_community"))


def mh_los_cells(t, providers, params):
    return _per_sub_unit(t, providers, "mental_health", "mh_los", "ward_type", "bed_days",
                         "discharges", "mh_los", "los", None,
                         params["unit_values"].get("cost_per_bed_day_mental_health"))


def talking_therapies_cells(t, providers, params):
    unit_values = params["unit_values"]
    cells = []
    for row in _rows_of(t, "talking_therapies", providers, "talking_therapies"):
        code = row["provider_code"]
        booked, wte = row.get("booked_appointments"), row.get("clinical_wte")
        cells.append(_cell(code, "talking_therapies", "dna_rate", "all",
                           row.get("dna_appointments"), booked, booked, booked,
                           unit_values.get("cost_per_appointment_talking_therapies")))
        cells.append(_cell(code, "talking_therapies", "contacts_per_wte", "all",
                           row.get("care_contacts"), wte, row.get("care_contacts"), wte,
                           unit_values.get("cost_per_wte_talking_therapies")))
    return cells


def ambulance_cells(t, providers, params):
    unit_values = params["unit_values"]
    convey, treat = (unit_values.get("see_and_convey_unit_cost"),
                     unit_values.get("see_and_treat_unit_cost"))
    conveyance_saving = None if convey is None or treat is None else max(0.0, convey - treat)
    cells = []
    for row in _rows_of(t, "ambulance", providers, "ambulance_handover"):
        code = row["provider_code"]
        handovers, f2f = row.get("handovers"), row.get("face_to_face_incidents")
        cells.append(_cell(code, "ambulance_handover", "hours_lost_per_handover", "all",
                           row.get("handover_hours_lost"), handovers, handovers, handovers,
                           unit_values.get("cost_per_crew_hour")))
        cells.append(_cell(code, "ambulance_conveyance", "conveyance_rate", "all",
                           row.get("conveyed_to_ed"), f2f, f2f, f2f, conveyance_saving))
        cells.append(_cell(code, "ambulance_incidents", "incidents_per_wte", "all",
                           row.get("incidents"), row.get("wte"), row.get("incidents"),
                           row.get("wte"), unit_values.get("cost_per_wte_ambulance")))
    return cells


CATEGORY_CELLS = (
    temporary_staffing_cells, corporate_services_cells, estates_procurement_cells,
    medicines_cells, community_los_cells, community_dna_cells, mh_los_cells,
    talking_therapies_cells, ambulance_cells,
)


# ------------------------------------------------------------------ the method, for every cell


def _released(rule: Rule, cell: dict, benchmark: float) -> float:
    """Native units released by moving the cell to `benchmark`, never negative."""
    if rule.formula == "resource_released":
        return max(0.0, cell["volume"] * (1 - cell["metric"] / benchmark)) if benchmark > 0 \
            else 0.0
    if rule.direction == "lower":
        return max(0.0, cell["metric"] - benchmark) * cell["volume"]
    return max(0.0, benchmark - cell["metric"]) * cell["volume"]


def compute_oracle(tables: dict[str, list[dict]], params: dict | None = None) -> dict:
    params = {**DEFAULT_PARAMS, **(params or {})}
    params["unit_values"] = {r["key"]: r["value"] for r in tables.get("unit_values", [])}
    providers = tables["providers"]
    group_of = {p["provider_code"]: BENCHMARK_GROUP[p["sector"]] for p in providers}

    cells = []
    for make in CATEGORY_CELLS:
        cells += make(tables, providers, params)

    # 0. partial data: a provider of the category's sectors with no row for a component gets
    # one, "no data supplied"; so does a row whose provider lacks a figure the component needs
    given = {(c["provider_code"], c["category"], c["component"]) for c in cells}
    for category, component in RULES:
        for p in providers:
            code = p["provider_code"]
            if p["sector"] in SECTORS_OF[category] and (code, category, component) not in given:
                cells.append({**_cell(code, category, component, "all", None, None, None, None,
                                      None), "no_rows": True})
    by_code = {p["provider_code"]: p for p in providers}
    for c in cells:
        rule = RULES[(c["category"], c["component"])]
        source, name = rule.priced_by
        if source == "key":
            c["unit_value"] = params["unit_values"].get(name)
        elif source == "param":
            c["unit_value"] = params[name]
        c["supplied"] = not c.get("no_rows") and all(
            by_code[c["provider_code"]][need] is not None for need in rule.needs)

    # 1. the metric, and whether the cell passes its own thresholds
    for c in cells:
        rule = RULES[(c["category"], c["component"])]
        numerator, denominator = c["numerator"], c["denominator"]
        valid = numerator is not None and denominator is not None and denominator > 0
        c["metric"] = numerator / denominator if valid else None
        min_activity = rule.min_activity
        if params["min_activity"] is not None and rule.min_activity > 0:
            min_activity = params["min_activity"]
        if not c["supplied"]:
            c["own_reason"] = "no_data_supplied"
        elif c["metric"] is None:
            c["own_reason"] = "no_data"
        elif (c["activity"] or 0) < min_activity:
            c["own_reason"] = "activity"
        else:
            c["own_reason"] = None

    # 2. peer values: cells of the same category, component and sub-unit, in the same benchmark
    # group, that pass their own thresholds (the provider itself included)
    peer_values: dict[tuple, list[float]] = {}
    for c in cells:
        if c["own_reason"] is None:
            key = (c["category"], c["component"], c["sub_unit"], group_of[c["provider_code"]])
            peer_values.setdefault(key, []).append(c["metric"])

    # 3. target, reason and opportunity
    performance = params["performance_percentile"]
    results = {}
    for c in cells:
        rule = RULES[(c["category"], c["component"])]
        values = peer_values.get(
            (c["category"], c["component"], c["sub_unit"], group_of[c["provider_code"]]), [])
        uses_peers = rule.target in ("percentile", "median")
        if rule.target == "fixed_rate":
            target = None if c["metric"] is None else c["metric"] * (1 - params[rule.rate])
        elif rule.target == "standard":
            target = 0.0
        elif not values:
            target = None
        elif rule.target == "median":
            target = percentile(values, 0.5)
        elif rule.direction == "lower":
            target = percentile(values, 1 - performance)
        else:
            target = percentile(values, performance)

        # the range's cautious end: the peers' median; a fixed target has one figure
        target_median = target if rule.target in ("fixed_rate", "standard") else (
            percentile(values, 0.5) if values else None)

        reason = c["own_reason"]
        if reason is None and uses_peers and len(values) < params["min_peers"]:
            reason = "peers"
        if reason is None and c["unit_value"] is None and not rule.context:
            reason = "unit_value"  # measured, not priced
        if reason is None and rule.formula == "resource_released" and not target > 0:
            reason = "zero_benchmark"

        native = native_median = 0.0
        if reason in (None, "unit_value") and not rule.context:
            native = _released(rule, c, target)
            native_median = _released(rule, c, target_median)
        pounds = native * (c["unit_value"] or 0.0)
        pounds_median = native_median * (c["unit_value"] or 0.0)
        shown = reason in (None, "unit_value") or rule.target == "fixed_rate"
        results[(c["provider_code"], c["category"], c["component"], c["sub_unit"])] = {
            "assessed": reason is None,
            "reason_kind": reason,
            "metric": c["metric"],
            "benchmark": target if shown else None,
            "benchmark_median": target_median if shown else None,
            "peers": len(values) if uses_peers else None,
            "volume": c["volume"],
            "unit_value": c["unit_value"],
            "opportunity_native": native,
            "opportunity_gbp": math.floor(pounds * 100 + 0.5) / 100,  # to the penny, half up
            "opportunity_median_gbp": math.floor(pounds_median * 100 + 0.5) / 100,
        }
    return results
