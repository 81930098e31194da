"""Categories of opportunity: one TOML definition plus one SQL file each (see definition.py)."""

from packgen.categories.definition import (
    CategoryDef,
    ComponentDef,
    DefinitionError,
    load_definitions,
)

__all__ = ["CategoryDef", "ComponentDef", "DefinitionError", "load_definitions"]
