"""ODS `etr.csv` (NHS trusts) -> a `providers` skeleton.

The file is headerless with 27 quoted fields per row (ODS standard layout): 0 code, 1 name,
2 NHS England region (`Y56`..`Y63`, `W00` Wales), 3 ICB (`Q..`), 11 close date. Closed trusts
(close date present) and Welsh rows are dropped and counted. Only code, name, region and ICB
come from ODS: sector, peer group, income, pay bill, operating cost and MFF are left blank for
the user (or `packgen import eric` / `ncc`) to fill. An existing providers.csv keeps those columns
for the trusts it already has.
"""

from __future__ import annotations

import re
from pathlib import Path

from packgen import reference
from packgen.errors import InputError
from packgen.importers import bundle
from packgen.importers.common import ImportReport, cell, read_rows

ODS_FIELDS = 27
CODE, NAME, REGION, ICB, CLOSE_DATE = 0, 1, 2, 3, 11
WALES = "W00"
ODS_COLUMNS = ("provider_code", "provider_name", "region_code", "icb_code")


def run(files: list[Path], data_dir: Path, **_options) -> ImportReport:
    report = ImportReport("ods")
    regions = reference.codes("regions")
    updates: dict[str, dict[str, str]] = {}
    for path in files:
        source = read_rows(path, delimiter=",")
        for line, cells in source.rows:
            if len(cells) != ODS_FIELDS or not re.fullmatch(r"[A-Z0-9]{3,6}", cell(cells, CODE)):
                raise InputError(
                    f"{path}: line {line}: not an ODS etr row ({len(cells)} fields, first "
                    f"{cell(cells, CODE)[:20]!r}). Expected {ODS_FIELDS} headerless fields: "
                    "organisation code, name, region code, ICB code, address 1-5, postcode, "
                    "open date, close date, ...",
                    "Use the etr.csv extract from the ODS data downloads, unedited.")
            report.rows_in["providers"] += 1
            region = cell(cells, REGION)
            if cell(cells, CLOSE_DATE):
                report.drop("closed trusts (close date present)")
                continue
            if region == WALES:
                report.drop("Welsh rows (region W00)")
                continue
            if region not in regions:
                report.note_count(f"trusts with region code {region or 'blank'} not in "
                                  "reference_data/regions.csv (kept)")
            code = cell(cells, CODE)
            if code in updates:
                report.drop("repeated organisation codes (first kept)")
                continue
            updates[code] = {"provider_name": cell(cells, NAME), "region_code": region,
                             "icb_code": cell(cells, ICB)}
        report.inputs.append(("providers", source, len(source.rows)))
    path = data_dir / "providers.csv"
    existed = path.exists()
    columns = bundle.contract_table("providers").column_names
    if (data_dir / "providers.parquet").exists():
        raise InputError(f"{data_dir / 'providers.parquet'}: the folder already holds providers "
                         "as parquet; an import writes CSV", "Remove or rename it first.")
    updated, added = bundle.merge_keyed_csv(path, columns, "provider_code", updates)
    report.rows_out["providers"] = len(updates)
    if existed:
        report.note(f"providers.csv existed: {updated} trusts updated (name, region, ICB), "
                    f"{added} added, other columns and other trusts kept")
    report.note("sector, peer_group, income_gbp, pay_bill_gbp, operating_cost_gbp and mff are "
                "not in ODS: left blank for new trusts - fill them in (ERIC gives trust types "
                "in eric_peer_groups.csv; `packgen import ncc` derives the MFF)")
    return report
