"""Every writer shares one atomic write: shared file modes (0644) and nothing half-written."""

from __future__ import annotations

import hashlib
import os

import pytest

from packgen.fileio import atomic_path, sha256_file
from packgen.importers import bundle
from packgen.render.excel import write_workbook
from packgen.render.pdf import write_html
from tests.sample_pack import sample_pack


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_outputs_are_ordinary_shared_files(tmp_path, umask_022):
    pack = sample_pack()
    written = [write_workbook(pack, tmp_path / "p.xlsx"), write_html(pack, tmp_path / "p.html")]
    bundle.write_csv(tmp_path / "providers.csv", ("a", "b"), [{"a": "1", "b": "2"}])
    written.append(tmp_path / "providers.csv")
    for path in written:
        assert path.stat().st_mode & 0o777 == 0o644, path.name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.html", "p.xlsx", "providers.csv"]


def test_a_failed_write_keeps_the_previous_file(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("previous")
    with pytest.raises(RuntimeError), atomic_path(target) as temporary:
        temporary.write_text("half")
        raise RuntimeError("interrupted")
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
    assert sha256_file(target) == hashlib.sha256(b"previous").hexdigest()
