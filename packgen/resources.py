"""Files shipped inside the package (templates, fonts, reference data, category definitions and
their SQL), located with `importlib.resources` so that an installed wheel finds them as an
editable checkout does.

WeasyPrint, Jinja2 and DuckDB want real paths, so the package must be installed as files (as pip
does), not run from a zip archive; `package_dir` says so clearly if it is not.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path


@cache
def package_dir(name: str) -> Path:
    """The folder `name` inside the installed `packgen` package, as a filesystem path."""
    resource = files("packgen").joinpath(name)
    path = Path(str(resource))
    if not path.is_dir():
        raise FileNotFoundError(
            f"packgen's {name} folder is missing ({path}); reinstall packgen with pip (it must "
            "be installed as files, not run from a zip archive)")
    return path


def templates_dir() -> Path:
    return package_dir("templates")


def reference_dir() -> Path:
    return package_dir("reference_data")
