"""The built-in synthetic national dataset (`packgen generate-data`): valid, deterministic and
realistic enough that every category has work to do."""

from __future__ import annotations

import csv
import hashlib
import statistics
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner

from packgen import reference
from packgen.cli.generate import generate_data
from packgen.contract import TABLES
from packgen.generate import DATASET_NAME, generate_bundle
from packgen.generate.growth import activity_growth, productivity_growth
from packgen.generate.medicines import _verhoeff_digit
from packgen.generate.plans import CATEGORY_SHARES

SMALL = 0.05  # a small scale for tests that generate more than once
QUIET = {"progress": lambda message: None}


def read(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def number(text: str) -> float | None:
    return float(text) if text not in ("", "*") else None


@pytest.fixture(scope="session")
def national(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    """The default bundle (seed 2026, scale 1.0), generated once per session."""
    folder = tmp_path_factory.mktemp("national")
    return folder, generate_bundle(folder, seed=2026, scale=1.0, **QUIET)


@pytest.fixture(scope="session")
def providers(national) -> dict[str, dict[str, str]]:
    return {r["provider_code"]: r for r in read(national[0], "providers")}


@pytest.fixture(scope="session")
def ncc(national) -> list[dict[str, str]]:
    return read(national[0], "ncc_costs")


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


# --- the contract ----------------------------------------------------------------------------

def test_bundle_passes_validation(national):
    from packgen.contract.validate import validate_bundle

    report = validate_bundle(national[0])
    assert report.errors == []


def test_every_contract_table_written_with_contract_columns_in_order(national):
    folder, counts = national
    real_only = {"import_log", "successors"}  # provenance and mergers of real data
    assert set(counts) == {t.name for t in TABLES} - real_only
    for spec in TABLES:
        if spec.name in real_only:
            continue
        with open(folder / f"{spec.name}.csv", encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh))
        # every column the contract requires, in order; optional ones the generator does not
        # model (ERIC's energy totals) are left out
        assert tuple(header) == tuple(c.name for c in spec.columns
                                      if c.required or c.name in header), spec.name
        assert counts[spec.name] > 0, spec.name


def test_rows_sorted_by_key_and_keys_unique(national, ncc):
    key = [(r["provider_code"], r["department_code"], r["service_code"], r["currency_code"])
           for r in ncc]
    assert key == sorted(key)
    assert len(set(key)) == len(key)


def test_bundle_info_says_synthetic(national):
    info = {r["key"]: r["value"] for r in read(national[0], "bundle_info")}
    assert info["dataset_name"] == DATASET_NAME
    assert (info["period"], info["prior_period"]) == ("2024/25", "2023/24")
    assert info["synthetic"] == "true"
    assert (info["seed"], info["scale"]) == ("2026", "1.0")
    assert "no real provider" in info["licence"]


def test_parquet_bundle_passes_validation(tmp_path):
    from packgen.contract.validate import validate_bundle

    counts = generate_bundle(tmp_path, seed=3, scale=SMALL, fmt="parquet", **QUIET)
    assert (tmp_path / "ncc_costs.parquet").exists()
    assert (tmp_path / "plans.csv").exists()  # the sample plan stays an editable CSV
    assert not (tmp_path / "ncc_costs.csv").exists()
    assert validate_bundle(tmp_path).errors == []
    assert counts["providers"] == 200


# --- determinism -----------------------------------------------------------------------------

def test_same_seed_gives_same_bytes_and_other_seed_differs(tmp_path):
    first, again, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate_bundle(first, seed=7, scale=SMALL, **QUIET)
    generate_bundle(again, seed=7, scale=SMALL, **QUIET)
    generate_bundle(other, seed=8, scale=SMALL, **QUIET)
    assert digests(first) == digests(again)
    a, c = digests(first), digests(other)
    for name in ("providers.csv", "ncc_costs.csv", "estates.csv", "plans.csv"):
        assert a[name] != c[name], name


def test_scale_changes_ncc_rows_not_providers(national, tmp_path):
    counts = generate_bundle(tmp_path, seed=2026, scale=SMALL, **QUIET)
    assert (tmp_path / "providers.csv").read_bytes() == (national[0] / "providers.csv").read_bytes()
    assert counts["ncc_costs"] < national[1]["ncc_costs"] / 3


# --- providers -------------------------------------------------------------------------------

def test_sector_mix_regions_and_peer_groups(providers):
    sectors = Counter(p["sector"] for p in providers.values())
    assert 190 <= len(providers) <= 210
    assert 110 <= sectors["acute"] + sectors["specialist"] <= 130
    assert 10 <= sectors["specialist"] <= 20
    assert 45 <= sectors["mental_health"] <= 55
    assert 12 <= sectors["community"] <= 18
    assert sectors["ambulance"] == 10
    regions = Counter(p["region_code"] for p in providers.values())
    assert set(regions) == reference.codes("regions")
    assert min(regions.values()) >= 15  # a realistic spread, not one region for everyone
    assert {p["peer_group"] for p in providers.values()} == reference.codes("peer_groups")
    for p in providers.values():
        allowed = next(r["sectors"] for r in reference.rows("peer_groups")
                       if r["peer_group"] == p["peer_group"])
        assert p["sector"] in allowed.split(";")


def test_codes_and_names_cannot_be_mistaken_for_real_trusts(providers):
    assert all(len(code) == 3 and code[0] == "Z" for code in providers)
    assert all(p["icb_code"].startswith("QZ") for p in providers.values())
    names = [p["provider_name"] for p in providers.values()]
    assert len(set(names)) == len(names)
    assert all(n.endswith(("NHS Trust", "NHS Foundation Trust")) for n in names)


def test_provider_finances_in_realistic_ranges(providers):
    mff_by_region = defaultdict(list)
    for p in providers.values():
        income = float(p["income_gbp"])
        assert 0.595 <= float(p["pay_bill_gbp"]) / income <= 0.655
        assert 0.975 <= float(p["operating_cost_gbp"]) / income <= 1.035
        assert 0.92 <= float(p["mff"]) <= 1.25
        mff_by_region[p["region_code"]].append(float(p["mff"]))
        low, high = {"acute": (250e6, 2e9), "specialist": (150e6, 700e6),
                     "mental_health": (150e6, 600e6), "community": (100e6, 400e6),
                     "ambulance": (250e6, 600e6)}[p["sector"]]
        assert low * 0.999 <= income <= high * 1.001, p["provider_code"]
    means = {r: statistics.mean(v) for r, v in mff_by_region.items()}
    assert max(means, key=means.__getitem__) == "Y56"  # London
    teaching = [float(p["income_gbp"]) for p in providers.values()
                if p["peer_group"] == "ACUTE - TEACHING"]
    small = [float(p["income_gbp"]) for p in providers.values()
             if p["peer_group"] == "ACUTE - SMALL"]
    assert min(teaching) > max(small)


# --- NCC rows --------------------------------------------------------------------------------

def test_ncc_size_and_awkward_rows(national, ncc):
    assert 150_000 <= len(ncc) <= 500_000
    suppressed = sum(1 for r in ncc if r["activity"] == "")
    zero = sum(1 for r in ncc if r["activity"] == "0")
    small = sum(1 for r in ncc if r["activity"] not in ("", "0") and int(r["activity"]) < 10)
    assert 0.001 < suppressed / len(ncc) < 0.02
    assert 0.0005 < zero / len(ncc) < 0.01
    assert 0.05 < small / len(ncc) < 0.5
    assert any(r["actual_cost_gbp"] == "" for r in ncc)


def test_ncc_codes_are_reference_codes_and_hrgs_look_real(ncc):
    departments = reference.codes("departments")
    services = reference.codes("treatment_functions")
    hrg_like = 0
    for r in ncc:
        assert r["department_code"] in departments
        assert r["service_code"] in services
        code = r["currency_code"]
        if r["department_code"] in ("EL", "NEL", "NES", "DC"):
            assert len(code) == 5 and code[:2].isalpha() and code[2:4].isdigit(), code
            hrg_like += 1
    assert hrg_like > 100_000
    chapters = {r["currency_code"][:2] for r in ncc
                if r["service_code"] == "110" and r["department_code"] == "EL"}
    assert chapters <= {"HN", "HT", "HD", "HE"}


def test_sectors_get_their_departments(ncc, providers):
    non_acute = {"CHS", "MHCC", "MHPS", "IAPT", "AMB"}
    departments = defaultdict(set)
    for r in ncc:
        departments[r["provider_code"]].add(r["department_code"])
    for code, p in providers.items():
        assert departments[code], code  # every provider has rows: growth works for all
        if p["sector"] in ("acute", "specialist"):
            assert departments[code] - non_acute
            if p["peer_group"] != "ACUTE - MULTI-SERVICE":
                assert not departments[code] & non_acute
        else:
            assert departments[code] <= non_acute, code
    multi = [c for c, p in providers.items() if p["peer_group"] == "ACUTE - MULTI-SERVICE"]
    assert all("CHS" in departments[c] for c in multi)
    ambulance = [c for c, p in providers.items() if p["sector"] == "ambulance"]
    assert all(departments[c] == {"AMB"} for c in ambulance)


def test_acute_cost_index_spreads_between_providers(ncc, providers):
    """Cost per expected cost (casemix-adjusted, MFF-adjusted) differs between acute trusts."""
    totals: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    usable = []
    for r in ncc:
        activity, cost = number(r["activity"]), number(r["actual_cost_gbp"])
        if activity and cost is not None:
            adjusted = cost / float(providers[r["provider_code"]]["mff"])
            key = (r["department_code"], r["currency_code"])
            totals[key][0] += activity
            totals[key][1] += adjusted
            usable.append((r["provider_code"], key, activity, adjusted))
    mean_unit = {k: cost / activity for k, (activity, cost) in totals.items()}
    index: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for provider, key, activity, adjusted in usable:
        index[provider][0] += adjusted
        index[provider][1] += activity * mean_unit[key]
    acute = [a / e for code, (a, e) in index.items()
             if providers[code]["sector"] in ("acute", "specialist")]
    cv = statistics.pstdev(acute) / statistics.mean(acute)
    assert 0.03 < cv < 0.30
    assert 0.85 < statistics.median(acute) < 1.15


def test_unit_costs_calibrated_to_national_schedule(national):
    """Mean unit cost per department close to the 2023/24 schedule (EL ~6,200, NEL ~5,100)."""
    rows = read(national[0], "national_unit_costs")
    by_dept: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for r in rows:
        by_dept[r["department_code"]][0] += float(r["activity"])
        by_dept[r["department_code"]][1] += float(r["activity"]) * float(r["unit_cost_gbp"])
    mean = {d: cost / activity for d, (activity, cost) in by_dept.items()}
    for dept, expected in {"EL": 6214, "NEL": 5132, "NES": 791, "DC": 1031, "CL": 198,
                           "EM": 273, "CC": 1907}.items():
        assert expected * 0.75 < mean[dept] < expected * 1.3, (dept, mean[dept])


def test_productivity_growth_spreads_around_two_percent(national, providers, ncc):
    folder = national[0]
    current = [(r["provider_code"], r["department_code"], r["service_code"], r["currency_code"],
                number(r["activity"]), number(r["actual_cost_gbp"])) for r in ncc]
    with open(folder / "ncc_costs_prior.csv", encoding="utf-8", newline="") as fh:
        lines = csv.reader(fh)
        next(lines)
        prior = [(p, d, c, number(a), number(cost)) for p, d, c, a, cost in lines]

    class P:  # the two attributes activity_growth reads
        def __init__(self, code: str, mff: str):
            self.code, self.mff = code, float(mff)

    growth = activity_growth([P(c, p["mff"]) for c, p in providers.items()], current, prior)
    assert min(growth.values()) > -0.06 and max(growth.values()) < 0.09
    values = []
    for r in read(folder, "productivity_inputs"):
        if r["spend_prior_gbp"]:
            values.append(productivity_growth(float(r["spend_prior_gbp"]),
                                              float(r["spend_current_gbp"]),
                                              growth[r["provider_code"]]))
    assert len(values) >= 190
    assert 0.005 < statistics.median(values) < 0.035
    assert sum(v < 0 for v in values) >= 5
    assert sum(v >= 0.06 for v in values) >= 3


# --- other returns ---------------------------------------------------------------------------

def test_medicines_reference_has_one_cheapest_best_value_product_per_molecule(national):
    rows = read(national[0], "medicines_reference")
    molecules = defaultdict(list)
    for r in rows:
        molecules[r["molecule"]].append(r)
        assert len(r["vmp_code"]) == 17 and r["vmp_code"].isdigit()
        assert _verhoeff_digit(r["vmp_code"][:-1]) == r["vmp_code"][-1]
    assert 12 <= len(molecules) <= 15
    for products in molecules.values():
        assert 2 <= len(products) <= 4
        best = [p for p in products if p["is_best_value"] == "true"]
        assert len(best) == 1
        assert float(best[0]["unit_price_gbp"]) == min(float(p["unit_price_gbp"])
                                                       for p in products)


def test_medicines_uptake_varies(national, providers):
    reference_rows = {r["vmp_code"]: r for r in read(national[0], "medicines_reference")}
    shares = defaultdict(lambda: [0.0, 0.0])
    for r in read(national[0], "medicines_use"):
        assert providers[r["provider_code"]]["sector"] in ("acute", "specialist")
        product = reference_rows[r["vmp_code"]]
        key = (r["provider_code"], product["molecule"])
        shares[key][1] += float(r["quantity"])
        if product["is_best_value"] == "true":
            shares[key][0] += float(r["quantity"])
    uptake = [best / total for best, total in shares.values()]
    assert 0.3 <= min(uptake) < 0.6 and 0.9 < max(uptake) <= 0.99


def test_sector_returns_in_realistic_ranges(national, providers):
    folder = national[0]
    for r in read(folder, "ambulance"):
        incidents, f2f = float(r["incidents"]), float(r["face_to_face_incidents"])
        assert 300_000 <= incidents <= 1_200_000
        assert 0.69 <= f2f / incidents <= 0.81
        assert 0.44 <= float(r["conveyed_to_ed"]) / f2f <= 0.63
        assert 0.14 <= float(r["handover_hours_lost"]) / float(r["handovers"]) <= 0.61
        assert 2500 <= float(r["wte"]) <= 7000
    for r in read(folder, "talking_therapies"):
        assert 0.079 <= float(r["dna_appointments"]) / float(r["booked_appointments"]) <= 0.181
        assert 590 <= float(r["care_contacts"]) / float(r["clinical_wte"]) <= 1110
    los = defaultdict(list)
    for r in read(folder, "mh_los"):
        los[r["ward_type"]].append(float(r["bed_days"]) / float(r["discharges"]))
    assert min(los["adult_acute"]) >= 29 and max(los["adult_acute"]) <= 46
    assert min(los["rehabilitation"]) >= 149 and max(los["rehabilitation"]) <= 301
    assert len(los["adult_acute"]) > len(los["eating_disorders"])  # not every ward everywhere
    for r in read(folder, "community_appointments"):
        assert 0.029 <= float(r["dna_appointments"]) / float(r["booked_appointments"]) <= 0.121
    estates = read(folder, "estates")
    assert any("" in r.values() for r in estates)  # a few blank cells
    for r in estates:
        if r["gia_m2"] and r["electricity_kwh"]:
            assert 119 <= float(r["electricity_kwh"]) / float(r["gia_m2"]) <= 301
    functions = defaultdict(set)
    for r in read(folder, "corporate_services"):
        functions[r["provider_code"]].add(r["function"])
        share = float(r["spend_gbp"]) / float(providers[r["provider_code"]]["income_gbp"])
        assert 0.0029 <= share <= 0.0181
    assert all({"finance", "hr", "it", "procurement"} <= f for f in functions.values())
    assert len(functions) == len(providers)


def test_unit_values_cover_every_key(national):
    rows = {r["key"]: r for r in read(national[0], "unit_values")}
    assert set(rows) == reference.codes("unit_value_keys")
    assert float(rows["see_and_convey_unit_cost"]["value"]) == pytest.approx(458.73)
    assert float(rows["see_and_treat_unit_cost"]["value"]) == pytest.approx(326.99)
    assert float(rows["input_deflator"]["value"]) == pytest.approx(1.035)
    assert all(r["source"] for r in rows.values())


def test_sample_plans(national, providers):
    rows = read(national[0], "plans")
    by_provider = defaultdict(list)
    for r in rows:
        by_provider[r["provider_code"]].append(r)
    assert 0.7 <= len(by_provider) / len(providers) <= 0.9
    totals = []
    for code, plan in by_provider.items():
        sector = providers[code]["sector"]
        assert {r["category"] for r in plan} <= set(CATEGORY_SHARES[sector])
        assert plan[0]["planned_productivity_growth"] != ""
        assert all(r["planned_productivity_growth"] == "" for r in plan[1:])
        totals.append(sum(float(r["planned_saving_gbp"]) for r in plan)
                      / float(providers[code]["operating_cost_gbp"]))
    assert sum(t < 0.02 for t in totals) >= 3
    assert sum(t > 0.08 for t in totals) >= 1


# --- the command -----------------------------------------------------------------------------

def test_cli_writes_bundle_and_prints_summary(tmp_path):
    out = tmp_path / "data"
    result = CliRunner().invoke(generate_data, [str(out), "--seed", "5", "--scale", str(SMALL)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0] == str(out)
    assert lines[1].startswith("200 providers, ") and "NCC rows" in lines[1]
    assert "ncc_costs:" in result.stderr  # progress goes to stderr
    assert (out / "ncc_costs.csv").exists()


def test_cli_help_has_example():
    result = CliRunner().invoke(generate_data, ["--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "packgen generate-data" in result.output
