"""The data contract: every input table packgen reads, in code (the single source of truth).

`docs/data-contract.md` is generated from these definitions (`packgen contract --markdown`) and the
validator checks bundles against them.
"""

from packgen.contract.tables import COLUMN_TYPES, TABLES, Column, Table, table

__all__ = ["COLUMN_TYPES", "TABLES", "Column", "Table", "table"]
