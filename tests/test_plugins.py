"""Categories are plug-ins: one TOML definition and one SQL file make a category, with no other
file changed; renderers and the pack model never name a category."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from packgen.categories import load_definitions

PACKAGE = Path(__file__).resolve().parent.parent / "packgen"


def test_no_category_id_in_templates_renderers_or_the_pack_model():
    """Templates and renderers key off the section (and its drill-down's kind), never a
    category id; in packgen/pack only a category's own drill-down module may name one."""
    ids = [d.id for d in load_definitions()]
    # an id with an underscore anywhere; a plain word ("medicines") only as a quoted string
    pattern = re.compile("|".join(rf"\b{re.escape(i)}\b" if "_" in i else rf"['\"]{i}['\"]"
                                  for i in ids))
    places = [*PACKAGE.joinpath("templates").rglob("*.j2"), *PACKAGE.joinpath("render").rglob(
        "*.py"), *(p for p in PACKAGE.joinpath("pack").rglob("*.py") if "drilldowns" not in
                   p.parts)]
    found = [f"{p.relative_to(PACKAGE)}:{n}: {line.strip()}" for p in places
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if pattern.search(line) and not line.lstrip().startswith("#")]
    assert not found, "\n".join(found)


def _run(args: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "packgen", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    return done


@pytest.mark.slow
def test_a_category_is_one_toml_and_one_sql_file(tmp_path):
    """A copy of community_dna under a new id and code, added as two files to a copy of the
    package, appears in `packgen categories`, the data contract's "Used by", `compute --csv`, a
    community trust's PDF, HTML and workbook, and is accepted by check-plans."""
    package = tmp_path / "site" / "packgen"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    definitions, sql = package / "categories" / "definitions", package / "categories" / "sql"
    toml = (definitions / "community_dna.toml").read_text(encoding="utf-8")
    toml = toml.replace('id = "community_dna"', 'id = "community_dna_copy"', 1)
    toml = toml.replace('code = "PG-CO-02"', 'code = "PG-CO-99"', 1)
    toml = re.sub(r'^title = ".*"$', 'title = "Community appointments missed, a copy"', toml,
                  count=1, flags=re.M)
    toml = re.sub(r'^short_title = ".*"$', 'short_title = "DNA copy"', toml, count=1,
                  flags=re.M)
    toml = toml.replace('sql = "community_dna.sql"', 'sql = "community_dna_copy.sql"', 1)
    (definitions / "community_dna_copy.toml").write_text(toml, encoding="utf-8")
    shutil.copy(sql / "community_dna.sql", sql / "community_dna_copy.sql")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    work = tmp_path / "work"
    work.mkdir()

    listed = _run(["categories"], work, env).stdout
    assert "community_dna_copy" in listed and "PG-CO-99" in listed
    contract = _run(["contract", "--markdown"], work, env).stdout
    appointments = contract.split("### community_appointments\n", 1)[1].split("\n### ", 1)[0]
    assert "`community_dna_copy`" in appointments  # its "Used by"
    _run(["generate-data", "data", "--seed", "4", "--scale", "0.05"], work, env)
    _run(["compute", "data", "--csv", "results.csv", "--db", "store.duckdb"], work, env)
    with open(work / "results.csv", encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["category"] == "community_dna_copy"]
    with open(work / "results.csv", encoding="utf-8", newline="") as fh:
        originals = [r for r in csv.DictReader(fh) if r["category"] == "community_dna"]
    assert rows and len(rows) == len(originals)
    assert sorted(r["opportunity_gbp"] for r in rows) == sorted(
        r["opportunity_gbp"] for r in originals)

    code = rows[0]["provider_code"]
    _run(["build", "data", "--out", "run", "--provider", code, "--workers", "1", "-q"], work,
         env)
    folder = work / "run" / "providers" / code
    html = (folder / f"{code}-opportunity-pack.html").read_text(encoding="utf-8")
    assert "Community appointments missed, a copy" in html and "PG-CO-99" in html
    assert (folder / f"{code}-opportunity-pack.pdf").stat().st_size > 1000
    with zipfile.ZipFile(folder / f"{code}-opportunity-pack.xlsx") as book:
        workbook_xml = book.read("xl/workbook.xml").decode()
    assert 'name="DNA copy"' in workbook_xml

    plans = work / "plans.csv"
    plans.write_text("provider_code,category,planned_saving_gbp,planned_productivity_growth\n"
                     f"{code},community_dna_copy,1000,0.02\n", encoding="utf-8")
    _run(["check-plans", "data", str(plans), "--db", "store.duckdb", "--out", "checks",
          "--no-pdf"], work, env)
