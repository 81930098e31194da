"""Check a bundle against the data contract and report every problem at once.

`validate_bundle(data_dir)` reads each table's file as text, parses each column by its contract
type (naming the file, line and column of every bad cell), then checks codes against their
reference sets, keys for duplicates, and the rules that span tables. The typed tables it returns
are what `packgen.store.load_bundle` loads.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from packgen import reference
from packgen.categories import load_definitions
from packgen.categories.coverage import coverage_lines
from packgen.contract.columns import DTYPES, also_on, parse_column, value_problems
from packgen.contract.read import LINE, RawTable, find_files, read_table
from packgen.contract.report import FileSummary, Problem, ValidationReport, clip
from packgen.contract.successors import apply_successors
from packgen.contract.tables import SECTORS, TABLES, Table
from packgen.errors import InputError

__all__ = ["CATEGORY_IDS", "Problem", "ValidationReport", "validate_bundle"]

# The category ids, from the definitions (one TOML file each): a new category is a new file.
CATEGORY_IDS = tuple(d.id for d in load_definitions())
# Tables that must have rows for anything to be computed: real bundles are partial, and every
# category says for itself what it lacks.
MUST_HAVE_ROWS = ("providers",)


def validate_bundle(data_dir: Path) -> ValidationReport:
    """Validate every file of the bundle in `data_dir`; never stops at the first problem."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise InputError(f"no bundle folder at {data_dir}",
                         "give the folder that holds providers.csv, ncc_costs.csv, ...")
    report = ValidationReport(data_dir)
    files, errors, warnings = find_files(data_dir)
    report.errors += errors
    report.warnings += warnings
    report.files = files
    checked: dict[str, pl.DataFrame] = {}  # typed columns plus LINE
    for table in TABLES:
        if table.name not in files:
            continue
        raw, errors, warnings = read_table(table, files[table.name])
        report.errors += errors
        report.warnings += warnings
        if raw is not None:
            checked[table.name] = check_table(raw, report)
    for name, frame in checked.items():
        check_key(TABLES_BY_NAME[name], report.files[name].name, frame, report)
    apply_successors(checked, report)
    _check_references(checked, report)
    _check_cost_without_activity(checked, report)
    _check_own_currencies(checked, report)
    _check_best_value(checked, report)
    _check_unit_values(checked, report)
    _check_sectors(checked, report)
    absent = [t.name for t in TABLES if not t.required and t.name not in files]
    if absent:
        report.notes.insert(0, f"optional tables not given: {', '.join(absent)}.")
    report.tables = {name: frame.drop(LINE) for name, frame in checked.items()}
    report.notes += [s.line() for s in report.summaries.values() if s.missing]
    if report.ok:
        report.coverage = coverage_lines(load_definitions(), report.tables)
    return report


TABLES_BY_NAME = {t.name: t for t in TABLES}


def check_table(raw: RawTable, report: ValidationReport) -> pl.DataFrame:
    table, file, found = raw.table, raw.file, raw.frame.columns
    summary = report.summaries[table.name] = FileSummary(table.name, file, raw.frame.height)
    for name in found:
        if "_duplicated_" in name:
            report.error(Problem(file, 1, clip(name.split("_duplicated_")[0]),
                                 "this column name appears more than once in the header.",
                                 "keep one column of each name.", "duplicate_column"))
        elif name != LINE and name not in table.column_names:
            report.warn(Problem(file, 1, clip(name),
                                "is not a column of the contract; it is ignored.",
                                f"{table.name} has the columns {', '.join(table.column_names)}.",
                                "unknown_column"))
    missing = [c.name for c in table.columns if c.required and c.name not in found]
    if missing:
        lower = {c.lower(): c for c in found}
        near = [f"'{clip(lower[m])}'" for m in missing if m in lower]
        report.error(Problem(
            file, 1, None, f"missing required column{'s' * (len(missing) > 1)}: "
            f"{', '.join(missing)}.",
            f"{table.name} needs the columns {', '.join(table.column_names)}"
            + (f"; column names are case-sensitive (found {', '.join(near)})." if near else "."),
            "missing_column"))
    if raw.frame.height == 0:
        problem = Problem(file, None, None, "has a header but no rows.",
                          f"add rows to {file} ({table.title}).", "no_rows")
        (report.error if table.name in MUST_HAVE_ROWS else report.warn)(problem)
    columns = [raw.frame.get_column(LINE).cast(pl.Int64)]
    for column in table.columns:
        if column.name not in found:
            columns.append(pl.Series(column.name, [None] * raw.frame.height,
                                     DTYPES[column.type]))
            continue
        values, errors, warnings = parse_column(raw, column, summary)
        columns.append(values)
        report.errors += errors
        report.warnings += warnings
    return pl.DataFrame(columns)


