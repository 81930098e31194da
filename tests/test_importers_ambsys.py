"""AmbSYS -> ambulance: A7, A56, A53 summed over the period; region and England rows dropped."""

from __future__ import annotations

import pytest

from packgen.contract import table
from packgen.errors import InputError
from packgen.importers import import_source
from tests.test_importers_common import FIXTURES, by_key, read_table, real

TRUSTS = {"R1F", "RRU", "RX6", "RX7", "RX8", "RX9", "RYA", "RYC", "RYD", "RYE", "RYF"}


def test_real_file_one_trust_one_month(tmp_path):
    import_source("ambsys", [real("ambsys.csv")], tmp_path, period_from="2024-01",
                  period_to="2024-01")
    _, rows = read_table(tmp_path / "ambulance.csv")
    rx6 = by_key(rows, "provider_code")["RX6"]
    assert rx6["conveyed_to_ed"] == "20997"  # North East, January 2024, A53
    assert rx6["incidents"] == "38827"


def test_real_file_financial_year(tmp_path):
    report = import_source("ambsys", [real("ambsys.csv")], tmp_path, period_from="2024-04",
                           period_to="2025-03")
    header, rows = read_table(tmp_path / "ambulance.csv")
    assert tuple(header) == table("ambulance").column_names
    ambulance = by_key(rows, "provider_code")
    assert set(ambulance) == TRUSTS
    assert ambulance["RX6"]["incidents"] == "467734"
    assert ambulance["RX6"]["conveyed_to_ed"] == "255312"
    assert ambulance["RX6"]["face_to_face_incidents"] == "429660"
    assert ambulance["RRU"]["conveyed_to_ed"] == "690222"
    assert all(r["handovers"] == r["handover_hours_lost"] == r["wte"] == "" for r in rows)
    assert report.rows_in["ambulance"] == 1995
    assert report.dropped["England rows"] == 105
    assert report.dropped["region rows"] == 7 * 105
    assert "period: 2024-04 to 2025-03 (12 months)" in report.render()


def test_default_period_is_latest_complete_financial_year(tmp_path):
    # the file runs to April 2026: 2025/26 is the latest year with all twelve months
    report = import_source("ambsys", [real("ambsys.csv")], tmp_path)
    assert "period: 2025-04 to 2026-03 (12 months)" in report.render()
    assert report.period == "2025/26"
    _, log = read_table(tmp_path / "import_log.csv")
    assert (log[0]["period"], log[0]["title"]) == (
        "2025/26", "Ambulance Quality Indicators: Systems Indicators (AmbSYS)")


def test_only_to_gives_the_twelve_months_to_it(tmp_path):
    report = import_source("ambsys", [real("ambsys.csv")], tmp_path, period_to="2026-04")
    assert "period: 2025-05 to 2026-04 (12 months)" in report.render()
    assert report.period == "2025-05 to 2026-04"


def test_no_complete_financial_year_asks_for_the_months(tmp_path):
    with pytest.raises(InputError, match="no complete financial year") as error:
        import_source("ambsys", [FIXTURES / "ambsys_small.csv"], tmp_path)
    assert "--from YYYY-MM --to YYYY-MM" in error.value.format_message()


def test_dots_regions_england_and_missing_months(tmp_path):
    report = import_source("ambsys", [FIXTURES / "ambsys_small.csv"], tmp_path,
                           period_from="2023-04", period_to="2024-03")
    _, rows = read_table(tmp_path / "ambulance.csv")
    ambulance = by_key(rows, "provider_code")
    # the 12 months to 2024-03, which include RRU's 2023-12 row
    assert ambulance["RRU"]["incidents"] == str(3 * 200 + 999)
    assert ambulance["RYD"]["conveyed_to_ed"] == "100"  # two months present
    assert ambulance["R1F"]["incidents"] == ""  # only '.' : missing, never zero
    assert set(ambulance) == {"RRU", "RYD", "R1F"}
    text = report.render()
    assert "RYD: no row for 10 month(s)" in text and "2024-02" in text
    assert report.dropped["England rows"] == 3 and report.dropped["region rows"] == 3
    assert "trust-months with A7 missing ('.')" in text


def test_explicit_period_excludes_other_months(tmp_path):
    import_source("ambsys", [FIXTURES / "ambsys_small.csv"], tmp_path, period_from="2024-01",
                  period_to="2024-03")
    _, rows = read_table(tmp_path / "ambulance.csv")
    assert by_key(rows, "provider_code")["RRU"]["incidents"] == "600"
