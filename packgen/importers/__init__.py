"""Importers: read the real published files into the data contract's tables.

One module per source; each has `run(files, data_dir, **options) -> ImportReport` that writes its
tables into `data_dir` and says what it mapped, dropped and noted, from which publication and
period. `import_source` is the entry point the CLI (`packgen import SOURCE FILE... --into
DATA_DIR`) and other code call; it records every import in `import_log.csv` and `bundle_info.csv`.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from packgen.importers.common import ImportReport

# source name -> (module, what the files are)
SOURCES = {
    "ncc": ("packgen.importers.ncc", "NCC organisation-level source data: File 1 (actual "
            "cost) and optionally File 2 (MFF-adjusted) -> ncc_costs, mff_derived"),
    "ncc-schedule": ("packgen.importers.schedule", "NCC national schedule -> "
                     "national_unit_costs, ambulance unit_values"),
    "eric": ("packgen.importers.eric", "ERIC trust or site returns -> estates, "
             "eric_peer_groups"),
    "ambsys": ("packgen.importers.ambsys", "AmbSYS (Ambulance Quality Indicators) -> ambulance"),
    "scmd": ("packgen.importers.scmd", "Secondary Care Medicines Data -> medicines_use"),
    "ods": ("packgen.importers.ods", "ODS etr.csv trust list -> providers skeleton"),
    "rci": ("packgen.importers.rci", "Reference cost index by organisation (MFF, peer "
            "group, type) -> providers (mff; peer_group and sector where blank)"),
}


def import_source(source: str, files: list[str | Path], data_dir: str | Path,
                  period: str | None = None, **options) -> ImportReport:
    """Import `files` of one source into `data_dir` and record it (import_log, bundle_info).

    `period` (e.g. `2016/17`) names the period the files cover where their names do not say.
    """
    from packgen.importers import bundle

    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    module = importlib.import_module(SOURCES[source][0])
    report = module.run([Path(f) for f in files], data_dir, **options)
    if period:
        report.period = period
    elif not report.period:
        report.note("period not known from the file or its name: give --period (e.g. 2016/17) "
                    "to record it in import_log.csv")
    bundle.record_import(data_dir, report)
    return report


__all__ = ["SOURCES", "ImportReport", "import_source"]