def _reference_set(ref: str, checked: dict[str, pl.DataFrame],
                   report: ValidationReport) -> tuple[frozenset[str], str] | None:
    """(valid codes, where they come from) for a column's `ref`, or None if not available."""
    if ref == "providers":
        if "providers" not in checked:
            return None
        return frozenset(checked["providers"]["provider_code"].drop_nulls()), report.files[
            "providers"].name
    if ref == "medicines_reference":
        if "medicines_reference" not in checked:
            return None
        return frozenset(checked["medicines_reference"]["vmp_code"].drop_nulls()), report.files[
            "medicines_reference"].name
    if ref == "categories":
        return frozenset(CATEGORY_IDS), "the category ids (packgen categories)"
    return reference.codes(ref), f"reference_data/{reference.REFERENCE_SETS[ref][0]}"


def _check_references(checked: dict[str, pl.DataFrame], report: ValidationReport) -> None:
    for name, frame in list(checked.items()):
        for column in TABLES_BY_NAME[name].columns:
            known = _reference_set(column.ref, checked, report) if column.ref else None
            if known is None:
                continue
            valid, source = known
            bad = frame.filter(pl.col(column.name).is_not_null()
                               & ~pl.col(column.name).is_in(list(valid)))
            if column.ref == "providers" and bad.height:
                # A return's rows of a trust the bundle does not list (one that merged or
                # closed after the return's year) are left out and counted, not an error: real
                # returns and trust lists are seldom of the same year.
                codes = sorted(set(bad.get_column(column.name)))
                shown = ", ".join(codes[:12]) + (f" and {len(codes) - 12} more"
                                                 if len(codes) > 12 else "")
                report.warn(Problem(
                    report.files[name].name, int(bad.get_column(LINE).min()), column.name,
                    f"{bad.height:,} row{'s' * (bad.height != 1)} of {len(codes):,} "
                    f"provider{'s' * (len(codes) != 1)} not in {source} left out: {shown}.",
                    "add the providers to providers.csv, or map merged trusts to their "
                    "successor in successors.csv, if their rows should count.",
                    "unknown_provider"))
                frame = checked[name] = frame.filter(
                    pl.col(column.name).is_null() | pl.col(column.name).is_in(list(valid)))
                continue
            report.errors += value_problems(
                report.files[name].name, bad, column.name, column.name,
                lambda v, col=column.name, src=source: f"'{v}' is not a known {col} (not in "
                f"{src})",
                lambda v, ref=column.ref, ok=valid, src=source: _suggest(v, ref, ok, src),
                "unknown_code")


def _suggest(code: str, ref: str, valid: frozenset[str], source: str) -> str:
    """A hint for an unknown code: the current code for a legacy one, a near miss, or the list."""
    if ref == "departments":
        legacy = {old: r["department_code"] for r in reference.rows("departments")
                  for old in r["legacy_codes"].split(";") if old}
        if code in legacy:
            return f"'{code}' is an old NCC department code: use '{legacy[code]}'."
    for near in (code.upper(), code.lower(), code.removesuffix(".0"), code.lstrip("0")):
        if near != code and near in valid:
            return f"did you mean '{near}'? Codes are compared exactly."
    if ref == "providers":
        return f"add the provider to {source}, or correct the code."
    if len(valid) <= 30:
        return f"use one of: {', '.join(sorted(valid))}."
    return f"use a code listed in {source}."


