"""The bundle-wide period on a pack's cover and the periods-differ warning, with a table whose
rows come from two publications (providers: ERIC 2016/17 and the reference-cost index
2015/16, recorded as '2016/17; 2015/16')."""

from packgen.pack.model import Source
from packgen.pack.provenance import period_range, period_warning


def _source(table: str, period: str) -> Source:
    return Source(table, table, period, "Open Government Licence v3.0", "0" * 64, real=True)


def test_a_table_of_two_periods_counts_each():
    sources = [_source("providers", "2016/17; 2015/16"), _source("estates", "2016/17"),
               _source("ambulance", "2025/26")]
    assert period_range(sources) == "2015/16 to 2025/26 (by table)"
    warning = period_warning(sources)
    assert warning.startswith("The tables describe different periods, more than a year apart")
    assert "estates (2016/17); providers (2016/17, 2015/16); ambulance (2025/26)" in warning


def test_one_shared_period_is_given_once_and_warns_of_nothing():
    sources = [_source("providers", "2024/25"), _source("estates", "2024/25")]
    assert period_range(sources) == "2024/25"
    assert period_warning(sources) == ""


def test_periods_a_year_apart_do_not_warn():
    assert period_warning([_source("providers", "2023/24"), _source("estates", "2024/25")]) == ""
    assert period_warning([_source("providers", "2023/24; 2024/25"),
                           _source("estates", "2024/25")]) == ""


def test_the_plans_of_the_year_ahead_are_neither_the_data_period_nor_a_spread():
    sources = [_source("providers", "2024/25"), _source("estates", "2024/25"),
               _source("plans", "2026/27")]
    assert period_range(sources) == "2024/25"
    assert period_warning(sources) == ""


def test_a_synthetic_bundle_gives_its_plans_their_own_year(computed_national):
    _folder, source = computed_national
    plans = next(s for s in source.run.sources if s.table == "plans")
    assert plans.period == "2026/27"
    assert source.run.period_warning == ""
