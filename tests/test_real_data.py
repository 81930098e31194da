"""The real-data path (issue 13), end to end on the public files shipped in real_data/: the six
imports of `make demo-real`, validate (exit 0, saying what each category can assess), and packs
for real trusts that say REAL DATA, assess what the files allow and name what is missing."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from packgen.cli import cli

REAL = Path(__file__).resolve().parent.parent / "real_data"
IMPORTS = (
    ("ods", "etr_2024_25.csv"), ("eric", "eric_2016_17_trust.csv", "--apply-peer-groups"),
    ("rci", "rci_2015_16_org.csv"), ("ambsys", "ambsys.csv"),
    ("ncc-schedule", "ncc_2023_24_national_schedule.csv"), ("scmd", "scmd_methotrexate.csv"),
)

pytestmark = pytest.mark.slow


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def real_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("real")
    data, run = folder / "data", folder / "run"
    for source, name, *options in IMPORTS:
        result = invoke("import", source, REAL / name, "--into", data, *options)
        assert result.exit_code == 0, result.output
    validated = invoke("validate", data)
    built = invoke("build", data, "--out", run, "--provider", "RJ1", "--provider", "RX6",
                   "--workers", "1", "--quiet")
    assert built.exit_code == 0, built.output
    with open(run / "national" / "results.csv", encoding="utf-8", newline="") as fh:
        results = list(csv.DictReader(fh))
    return data, run, validated, results


def test_validate_passes_and_says_what_each_category_can_assess(real_run):
    _data, _run, validated, _results = real_run
    assert validated.exit_code == 0, validated.output
    out = validated.output
    assert "What each category can assess:" in out
    assert ("Acute cost by point of delivery: can assess 0 of 129 acute and specialist "
            "providers; Cost index by department and specialty: no data supplied (ncc_costs.csv "
            "not in the bundle)") in out
    assert "Ambulance conveyance to emergency departments: can assess 10 of 10 ambulance" in out


def test_the_bundle_records_each_tables_source_period_and_checksum(real_run):
    data, _run, _validated, _results = real_run
    with open(data / "providers.csv", encoding="utf-8", newline="") as fh:
        rj1 = next(r for r in csv.DictReader(fh) if r["provider_code"] == "RJ1")
    assert rj1["mff"] == "1.27702912"
    with open(data / "import_log.csv", encoding="utf-8", newline="") as fh:
        log = list(csv.DictReader(fh))
    estates = next(r for r in log if r["table"] == "estates")
    assert estates["period"] == "2016/17" and len(estates["sha256"]) == 64
    assert estates["file"] == "eric_2016_17_trust.csv"


def test_real_trusts_are_assessed_on_what_the_files_allow(real_run):
    _data, _run, _validated, results = real_run
    rows = {(r["provider_code"], r["category"], r["component"]): r for r in results}
    conveyance = rows["RX6", "ambulance_conveyance", "conveyance_rate"]
    assert conveyance["assessed"] == "true" and float(conveyance["opportunity_gbp"]) > 0
    assert rows["RJ1", "estates_procurement", "electricity"]["assessed"] == "true"
    assert rows["RJ1", "estates_procurement", "gas"]["assessed"] == "true"
    acute = rows["RJ1", "acute_cost", "cost_index"]
    assert acute["assessed"] == "false" and acute["reason_code"] == "no_data_supplied"
    assert acute["reason"] == "no data supplied (ncc_costs.csv not in the bundle)"
    for (code, _category, _component), row in rows.items():
        if code == "RJ1" and row["assessed"] == "false":
            assert row["opportunity_gbp"] == "" and row["reason"], row


def test_packs_say_real_data_and_name_what_is_missing(real_run):
    _data, run, _validated, _results = real_run
    for code in ("RJ1", "RX6"):
        html = (run / "providers" / code / f"{code}-opportunity-pack.html").read_text(
            encoding="utf-8")
        assert "REAL DATA" in html and "SYNTHETIC DATA" not in html
        assert "Not assessed" in html and "no data supplied" in html
        assert (run / "providers" / code / f"{code}-opportunity-pack.pdf").stat().st_size
    html = (run / "providers" / "RJ1" / "RJ1-opportunity-pack.html").read_text(encoding="utf-8")
    assert "no data supplied (ncc_costs.csv not in the bundle)" in html
    assert "The tables describe different periods" in html