def check_key(table: Table, file: str, frame: pl.DataFrame, report: ValidationReport) -> None:
    key = list(table.key)
    groups = (frame.drop_nulls(key).group_by(key, maintain_order=True)
              .agg(pl.col(LINE).sort()).filter(pl.col(LINE).list.len() > 1))
    for row in groups.iter_rows(named=True):
        lines = row[LINE]
        shown = ", ".join(f"{k}={row[k]}" for k in key)
        where = ", ".join(str(n) for n in lines[:-1]) + f" and {lines[-1]}"
        report.error(Problem(
            file, lines[1], None,
            f"duplicate row for {shown}: the same key is on lines {where}.",
            f"each {table.name} row must have a unique ({', '.join(key)}); remove or merge "
            "the duplicate rows.", "duplicate_key"))


# What NCC rows without activity are left out of, per table (engine/sql/staging/ncc.sql and
# productivity.sql use only rows with activity > 0).
LEFT_OUT_OF = {"ncc_costs": "the national mean unit costs and the cost indices",
               "ncc_costs_prior": "the prior period's unit costs (productivity growth)"}


def _check_cost_without_activity(checked: dict[str, pl.DataFrame],
                                 report: ValidationReport) -> None:
    """Rows with a cost but activity 0 or missing: the method cannot use them; say so, with £."""
    for name, used in LEFT_OUT_OF.items():
        if name not in checked:
            continue
        rows = checked[name].filter(
            (pl.col("activity").is_null() | (pl.col("activity") == 0))
            & (pl.col("actual_cost_gbp") > 0)).sort(LINE)
        if not rows.height:
            continue
        lines = rows.get_column(LINE).head(4).to_list()
        total = rows.get_column("actual_cost_gbp").sum()
        report.warn(Problem(
            report.files[name].name, lines[0], "activity",
            f"{rows.height:,} row{'s' * (rows.height != 1)} with a cost but no activity (0, "
            f"blank or suppressed) left out of {used}: £{total:,.0f} of cost"
            f"{also_on(lines, rows.height)}.",
            "give the activity of these rows where it is known: a cost without activity has no "
            "unit cost.", "cost_without_activity"))


def _check_own_currencies(checked: dict[str, pl.DataFrame], report: ValidationReport) -> None:
    """Department x currency pairs only one provider has, with no national unit cost given:
    the national mean is that provider's own unit cost, so its cost index there is 1."""
    if "ncc_costs" not in checked:
        return
    pair = ["department_code", "currency_code"]
    own = (checked["ncc_costs"]
           .filter((pl.col("activity") > 0) & pl.col("actual_cost_gbp").is_not_null())
           .drop_nulls(["provider_code", *pair])
           .group_by(pair).agg(pl.col("provider_code").n_unique().alias("providers"),
                               pl.col("provider_code").first(), pl.col(LINE).min(),
                               pl.len().alias("rows"))
           .filter(pl.col("providers") == 1).sort(LINE))
    given = "national_unit_costs" in checked
    if given:
        own = own.join(checked["national_unit_costs"].select(pair), on=pair, how="anti")
    if not own.height:
        return
    rows = int(own.get_column("rows").sum())
    shown = ", ".join(f"{d} {c} ({p})" for d, c, p in
                      own.select(*pair, "provider_code").head(8).iter_rows())
    more = f" and {own.height - 8:,} more" if own.height > 8 else ""
    schedule = ("national_unit_costs does not give" if given
                else "no national_unit_costs table gives")
    report.warn(Problem(
        report.files["ncc_costs"].name, int(own.get_column(LINE).min()), "currency_code",
        f"{rows:,} row{'s' * (rows != 1)} of {own.height:,} department x currency "
        f"pair{'s' * (own.height != 1)} that only one provider has and {schedule}: each is "
        f"benchmarked against the provider's own unit cost, so it cannot show an opportunity: "
        f"{shown}{more}.",
        "check these currency codes (a mistyped code makes a currency of its own), or give the "
        "national schedule as national_unit_costs.", "own_currency"))


