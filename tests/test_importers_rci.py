"""Reference cost index -> providers: MFF as published, peer group and sector only where blank."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from packgen.cli import cli
from packgen.errors import InputError
from packgen.importers import import_source
from tests.test_importers_common import by_key, read_table, real

HEADER = ("provider_code,provider_name,sector,peer_group,region_code,icb_code,income_gbp,"
          "pay_bill_gbp,operating_cost_gbp,mff\n")


def providers(tmp_path, *rows: str):
    (tmp_path / "providers.csv").write_text(HEADER + "".join(r + "\n" for r in rows),
                                            encoding="utf-8")


def test_real_file_mff_peer_groups_and_sectors(tmp_path):
    providers(tmp_path,
              "RJ1,GUY'S AND ST THOMAS',,,Y56,QKK,,,,",
              "RT2,PENNINE CARE,,,Y62,QOP,,,,1.0",
              "RGR,WEST SUFFOLK,community,ACUTE - MEDIUM,Y61,QJG,5,,,",
              "REN,CLATTERBRIDGE,,,Y62,QYG,,,,",
              "RX6,NORTH EAST AMBULANCE,,,Y63,QHM,,,,",
              "ZZZ,NOT IN RCI,,,Y56,QKK,,,,1.1")
    report = import_source("rci", [real("rci_2015_16_org.csv")], tmp_path)
    _, rows = read_table(tmp_path / "providers.csv")
    got = by_key(rows, "provider_code")
    assert got["RJ1"]["mff"] == "1.27702912"  # exactly as published
    assert (got["RJ1"]["peer_group"], got["RJ1"]["sector"]) == ("ACUTE - TEACHING", "acute")
    assert got["RT2"]["mff"] == "1.051320001"
    assert (got["RT2"]["peer_group"], got["RT2"]["sector"]) == (
        "MENTAL HEALTH AND LEARNING DISABILITY", "mental_health")
    # what the user set is kept; only the MFF is replaced
    assert (got["RGR"]["peer_group"], got["RGR"]["sector"]) == ("ACUTE - MEDIUM", "community")
    assert got["RGR"]["mff"] == "1.043771894" and got["RGR"]["income_gbp"] == "5"
    assert (got["REN"]["peer_group"], got["REN"]["sector"]) == (
        "ACUTE - SPECIALIST", "specialist")  # RCI peer group CANCER
    assert (got["RX6"]["peer_group"], got["RX6"]["sector"]) == ("AMBULANCE", "ambulance")
    assert got["ZZZ"]["mff"] == "1.1" and list(got) == ["RJ1", "RT2", "RGR", "REN", "RX6", "ZZZ"]
    text = report.render()
    assert "mff written for 5 of 6 listed trusts" in text
    assert "1 trusts kept the peer group they had" in text
    assert "1 trusts are not in the RCI file (kept as they were): ZZZ" in text
    assert "232 RCI trusts are not in providers.csv: not added" in text
    assert report.period == "2015/16"
    _, log = read_table(tmp_path / "import_log.csv")
    assert [(r["table"], r["source"], r["period"], r["file"], r["rows"]) for r in log] == [
        ("providers", "rci", "2015/16", "rci_2015_16_org.csv", "5")]


def test_every_rci_peer_group_and_type_maps_to_a_peer_group(tmp_path):
    codes = [line.split(",")[0].strip('"')
             for line in real("rci_2015_16_org.csv").read_text().splitlines()[1:]]
    providers(tmp_path, *(f"{c},x,,,Y56,QKK,,,," for c in codes))
    report = import_source("rci", [real("rci_2015_16_org.csv")], tmp_path)
    _, rows = read_table(tmp_path / "providers.csv")
    assert len(rows) == 237 and all(r["peer_group"] and r["sector"] and r["mff"] for r in rows)
    counts = {}
    for r in rows:
        counts[r["peer_group"]] = counts.get(r["peer_group"], 0) + 1
    assert counts == {"MENTAL HEALTH AND LEARNING DISABILITY": 56, "ACUTE - SMALL": 43,
                      "ACUTE - MEDIUM": 56, "ACUTE - TEACHING": 28, "ACUTE - LARGE": 9,
                      "COMMUNITY": 17, "AMBULANCE": 10, "ACUTE - SPECIALIST": 18}
    assert not report.counted_notes  # no NA MFF, no unmapped group


def test_needs_providers_csv_and_names_the_bad_cell(tmp_path):
    with pytest.raises(InputError, match=r"providers\.csv: not found"):
        import_source("rci", [real("rci_2015_16_org.csv")], tmp_path)
    providers(tmp_path, "RAA,x,,,Y56,QKK,,,,")
    bad = tmp_path / "rci_bad.csv"
    bad.write_text('"Org.Code","MFF","Peer.Group","Org.Type"\r\n"RAA",NA,"LARGE","Acute"\r\n'
                   '"RBB",-1,"LARGE","Acute"\r\n')
    with pytest.raises(InputError, match=r"rci_bad\.csv: line 3, column 2 \(MFF\): '-1'"):
        import_source("rci", [bad], tmp_path)


def test_missing_mff_is_not_written_and_the_cli_lists_rci(tmp_path):
    providers(tmp_path, "RAA,x,acute,,Y56,QKK,,,,1.2")
    path = tmp_path / "rci_2015_16.csv"
    path.write_text('"Org.Code","MFF","Peer.Group","Org.Type"\r\n"RAA",NA,"LARGE","Acute"\r\n')
    result = CliRunner().invoke(cli, ["import", "rci", str(path), "--into", str(tmp_path)])
    assert result.exit_code == 0, result.output
    _, rows = read_table(tmp_path / "providers.csv")
    assert (rows[0]["mff"], rows[0]["peer_group"], rows[0]["sector"]) == (
        "1.2", "ACUTE - LARGE", "acute")
    assert "1 organisations with no MFF (NA): mff not written" in result.output
    help_text = CliRunner().invoke(cli, ["import", "--help"]).output
    assert "rci " in help_text and "Reference cost index" in help_text
