"""The built-in synthetic national dataset (`packgen generate-data`).

About 200 fictional providers (codes Z.., invented names) in the real mix of sectors, regions and
peer groups, with NCC rows and every other contract table, calibrated to published national
figures. Deterministic: the same seed and scale give the same bytes.
"""

from packgen.generate.bundle import DATASET_NAME, build_tables, generate_bundle

__all__ = ["DATASET_NAME", "build_tables", "generate_bundle"]
