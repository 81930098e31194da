"""ODS `etr.csv` (NHS trusts) -> a `providers` skeleton.

The file is headerless (ODS standard layout): 0 code, 1 name, 2 region, 3 higher health
geography (ICB `Q..`), 10 open date, 11 close date, 23 government office region letter. Today's
extracts have 27 quoted fields; older ones 24, unquoted. Closed trusts (close date present) and
Welsh organisations are dropped and counted. Wales is recognised by its region `W00`, by a blank
region with the government office letter `W`, or by the code of a Welsh trust or health board
(`WELSH_CODES`, `7A1`-`7A7`). Extracts before 2018 carry the NHS England regions of 2013-2018
(`Y54`-`Y57`) and area teams (`Q70`...) where today's have ICBs: `Y56` London is today's `Y56`;
the others split into two or more of today's regions, so the region (and the area team, which
is no ICB) is left blank (counted) and an existing providers.csv keeps its own.
Only code, name, region and ICB come from ODS: sector, peer group, income, pay bill, operating
cost and MFF are left blank for the user (or `packgen import eric`, `rci`, `ncc`) to fill. An
existing providers.csv keeps those columns for the trusts it already has.
"""

from __future__ import annotations

import re
from pathlib import Path

from packgen import reference
from packgen.errors import InputError
from packgen.importers import bundle
from packgen.importers.common import ImportReport, Layout, period_of_files, read_table

PUBLISHER = "NHS England, Organisation Data Service (ODS)"
TITLE = "NHS trusts (etr)"
LAYOUT = Layout(
    positions={"provider_code": 0, "provider_name": 1, "region_code": 2, "icb_code": 3,
               "close_date": 11, "gor": 23},
    widths=(24, 27),
    delimiter=",",
    what="an ODS etr row",
    hint="Use the etr.csv extract from the ODS data downloads, unedited: headerless, 24 "
         "(older) or 27 fields: organisation code, name, region code, ICB code, address 1-5, "
         "postcode, open date, close date, ...",
)
WALES, WALES_GOR = "W00", "W"
# Welsh NHS trusts and local health boards that appear in ODS extracts (the latter in older ones)
WELSH_CODES = frozenset({"RQF", "RT4", "RYT", *(f"7A{n}" for n in range(1, 8))})
# NHS England regions of 2013-2018 that no longer exist: each spans two or more of today's
# (Y54 North of England: North West, North East and Yorkshire; Y55 Midlands and East: Midlands,
# East of England; Y57 South of England: South West, South East). Y56 London is unchanged.
OLD_REGIONS = {"Y54": "North of England", "Y55": "Midlands and East", "Y57": "South of England"}
# higher health geography codes of Q + two digits are the area teams (2013-2016) or strategic
# health authorities (before 2013) of old extracts, not integrated care boards
OLD_GEOGRAPHY = re.compile(r"Q\d\d")
ODS_COLUMNS = ("provider_code", "provider_name", "region_code", "icb_code")


def welsh_by(code: str, region: str, gor: str) -> str:
    """How a row is recognised as Welsh ('' when it is not)."""
    if region == WALES:
        return "region W00"
    if not region and gor == WALES_GOR:
        return "blank region, government office W"
    if code in WELSH_CODES:
        return "Welsh organisation code"
    return ""


def run(files: list[Path], data_dir: Path, **_options) -> ImportReport:
    report = ImportReport("ods", PUBLISHER, TITLE, period_of_files(files))
    regions = reference.codes("regions")
    updates: dict[str, dict[str, str]] = {}
    sources = []
    for path in files:
        table = read_table(path, LAYOUT, report)
        sources.append(table.source)
        for row in table.rows:
            code = row.text("provider_code")
            if not re.fullmatch(r"[A-Z0-9]{3,6}", code):
                raise row.error("provider_code", f"{code[:20]!r} is not an ODS organisation "
                                "code: this is not an ODS etr row", LAYOUT.hint)
            report.rows_in["providers"] += 1
            report.described.add(code)
            region = row.text("region_code")
            if row.text("close_date"):
                report.drop("closed trusts (close date present)")
                continue
            welsh = welsh_by(code, region, row.text("gor"))
            if welsh:
                report.drop(f"Welsh rows ({welsh})")
                continue
            if code in updates:
                report.drop("repeated organisation codes (first kept)")
                continue
            update = {"provider_name": row.text("provider_name")}
            icb = row.text("icb_code")
            if OLD_GEOGRAPHY.fullmatch(icb):
                report.note_count(f"trusts with the pre-ICB geography {icb} (an area team or "
                                  "health authority): icb_code left blank (or as "
                                  "providers.csv has it)")
            else:
                update["icb_code"] = icb
            if region in OLD_REGIONS:
                report.note_count(f"trusts with the 2013-2018 region {region} "
                                  f"({OLD_REGIONS[region]}), which spans several of today's "
                                  "regions: region_code left blank (or as providers.csv has "
                                  "it)")
            else:
                if region not in regions:
                    report.note_count(f"trusts with region code {region or 'blank'} not in "
                                      "reference_data/regions.csv (kept)")
                update["region_code"] = region
            updates[code] = update
    path = data_dir / "providers.csv"
    existed = path.exists()
    columns = bundle.contract_table("providers").column_names
    if (data_dir / "providers.parquet").exists():
        raise InputError(f"{data_dir / 'providers.parquet'}: the folder already holds providers "
                         "as parquet; an import writes CSV", "Remove or rename it first.")
    updated, added = bundle.merge_keyed_csv(path, columns, "provider_code", updates)
    report.wrote("providers", len(updates), sources)
    if existed:
        report.note(f"providers.csv existed: {updated} trusts updated (name, region, ICB), "
                    f"{added} added, other columns and other trusts kept")
    report.note("sector, peer_group, income_gbp, pay_bill_gbp, operating_cost_gbp and mff are "
                "not in ODS: left blank for new trusts - fill them in (`packgen import eric "
                "--apply-peer-groups` and `packgen import rci` give peer groups, sectors and MFF)")
    return report
