"""Display formatting of money, percentages, metrics and ranks."""

from __future__ import annotations

import pytest

from packgen.render import formatting as fmt


@pytest.mark.parametrize(("value", "expected"), [
    (0, "£0"),
    (12_345.4, "£12,345"),
    (999_949, "£999,949"),
    (999_950, "£1.0m"),
    (1_234_567, "£1.2m"),
    (13_662_600, "£13.7m"),
    (805_100_000, "£805.1m"),
    (1_260_000_000, "£1.3bn"),
    (-4_500, "-£4,500"),
    (None, "–"),
    (float("nan"), "–"),
])
def test_gbp(value, expected):
    assert fmt.gbp(value) == expected


def test_gbp_full_and_pct():
    assert fmt.gbp_full(13_662_600.0) == "£13,662,600"
    assert fmt.gbp_full(0.4) == "£0"
    assert fmt.pct(0.041) == "4.1%"
    assert fmt.pct(0.02, 0) == "2%"
    assert fmt.signed_pct(0.0188) == "+1.9%"
    assert fmt.signed_pct(-0.004) == "-0.4%"
    assert fmt.pct(None) == "–"


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (1.08, "index", "108"),  # ratios to the national average, shown x100
    (0.9749, "index", "97"),
    (0.041, "%", "4.1%"),
    (0.0032, "%", "0.32%"),  # a small share keeps a second decimal: 0.3% vs 0.3% hid a gap
    (21_400_000.0, "GBP", "£21.4m"),
    (2.346, "days", "2.35"),
    (12.34, "days", "12.3"),
    (45.67, "kWh per m2", "45.7"),
    (1234.5, "per WTE", "1,234"),
    (None, "days", "–"),
])
def test_metric_by_unit(value, unit, expected):
    assert fmt.metric(value, unit) == expected


def test_native_units():
    assert fmt.native(1234.4, "bed days") == "1,234 bed days"
    assert fmt.native(8_577_757.0, "GBP (national prices)") == "£8.6m (national prices)"
    assert fmt.native(9_430_000.0, "GBP") == "£9.4m"
    assert fmt.native_amount(3.25, "WTE") == "3.25"


@pytest.mark.parametrize(("n", "expected"), [
    (1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
    (21, "21st"), (41, "41st"), (102, "102nd"), (111, "111th"), (None, "–"),
])
def test_ordinal(n, expected):
    assert fmt.ordinal(n) == expected


def test_rank_of():
    assert fmt.rank_of(41, 120) == "41st of 120"
    assert fmt.rank_of(3, None) == "3rd"
    assert fmt.rank_of(None, 120) == "–"


def test_axis_labels_share_the_fewest_decimals():
    assert fmt.axis_labels([0, 2.5, 5, 7.5], "days") == ["0.0", "2.5", "5.0", "7.5"]
    assert fmt.axis_labels([0, 0.02, 0.04], "%") == ["0%", "2%", "4%"]
    assert fmt.axis_labels([0, 0.005, 0.01], "%") == ["0.0%", "0.5%", "1.0%"]
    assert fmt.axis_labels([0, 0.25, 0.5], "index") == ["0", "25", "50"]
    assert fmt.axis_labels([0, 2000, 4000], "kWh per m2") == ["0", "2,000", "4,000"]


def test_dates_and_hashes():
    assert fmt.long_date("2026-12-01") == "1 December 2026"
    assert fmt.long_date("not a date") == "not a date"
    assert fmt.short_hash("a" * 64) == "a" * 12 + "…"
    assert fmt.short_hash("abc") == "abc"


@pytest.mark.parametrize(("label", "unit", "expected"), [
    ("Average length of stay", "days", "Average length of stay (days)"),
    ("Average length of stay (days)", "days", "Average length of stay (days)"),  # not twice
    ("DNA rate", "%", "DNA rate"),  # the value shows its unit
    ("Cost index", "index", "Cost index"),
])
def test_a_metric_label_names_its_unit_once(label, unit, expected):
    assert fmt.with_unit(label, unit) == expected
