"""Recalculate workbooks in LibreOffice and report every check cell that is not 0 and every error.

The workbooks packgen writes hold formulas without cached values. LibreOffice (headless `soffice`)
loads each one with recalculation forced on (a throw-away user profile sets Calc's "recalculation
on file load" to Always, so a cached value could never be read back as a result), saves a copy,
and this module reads the copy's values:

- check cells: the data cells of every table column whose header starts with "Check:", and the
  value beside every label cell starting with "Check:" outside tables; each must be a number
  within 0.01 of 0 (a table's check column may also be blank, for a row with nothing to
  recompute);
- errors: any cell holding an error value (#DIV/0!, #VALUE!, #REF!, #NAME?, #N/A, ...).

Use from tests (`recalculate`, `check_workbook`) or on a national run:

    .venv/bin/python -m tests.recalc output/run

which recalculates every workbook under the folder and prints each problem; it exits 1 if any.
"""

from __future__ import annotations

import argparse
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
from openpyxl.utils.cell import range_boundaries

TOLERANCE = 0.01
CHECK_PREFIX = "Check:"  # a check label or column header
BATCH = 25  # workbooks per soffice process

# Calc's "Recalculation on File Load": 0 = always (1 = never, 2 = ask), for Excel and ODF files.
_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}


@dataclass
class Problem:
    sheet: str
    cell: str
    kind: str  # "check" (not 0), "error" (error value), "blank check"
    value: object

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}: {self.kind} {self.value!r}"


@dataclass
class Report:
    path: Path
    checks: int = 0  # check cells holding a number
    problems: list[Problem] = field(default_factory=list)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> None:
    """In a test: fail under CI (env CI set) when LibreOffice is missing, else skip."""
    import pytest

    if soffice() is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is missing under CI: .ci/run installs "
                        "libreoffice-calc-nogui")
        pytest.skip("LibreOffice (soffice) not installed")


def recalculate(paths: Sequence[Path], outdir: Path, *, jobs: int = 1,
                timeout: float = 900) -> dict[Path, Path]:
    """Recalculated copies of `paths` in `outdir` (input -> copy), by headless LibreOffice.

    Names must be unique: copies keep the file name. Raises if soffice is missing or a copy is
    not written.
    """
    return convert(paths, outdir, "xlsx", "Calc MS Excel 2007 XML", jobs=jobs, timeout=timeout)


def to_pdf(paths: Sequence[Path], outdir: Path, *, timeout: float = 900) -> dict[Path, Path]:
    """Each workbook printed to PDF by LibreOffice, with its own print settings."""
    return convert(paths, outdir, "pdf", "calc_pdf_Export", timeout=timeout)


