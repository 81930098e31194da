"""A non-editable install works: build a wheel, install it into a fresh virtual environment and
run packgen from a folder outside the repository (templates, fonts, reference data, category
definitions and SQL must all travel inside the wheel).

The fresh environment borrows the test environment's third-party packages through a `.pth`
line (so the test needs no network), but not its editable packgen: a `.pth` line adds a folder
to the path without running the editable finder that sits in that folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def _run(args: list[str], cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # Built from a copy: setuptools writes build/ and *.egg-info beside the sources.
    source = out / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "output", "build", "*.egg-info", "__pycache__", "real_data", "tests"))
    done = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                 "-w", str(out), str(source)], cwd=out)
    assert done.returncode == 0, done.stderr
    (path,) = out.glob("packgen-*.whl")
    return path


def test_wheel_carries_the_package_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("packgen/templates/pack.html.j2", "packgen/templates/pack.css",
                     "packgen/templates/fonts/fonts.css", "packgen/reference_data/regions.csv",
                     "packgen/categories/definitions/acute_cost.toml",
                     "packgen/engine/sql/results.sql"):
        assert expected in names, expected


def test_installed_wheel_generates_and_builds_from_any_folder(wheel, tmp_path):
    venv = tmp_path / "venv"
    assert _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path
                ).returncode == 0
    python = venv / "bin" / "python"
    site = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                cwd=tmp_path).stdout.strip()
    # Third-party packages from the test environment; packgen itself only from the wheel.
    Path(site, "borrowed.pth").write_text(sysconfig.get_path("purelib") + "\n")
    done = _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                 "--no-index", str(wheel)], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = _run([str(python), "-c", "import packgen; print(packgen.__file__)"], elsewhere, env)
    assert where.stdout.startswith(site), where.stdout + where.stderr
    packgen = [str(python), "-m", "packgen"]
    done = _run([*packgen, "generate-data", "data", "--seed", "3", "--scale", "0.1"],
                elsewhere, env)
    assert done.returncode == 0, done.stderr
    code = next(line.split(",")[0] for line in
                (elsewhere / "data" / "providers.csv").read_text().splitlines()[1:]
                if ",community," in line)
    done = _run([*packgen, "build", "data", "--out", "run", "--provider", code, "--quiet",
                 "--workers", "1"], elsewhere, env)
    assert done.returncode == 0, done.stderr
    folder = elsewhere / "run" / "providers" / code
    for suffix in ("pdf", "xlsx", "html"):
        assert (folder / f"{code}-opportunity-pack.{suffix}").stat().st_size > 1000