def _check_best_value(checked: dict[str, pl.DataFrame], report: ValidationReport) -> None:
    if "medicines_reference" not in checked:
        return
    file = report.files["medicines_reference"].name
    molecules = (checked["medicines_reference"].filter(pl.col("molecule").is_not_null())
                 .group_by("molecule", maintain_order=True)
                 .agg(pl.col(LINE).first().alias("first"),
                      pl.col(LINE).filter(pl.col("is_best_value")).alias("best"))
                 .filter(pl.col("best").list.len() != 1))
    for molecule, first, best in molecules.iter_rows():
        if not best:
            report.error(Problem(
                file, first, "is_best_value", f"molecule '{molecule}' has no best-value product.",
                "mark exactly one product of each molecule with is_best_value = true.",
                "best_value"))
        else:
            report.error(Problem(
                file, best[1], "is_best_value",
                f"molecule '{molecule}' has {len(best)} best-value products (lines "
                f"{', '.join(str(n) for n in best)}).",
                "mark exactly one product of each molecule with is_best_value = true.",
                "best_value"))


def _check_unit_values(checked: dict[str, pl.DataFrame], report: ValidationReport) -> None:
    """A unit value not given is a note: the gaps it would price are shown, not priced."""
    present = (set(checked["unit_values"]["key"].drop_nulls()) if "unit_values" in checked
               else set())
    missing = [f"{row['key']} ({row['unit']})" for row in reference.rows("unit_value_keys")
               if row["key"] not in present]
    if missing:
        report.notes.append(
            f"unit values not given: {', '.join(missing)}; the gaps they price are shown in "
            "their own units, not in pounds (add them to unit_values.csv).")


def _check_sectors(checked: dict[str, pl.DataFrame], report: ValidationReport) -> None:
    """Sector-specific tables should describe providers of their sectors only (a warning)."""
    if "providers" not in checked:
        return
    providers = checked["providers"].select("provider_code", "sector", "peer_group").drop_nulls(
        "provider_code").unique("provider_code", keep="first")
    for name, frame in checked.items():
        table = TABLES_BY_NAME[name]
        if table.sectors == SECTORS or "provider_code" not in table.column_names:
            continue
        bad = frame.join(providers, on="provider_code", how="inner").filter(
            pl.col("sector").is_in(SECTORS) & ~pl.col("sector").is_in(table.sectors)).sort(LINE)
        if not bad.height:
            continue
        # one warning per file: a national return (SCMD) holds every sector's trusts
        trusts = bad.unique("provider_code", maintain_order=True)
        listed = ", ".join(f"{code} ({sector.replace('_', ' ')})" for code, sector in
                           trusts.select("provider_code", "sector").head(8).iter_rows())
        more = f" and {trusts.height - 8} more" if trusts.height > 8 else ""
        report.warn(Problem(
            report.files[name].name, int(bad.get_column(LINE).min()), "provider_code",
            f"{bad.height:,} row{'s' * (bad.height != 1)} of {trusts.height:,} provider"
            f"{'s' * (trusts.height != 1)} of other sectors ({listed}{more}): {table.name} "
            f"describes {' and '.join(table.sectors)} providers only.",
            "check the provider codes or their sectors in providers; rows of other sectors "
            "are not benchmarked in this category.", "wrong_sector"))
    _check_peer_groups(checked, report)


def _check_peer_groups(checked: dict[str, pl.DataFrame], report: ValidationReport) -> None:
    allowed = {r["peer_group"]: r["sectors"].split(";") for r in reference.rows("peer_groups")}
    file = report.files["providers"].name
    for line, code, sector, group in checked["providers"].select(
            LINE, "provider_code", "sector", "peer_group").iter_rows():
        if sector and group in allowed and sector not in allowed[group]:
            report.warn(Problem(
                file, line, "peer_group",
                f"provider {code} is {sector}, but peer group '{group}' is for "
                f"{' and '.join(allowed[group])} trusts.",
                "check the sector and the peer group (ERIC trust type).", "peer_group_sector"))

