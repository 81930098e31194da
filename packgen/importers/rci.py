"""Reference cost index (RCI) by organisation -> the MFF, peer group and sector in `providers`.

The organisation-level RCI file of the reference costs (Department of Health, NHS Improvement)
gives each trust's market forces factor (`MFF`), its reference-cost peer group (`Peer.Group`) and
type (`Org.Type`), its total expenditure and index. It is merged into the folder's providers.csv
(which must exist: list the trusts first with `packgen import ods`): the `mff` of every listed
trust in the file is replaced, and `peer_group` and `sector` are each written only where they
are blank (an ERIC peer group or the user's choice is kept). RCI's peer groups are size bands of the
reference costs; they are mapped to the ERIC trust types of reference_data/peer_groups.csv by
`PEER_GROUPS` (acute size bands to ACUTE - SMALL / MEDIUM / LARGE, teaching, the specialist
groups to ACUTE - SPECIALIST, ...), with `Org.Type` deciding where the peer group is blank. No
trust is added and the other columns are left alone. `NA` is missing; the MFF keeps every
published decimal. The period is the reference-cost year of the file name (e.g. 2015-16).
"""

from __future__ import annotations

from pathlib import Path

from packgen import reference
from packgen.errors import InputError
from packgen.importers import bundle
from packgen.importers.bundle import listed
from packgen.importers.common import (
    ImportReport,
    Layout,
    normalise_header,
    period_of_files,
    read_table,
)
from packgen.importers.eric import sector_of_peer_group

PUBLISHER = "Department of Health and NHS Improvement"
TITLE = "Reference costs: organisation-level reference cost index (RCI) and MFF"
LAYOUT = Layout(
    aliases={
        "provider_code": ("Org.Code", "Org Code", "Organisation Code", "Provider Code"),
        "mff": ("MFF", "Market Forces Factor"),
        "peer_group": ("Peer.Group", "Peer Group"),
        "org_type": ("Org.Type", "Org Type", "Organisation Type"),
    },
    key="provider_code",
    optional=("peer_group", "org_type"),
    hint="Give the organisation-level reference cost index file (Org.Code, MFF, Peer.Group, "
         "Org.Type, Total.Exp, RCI, ...).",
)
# RCI peer group (normalised) -> ERIC trust type of reference_data/peer_groups.csv
PEER_GROUPS = {
    "SMALL - SINGLE SITE": "ACUTE - SMALL", "SMALL - MULTI SITE": "ACUTE - SMALL",
    "MEDIUM - SINGLE SITE": "ACUTE - MEDIUM", "MEDIUM - MULTI SITE": "ACUTE - MEDIUM",
    "LARGE": "ACUTE - LARGE", "TEACHING": "ACUTE - TEACHING",
    "CHILDREN": "ACUTE - SPECIALIST", "CANCER": "ACUTE - SPECIALIST",
    "HEART": "ACUTE - SPECIALIST", "ORTHOPAEDICS": "ACUTE - SPECIALIST",
    "WOMENS": "ACUTE - SPECIALIST", "EYE": "ACUTE - SPECIALIST", "NEURO": "ACUTE - SPECIALIST",
    "SPECIALIST OTHER": "ACUTE - SPECIALIST",
    "MENTAL HEALTH": "MENTAL HEALTH AND LEARNING DISABILITY",
    "COMMUNITY": "COMMUNITY", "AMBULANCE": "AMBULANCE",
}
# RCI organisation type -> ERIC trust type, where the peer group does not say
ORG_TYPES = {
    "Acute - specialist children": "ACUTE - SPECIALIST",
    "Acute - specialist other": "ACUTE - SPECIALIST",
    "Mental health": "MENTAL HEALTH AND LEARNING DISABILITY",
    "Community": "COMMUNITY", "Ambulance": "AMBULANCE",
}


def _lookup(table: dict[str, str], text: str) -> str | None:
    wanted = normalise_header(text)
    return next((v for k, v in table.items() if normalise_header(k) == wanted), None)


def run(files: list[Path], data_dir: Path, **_options) -> ImportReport:
    report = ImportReport("rci", PUBLISHER, TITLE, period_of_files(files))
    path = bundle.providers_csv(data_dir, "the RCI import writes MFF and peer groups into it")
    known_groups = reference.codes("peer_groups")
    sectors = sector_of_peer_group()
    rci: dict[str, dict[str, str]] = {}
    sources = []
    for file in files:
        table = read_table(file, LAYOUT, report)
        sources.append(table.source)
        report.rows_in["providers"] += len(table.rows)
        for row in table.rows:
            code = row.text("provider_code").upper()
            if not code:
                report.drop("rows without an organisation code")
                continue
            report.described.add(code)
            mff = row.text("mff")
            if row.number("mff") is None:
                report.note_count("organisations with no MFF (NA): mff not written")
                mff = ""
            elif row.number("mff") <= 0:
                raise row.error("mff", f"{mff!r}: a market forces factor must be positive")
            group_text, type_text = row.text("peer_group"), row.text("org_type")
            group = _lookup(PEER_GROUPS, group_text) or _lookup(ORG_TYPES, type_text)
            if group is None and (group_text or type_text):
                report.note_count(f"organisations of RCI peer group {group_text or 'blank'!r} / "
                                  f"type {type_text or 'blank'!r} with no ERIC peer group "
                                  "(peer_group not written)")
            if code in rci:
                report.drop("repeated organisation codes (first kept)")
                continue
            assert group is None or group in known_groups, group
            rci[code] = {"mff": mff, "peer_group": group or "", "rci_peer_group": group_text}
    if not rci:
        raise InputError(f"{files[0]}: no organisation rows", LAYOUT.hint)
    _, providers = bundle.read_csv(path)
    updates: dict[str, dict[str, str]] = {}
    peer_written, peer_kept, absent = [], 0, []
    for provider in providers:
        code = provider.get("provider_code", "")
        found = rci.get(code)
        if found is None:
            absent.append(code)
            continue
        update = {"mff": found["mff"]} if found["mff"] else {}
        group = found["peer_group"]
        if group and not (provider.get("peer_group") or "").strip():
            update["peer_group"] = group
            peer_written.append(f"{code} {found['rci_peer_group']} -> {group}")
        elif group:
            peer_kept += 1
        if group and not (provider.get("sector") or "").strip():
            update["sector"] = sectors[group]
        if update:
            updates[code] = update
    bundle.merge_keyed_csv(path, bundle.contract_table("providers").column_names,
                           "provider_code", updates, add_new=False)
    report.wrote("providers", len(updates), sources)
    with_mff = sum(1 for u in updates.values() if "mff" in u)
    report.note(f"providers.csv: mff written for {with_mff} of {len(providers)} listed trusts "
                "(as published, every decimal kept)")
    if peer_written:
        report.note(f"providers.csv: peer_group (and sector where blank) written for "
                    f"{len(peer_written)} trusts that had none, from RCI's peer group: "
                    f"{listed(peer_written)}")
    if peer_kept:
        report.note(f"providers.csv: {peer_kept} trusts kept the peer group they had (RCI's is "
                    "written only where it is blank)")
    bundle.note_merge_coverage(report, "RCI", absent, set(rci), providers)
    return report
