"""`packgen check-plans`: 2026/27 plans against the opportunities in the packs. Reuses (or loads
and computes) the store, builds every provider's pack model without its drill-down, checks the
plans (`packgen.run.plans`) and writes the workbook and the regional and system (ICB) PDFs
(`packgen.render.plan_checks`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from packgen.engine import RunParameters
from packgen.errors import PackgenError
from packgen.pack.build import build_pack, load_source
from packgen.render import plan_checks as report
from packgen.run import plans
from packgen.run.store_state import ensure_store
from packgen.store import open_store


@dataclass(frozen=True)
class PlanCheckResult:
    workbook: Path
    pdfs: list[Path]  # one per region
    summary: list[str]  # the lines printed on stdout
    system_pdfs: list[Path] = field(default_factory=list)  # one per system (ICB)


def run_plan_checks(data_dir: Path, plans_file: Path, out_dir: Path, db_path: Path,
                    params: RunParameters, thresholds: plans.Thresholds, pdf: bool = True,
                    say: Callable[[str], None] = lambda _m: None,
                    warn: Callable[[list], None] = lambda _w: None) -> PlanCheckResult:
    store = ensure_store(data_dir, db_path, params, say=say)
    warn(store.warnings)
    con = open_store(db_path, read_only=True)
    try:
        source = load_source(con, params, hrg_providers=())  # plan checks use totals only
    finally:
        con.close()
    table = plans.read_plans(plans_file, source.providers)
    if not table.height:
        raise PackgenError(f"the plans file {plans_file} has no rows",
                           "add one row per provider and category planned.")
    packs = [build_pack(source, code, detail=False) for code in sorted(source.providers)]
    checks = plans.check_plans(packs, table, thresholds)
    workbook = report.write_plan_workbook(out_dir / report.WORKBOOK_NAME, checks, source.run,
                                          plans_file)
    pdfs = report.write_region_pdfs(out_dir, checks, source.run) if pdf else []
    system_pdfs = report.write_system_pdfs(out_dir, checks, source.run) if pdf else []
    summary = report.summary_lines(checks)
    if system_pdfs:
        summary.append(f"system PDFs: {len(system_pdfs)} in {system_pdfs[0].parent}")
    return PlanCheckResult(workbook, pdfs, summary, system_pdfs)