def convert(paths: Sequence[Path], outdir: Path, extension: str, export_filter: str, *,
            jobs: int = 1, timeout: float = 900) -> dict[Path, Path]:
    """Load each workbook in headless LibreOffice (recalculating every formula) and save it
    with `export_filter` as `outdir/<stem>.<extension>`; returns input -> output."""
    program = soffice()
    if program is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    stems = [p.stem for p in paths]
    if len(set(stems)) != len(stems):
        raise ValueError("workbook file names must be unique")
    outdir.mkdir(parents=True, exist_ok=True)
    batches = [list(paths[i:i + BATCH]) for i in range(0, len(paths), BATCH)]
    with tempfile.TemporaryDirectory(prefix="packgen-lo-") as scratch:
        def run(numbered: tuple[int, list[Path]]) -> None:
            number, batch = numbered
            profile = Path(scratch) / f"profile-{number}"
            (profile / "user").mkdir(parents=True)
            (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE)
            subprocess.run(
                [program, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                 "--norestore", "--convert-to", f"{extension}:{export_filter}",
                 "--outdir", str(outdir), *map(str, batch)],
                check=True, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)

        with ThreadPoolExecutor(max(1, jobs)) as pool:
            list(pool.map(run, enumerate(batches)))
    copies = {p: outdir / f"{p.stem}.{extension}" for p in paths}
    missing = [str(p) for p, copy in copies.items() if not copy.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice wrote no {extension} of {missing}")
    return copies


_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def pdf_pages(path: Path) -> int:
    """Pages of a PDF LibreOffice wrote (its page objects are not compressed)."""
    return len(_PAGE.findall(path.read_bytes()))


def table_ranges(path: Path) -> dict[str, list[tuple[str, int, int, int, int]]]:
    """Sheet title -> its tables as (ref, min_col, min_row, max_col, max_row), read from the
    package parts (a large workbook need not be loaded to find its tables)."""
    tables: dict[str, list[tuple[str, int, int, int, int]]] = {}
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        targets = _relationships(archive, "xl/workbook.xml")
        for sheet in book.iterfind("m:sheets/m:sheet", _NS):
            part = targets[sheet.get(f"{{{_NS['r']}}}id")]
            found = []
            for table_part in _relationships(archive, part).values():
                if table_part in names and "/tables/" in table_part:
                    ref = ElementTree.fromstring(archive.read(table_part)).get("ref")
                    found.append((ref, *range_boundaries(ref)))
            tables[sheet.get("name")] = found
    return tables


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in archive.namelist():
        return {}
    out = {}
    for rel in ElementTree.fromstring(archive.read(rels)).iterfind("rel:Relationship", _NS):
        target = rel.get("Target")
        out[rel.get("Id")] = (target.lstrip("/") if target.startswith("/")
                              else posixpath.normpath(posixpath.join(folder, target)))
    return out


def check_workbook(recalculated: Path, original: Path | None = None) -> Report:
    """Every check cell that is not 0, and every error value, in a recalculated workbook."""
    report = Report(original or recalculated)
    tables = table_ranges(recalculated)
    workbook = openpyxl.load_workbook(recalculated, read_only=True, data_only=True)
    try:
        for ws in workbook.worksheets:
            _check_sheet(ws, tables.get(ws.title, []), report)
    finally:
        workbook.close()
    return report


def _check_sheet(ws, tables, report: Report) -> None:
    header_rows = {min_row: (min_col, max_col, max_row)
                   for _ref, min_col, min_row, max_col, max_row in tables}
    check_columns: dict[int, int] = {}  # column -> last data row of its table
    for row in ws.iter_rows():
        cells = [c for c in row if getattr(c, "column", None) is not None]
        if not cells:
            continue
        number = cells[0].row
        by_column = {c.column: c for c in cells}
        for cell in cells:
            value = cell.value
            if cell.data_type == "e" or _is_error_text(value):
                report.problems.append(Problem(ws.title, cell.coordinate, "error", value))
        if number in header_rows:
            min_col, max_col, max_row = header_rows[number]
            for column in range(min_col, max_col + 1):
                header = by_column.get(column)
                if header is not None and _is_check_label(header.value):
                    check_columns[column] = max_row
            continue
        for column, last in check_columns.items():
            cell = by_column.get(column)
            if number <= last and cell is not None and cell.value not in (None, ""):
                _record_check(ws.title, cell, report)
        for cell in cells:
            if _is_check_label(cell.value) and not _in_table(tables, cell):
                neighbour = by_column.get(cell.column + 1)
                if neighbour is None or neighbour.value in (None, ""):
                    coordinate = f"{_letter(cell.column + 1)}{number}"
                    report.problems.append(Problem(ws.title, coordinate, "blank check", None))
                else:
                    _record_check(ws.title, neighbour, report)


def _record_check(sheet: str, cell, report: Report) -> None:
    value = cell.value
    if cell.data_type == "e" or _is_error_text(value):
        return  # already reported as an error
    if isinstance(value, bool) or not isinstance(value, int | float):
        report.problems.append(Problem(sheet, cell.coordinate, "check not a number", value))
        return
    report.checks += 1
    if abs(value) >= TOLERANCE:
        report.problems.append(Problem(sheet, cell.coordinate, "check", value))


_ERROR = re.compile(r"#(DIV/0!|VALUE!|REF!|NAME\?|N/A|NUM!|NULL!)")


def _is_error_text(value: object) -> bool:
    return isinstance(value, str) and _ERROR.fullmatch(value) is not None


def _is_check_label(value: object) -> bool:
    return isinstance(value, str) and value.startswith(CHECK_PREFIX)


def _in_table(tables, cell) -> bool:
    return any(min_col <= cell.column <= max_col and min_row <= cell.row <= max_row
               for _ref, min_col, min_row, max_col, max_row in tables)


def _letter(column: int) -> str:
    return openpyxl.utils.get_column_letter(column)


def recalculate_and_check(paths: Sequence[Path], outdir: Path, *, jobs: int = 1,
                          ) -> list[Report]:
    copies = recalculate(paths, outdir, jobs=jobs)
    return [check_workbook(copies[p], p) for p in paths]


def workbooks_under(folder: Path) -> Iterator[Path]:
    yield from sorted(p for p in folder.rglob("*.xlsx") if not p.name.startswith("~$"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.recalc", description="Recalculate every workbook under a folder "
        "in LibreOffice and report non-zero check cells and error values.")
    parser.add_argument("folder", type=Path, help="e.g. output/run")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="soffice processes at once")
    args = parser.parse_args(argv)
    paths = list(workbooks_under(args.folder))
    if not paths:
        print(f"no workbooks under {args.folder}", file=sys.stderr)
        return 1
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="packgen-recalc-") as scratch:
        # File names repeat across folders only by accident; copy under unique names.
        unique = Path(scratch) / "in"
        unique.mkdir()
        renamed = {}
        for number, path in enumerate(paths):
            copy = unique / f"{number:05d}-{path.name}"
            shutil.copyfile(path, copy)
            renamed[copy] = path
        reports = recalculate_and_check(list(renamed), Path(scratch) / "out", jobs=args.jobs)
    failing = 0
    checks = 0
    for report in reports:
        checks += report.checks
        if report.problems:
            failing += 1
            print(f"{renamed[report.path]}: {len(report.problems)} problem(s)")
            for problem in report.problems[:20]:
                print(f"  {problem}")
            if len(report.problems) > 20:
                print(f"  ... and {len(report.problems) - 20} more")
    print(f"{len(reports)} workbooks recalculated in {time.monotonic() - started:.0f} s; "
          f"{checks:,} check cells; {failing} workbook(s) with non-zero checks or errors")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
