"""Faults are expected errors: a full disk, a read-only folder, --out under a file, an unreadable
input, a run folder in use, an interrupt. Each exits with a message and a hint (no traceback),
leaves nothing half-written, and a build's manifest records exactly what was finished.

A full disk is a real 1 MB tmpfs where this process may mount one (root on Linux), otherwise a
writer patched to raise ENOSPC; both kinds run where they can.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from packgen import fileio
from packgen.cli import cli
from packgen.contract.validate import validate_bundle
from packgen.errors import Interrupted, PackgenError, os_error, writing_to
from packgen.fileio import sha256_file
from packgen.generate import writer as generate_writer
from packgen.render import regional
from packgen.run import workers
from packgen.run.lock import LOCK_NAME, run_lock
from tests.bundles import PROVIDERS, minimal_tables, write_bundle
from tests.test_run_support import FAKE_PDF, fast_renderers

CODES = sorted(p[0] for p in PROVIDERS)
FIXTURES = Path(__file__).parent / "fixtures" / "importers"
REAL = Path(__file__).resolve().parent.parent / "real_data"
PACKGEN = [sys.executable, "-m", "packgen"]
FULL = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.fixture(autouse=True)
def _fast(monkeypatch):
    fast_renderers(monkeypatch)


def invoke(*args) -> click.testing.Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def build(bundle: Path, run: Path, *args) -> click.testing.Result:
    # The tiny bundle has three acute peers: the default --peers sector needs five.
    return invoke("build", bundle, "--out", run, "--workers", 1, *args)


def expected_error(result: click.testing.Result, *texts: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Error: " in result.stderr and "Hint: " in result.stderr, result.stderr
    assert "Traceback" not in result.output and "unexpected" not in result.output
    for text in texts:
        assert text in result.stderr, result.stderr


def leftovers(folder: Path) -> list[Path]:
    return [p for pattern in ("*.part", "*.partial", "*.rendering", "*.loading", "*.previous")
            for p in folder.rglob(f".{pattern}")]


def assert_manifest_matches_disk(run: Path) -> set[str]:
    """Every pack the manifest records is on disk with its checksums, and every pack on disk
    is recorded; returns the providers recorded."""
    manifest = json.loads((run / "manifest.json").read_text())
    recorded = {code for code, entry in manifest["providers"].items() if entry.get("outputs")}
    for code in recorded:
        outputs = manifest["providers"][code]["outputs"]
        assert len(outputs) == 3, (code, outputs)
        for relative, checksum in outputs.items():
            assert sha256_file(run / relative) == checksum, relative
    on_disk = {p.parent.name for p in run.glob("providers/*/*-opportunity-pack.*")}
    assert on_disk == recorded
    assert {p.name for p in run.glob("providers/*")} == recorded  # no empty folder either
    assert not leftovers(run)
    return recorded


@contextlib.contextmanager
def small_tmpfs(folder: Path, size: str = "1m", read_only: bool = False):
    """A real small file system at `folder`, or skip where mounting is not allowed."""
    folder.mkdir(parents=True, exist_ok=True)
    options = f"size={size}" + (",ro" if read_only else "")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                          capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root on Linux)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


# --- the CLI maps library errors -------------------------------------------------------------

def test_packgen_error_is_a_plain_exception_the_cli_formats():
    assert not issubclass(PackgenError, click.ClickException)

    @cli.command("fail-for-test")
    @click.argument("kind")
    def fail(kind):
        raise {"packgen": PackgenError("it broke", "do this"),
               "disk": OSError(errno.ENOSPC, "No space left on device", "/tmp/x/y.pdf"),
               "interrupt": KeyboardInterrupt(), "term": Interrupted(15),
               "bug": ZeroDivisionError("oops")}[kind]

    try:
        result = invoke("fail-for-test", "packgen")
        assert result.exit_code == 1 and result.stderr == "Error: it broke\nHint: do this\n"
        result = invoke("fail-for-test", "disk")
        expected_error(result, "no space left", "/tmp/x/y.pdf", "free space on",
                       "or write elsewhere")
        result = invoke("fail-for-test", "interrupt")
        assert result.exit_code == 130 and "interrupted" in result.stderr
        assert "Traceback" not in result.output and "Aborted" not in result.output
        assert invoke("fail-for-test", "term").exit_code == 143
        result = invoke("fail-for-test", "bug")
        assert result.exit_code == 1 and "unexpected ZeroDivisionError" in result.stderr
        assert "--debug" in result.stderr
    finally:
        del cli.commands["fail-for-test"]


@pytest.mark.parametrize(("code", "texts"), [
    (errno.ENOSPC, ("no space left", "free space on", "write elsewhere (--out / --db)")),
    (errno.EROFS, ("read-only file system", "write elsewhere (--out / --db)")),
    (errno.EACCES, ("permission denied", "write elsewhere (--out / --db)")),
    (errno.ENOENT, ("no such file",)),
])
def test_os_errors_become_expected_errors_naming_the_path(tmp_path, code, texts):
    # the command writing (here build) names the options it writes with
    with pytest.raises(OSError) as raised, writing_to(tmp_path / "run", "--out", "--db"):
        raise OSError(code, os.strerror(code), str(tmp_path / "run" / "x.pdf"))
    error = os_error(raised.value)
    assert error is not None and error.hint
    text = f"{error.message} {error.hint}".lower()
    assert str(tmp_path / "run" / "x.pdf").lower() in text or code == errno.EROFS
    assert all(t.lower() in text for t in texts), text
    assert os_error(OSError(errno.EIO, "I/O error")) is None  # not the user's to fix: a bug


def test_duckdb_io_errors_quoting_a_full_disk_are_expected():
    import duckdb

    error = os_error(duckdb.IOException('Could not write file "x.duckdb": No space left on '
                                        'device'))
    assert error is not None and "free space" in error.hint


def test_provider_codes_are_not_upper_cased(bundle, tmp_path):
    result = build(bundle, tmp_path / "run", "--provider", "raa", "-q")
    expected_error(result, "unknown provider: raa")


# --- faults during a build -------------------------------------------------------------------

def test_out_under_a_file(bundle, tmp_path):
    (tmp_path / "afile").write_text("not a folder")
    result = build(bundle, tmp_path / "afile" / "run")
    expected_error(result, "is a file, not a folder",
                   "the path goes through a file: write elsewhere (--out / --db)")
    assert (tmp_path / "afile").read_text() == "not a folder"


def test_read_only_run_folder(bundle, tmp_path):
    run = tmp_path / "ro"
    with small_tmpfs(run, read_only=True):
        result = build(bundle, run, "--db", tmp_path / "store.duckdb")
        expected_error(result, "read-only file system", "write elsewhere")


def test_unreadable_input_file(bundle, tmp_path, monkeypatch):
    target = bundle / "estates.csv"
    if os.geteuid() == 0:  # root reads anything: make the read itself fail as it would
        real = fileio.sha256_file

        def refuse(path):
            if Path(path) == target:
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real(path)

        monkeypatch.setattr("packgen.run.store_state.sha256_file", refuse)
    else:
        target.chmod(0)
    result = build(bundle, tmp_path / "run")
    expected_error(result, "permission denied", str(target))


def test_full_disk_while_rendering_stops_the_run_and_records_what_finished(
        bundle, tmp_path, monkeypatch):
    run = tmp_path / "run"
    written = []

    def fill_up(pack, path):
        if len(written) == 2:
            Path(path).write_bytes(b"half a pack")  # a partial file, as a full disk leaves
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        written.append(pack.provider.code)
        return fileio.write_bytes_atomically(path, b"%PDF-1.7 stand-in")

    monkeypatch.setattr("packgen.render.pdf.write_pdf", fill_up)
    result = build(bundle, run, "--peers", "region")
    expected_error(result, "no space left", "free space on")
    assert "failed while rendering" not in result.stderr  # one message, not one per provider
    recorded = assert_manifest_matches_disk(run)
    assert recorded == set(written)
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["stopped"]["reason"].startswith("OSError")

    monkeypatch.undo()
    fast_renderers(monkeypatch)
    again = build(bundle, run, "--peers", "region", "-q")
    assert again.exit_code == 0, again.output
    assert again.stdout.startswith(f"providers: {len(CODES) - 2} built, 2 skipped")


def _pack_files(run: Path, code: str) -> dict[str, str]:
    return {p.name: sha256_file(p) for p in sorted((run / "providers" / code).iterdir())}


def _rename_provider(bundle: Path, code: str, name: str) -> None:
    path = bundle / "providers.csv"
    lines = path.read_text().splitlines()
    lines = [",".join([code, name, *line.split(",")[2:]]) if line.startswith(f"{code},")
             else line for line in lines]
    path.write_text("\n".join(lines) + "\n")


def _named_pdfs(monkeypatch) -> None:
    """Stand-in PDFs that differ when the provider's name does (as real ones would)."""
    def write(pack, path):
        Path(path).write_bytes(FAKE_PDF + pack.provider.name.encode())
        return Path(path)

    monkeypatch.setattr("packgen.render.pdf.write_pdf", write)


@pytest.mark.parametrize("step", ["third earlier file moved aside", "third new file renamed in"])
def test_a_pack_is_replaced_as_a_set_or_not_at_all(bundle, tmp_path, monkeypatch, step):
    """A pack's PDF, workbook and HTML go in together: a rename failing on the third file
    leaves the three earlier files, the manifest their checksums, and no temporary or backup."""
    run = tmp_path / "run"
    _named_pdfs(monkeypatch)
    assert build(bundle, run, "--provider", "RAA", "--peers", "region", "-q").exit_code == 0
    before = _pack_files(run, "RAA")
    _rename_provider(bundle, "RAA", "Alpha Renamed NHS Trust")
    html = workers.pack_path(run, "RAA", "html")
    real = os.replace

    def failing(src, dst, *args, **kw):
        moving_aside = Path(src) == html
        renaming_in = Path(dst) == html and str(src).endswith(workers.TEMPORARY_SUFFIX)
        if moving_aside if step.endswith("moved aside") else renaming_in:
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(src), None, str(dst))
        return real(src, dst, *args, **kw)

    monkeypatch.setattr(os, "replace", failing)
    result = build(bundle, run, "--provider", "RAA", "--peers", "region", "-q")
    monkeypatch.setattr(os, "replace", real)
    expected_error(result, "1 provider failed: RAA (OSError: [Errno 5]")
    assert _pack_files(run, "RAA") == before  # the three earlier files, and nothing else
    assert assert_manifest_matches_disk(run) == {"RAA"}
    entry = json.loads((run / "manifest.json").read_text())["providers"]["RAA"]
    assert entry["status"] == "failed" and entry["fingerprint"] is None

    again = build(bundle, run, "--provider", "RAA", "--peers", "region", "-q")
    assert again.exit_code == 0, again.output
    after = _pack_files(run, "RAA")
    assert after.keys() == before.keys()
    assert all(after[name] != before[name] for name in before)  # three new files
    assert assert_manifest_matches_disk(run) == {"RAA"}


@pytest.mark.parametrize("cut", ["before the last new file went in", "after every one did",
                                 "in a rollback that could not put one back"])
def test_a_commit_cut_short_by_a_kill_is_resolved_by_the_next_run(bundle, tmp_path,
                                                                  monkeypatch, cut):
    """SIGKILL between moving a pack's earlier files aside and removing them leaves hidden
    backups. The next run puts the earlier set back while a new file is still a temporary (or
    where a file is missing), and otherwise removes the backups; either way every pack on disk
    is whole again and matches the manifest."""
    run = tmp_path / "run"
    _named_pdfs(monkeypatch)
    assert build(bundle, run, "--provider", "RAA", "--peers", "region", "-q").exit_code == 0
    before = _pack_files(run, "RAA")
    folder = run / "providers" / "RAA"
    moved = [n for n in before if n.endswith(".html") or not cut.startswith("in a rollback")]
    for name in moved:  # the state a kill leaves: the earlier files moved aside ...
        (folder / name).rename(folder / f".{name}.999999{workers.BACKUP_SUFFIX}")
    for name in moved:  # ... and the new ones going in, the last perhaps not yet
        new = folder / name
        if cut.startswith("before") and name.endswith(".html"):
            new = folder / f".{name}.999998{workers.TEMPORARY_SUFFIX}"
        if not cut.startswith("in a rollback"):
            new.write_bytes(b"new " + name.encode())

    result = build(bundle, run, "--provider", "RAA", "--peers", "region")
    assert result.exit_code == 0, result.output
    count = len(moved) + cut.startswith("before")  # the backups (and the temporary)
    assert f"cleaned up {count} file(s) left by a stopped run" in result.stderr
    if cut.startswith("after"):  # the new set was whole; it does not match the manifest
        assert result.stdout.startswith("providers: 1 built, 0 skipped")
    else:  # the earlier set is back, and still up to date
        assert _pack_files(run, "RAA") == before
        assert result.stdout.startswith("providers: 0 built, 1 skipped")
    assert assert_manifest_matches_disk(run) == {"RAA"}


def run_packgen(*args) -> subprocess.CompletedProcess:
    return subprocess.run([*PACKGEN, *(str(a) for a in args)], capture_output=True, text=True,
                          check=False, timeout=300)


def expected_failure(done: subprocess.CompletedProcess, *texts: str) -> None:
    """As `expected_error`, for a real process: nothing else on stderr, not even a traceback
    printed by a finalizer after the message."""
    assert done.returncode == 1, done.stderr
    assert "Hint: " in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert "Exception ignored" not in done.stderr, done.stderr
    for text in texts:
        assert text in done.stderr, done.stderr


def test_full_disk_for_real_on_a_small_tmpfs(bundle, tmp_path):
    run = tmp_path / "full"
    with small_tmpfs(run, size="64k"):
        (run / "ballast").write_bytes(b"x" * 40_000)
        done = run_packgen("build", bundle, "--out", run, "--db", tmp_path / "store.duckdb",
                           "--workers", 1)
        expected_failure(done, "no space left", "free space on", str(run))
        assert not leftovers(run) and not (run / LOCK_NAME).exists()
        if (run / "manifest.json").exists():
            assert_manifest_matches_disk(run)


def test_full_disk_while_loading_the_store_on_a_small_tmpfs(bundle, tmp_path):
    run = tmp_path / "full"
    with small_tmpfs(run, size="256k"):
        done = run_packgen("build", bundle, "--out", run, "--workers", 2)  # store in RUN
        expected_failure(done, "free space on")
        assert not leftovers(run) and not (run / "packgen.duckdb").exists()


# --- other commands --------------------------------------------------------------------------

def test_generate_data_on_a_full_disk_leaves_nothing(tmp_path, monkeypatch):
    real = generate_writer.write_csv
    calls = []

    def fill_up(path, spec, rows):
        calls.append(spec.name)
        if spec.name == "ncc_costs":
            Path(path).write_text("half")
            raise FULL
        real(path, spec, rows)

    monkeypatch.setattr(generate_writer, "write_csv", fill_up)
    out = tmp_path / "new"
    result = invoke("generate-data", out, "--scale", "0.05")
    expected_error(result, f"no space left on the device while writing in {out}",
                   "or write elsewhere (another OUT_DIR)")
    assert "--out" not in result.stderr and "--db" not in result.stderr
    assert len(calls) > 1 and not out.exists()

    existing = tmp_path / "existing"
    existing.mkdir()
    (existing / "providers.csv").write_text("previous")
    (existing / "notes.txt").write_text("mine")
    result = invoke("generate-data", existing, "--scale", "0.05")
    expected_error(result, "no space left")
    assert sorted(p.name for p in existing.iterdir()) == ["notes.txt", "providers.csv"]
    assert (existing / "providers.csv").read_text() == "previous"


def test_generate_data_on_a_real_full_disk(tmp_path):
    out = tmp_path / "full"
    with small_tmpfs(out):
        done = run_packgen("generate-data", out / "data", "--scale", "0.05")
        expected_failure(done, "no space left", "free space on")
        assert not list(out.iterdir())


def _checked_plans(bundle: Path, tmp_path: Path, out: Path) -> click.testing.Result:
    store = tmp_path / "store.duckdb"
    return invoke("check-plans", bundle, bundle / "plans.csv", "--db", store, "--out", out,
                  "--peers", "region")


def test_check_plans_on_a_full_disk(bundle, tmp_path, monkeypatch):
    def fill_up(path, content):
        with fileio.atomic_path(path) as temporary:
            temporary.write_bytes(content[:10])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(temporary))

    monkeypatch.setattr("packgen.render.plan_checks.write_bytes_atomically", fill_up)
    out = tmp_path / "checks"
    result = _checked_plans(bundle, tmp_path, out)
    expected_error(result, "no space left", "free space on")
    assert not leftovers(out) and not (out / LOCK_NAME).exists()


def test_check_plans_on_a_real_full_disk(bundle, tmp_path):
    out = tmp_path / "full"
    with small_tmpfs(out, size="16k"):
        done = run_packgen("check-plans", bundle, bundle / "plans.csv", "--db",
                           tmp_path / "store.duckdb", "--out", out)
        expected_failure(done, "no space left", "free space on")
        assert not leftovers(out) and not (out / LOCK_NAME).exists()


def test_import_on_a_full_disk(tmp_path, monkeypatch):
    @contextlib.contextmanager
    def full_atomic_path(path):
        with fileio.atomic_path(path) as temporary:
            yield temporary
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(temporary))

    monkeypatch.setattr("packgen.importers.bundle.atomic_path", full_atomic_path)
    data = tmp_path / "data"
    result = invoke("import", "ods", FIXTURES / "etr_small.csv", "--into", data)
    expected_error(result, "no space left", "free space on")
    assert not data.exists() or (not leftovers(data) and not list(data.glob("*.csv")))


def test_import_on_a_full_disk_whose_error_names_no_file(tmp_path, monkeypatch):
    """The csv writer's OSError carries no filename (a buffered write fails at flush): the
    message still names the file being written, and the hint names import's own option."""
    class FullWriter(csv.DictWriter):
        def writerow(self, rowdict):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # no filename, as for real

    monkeypatch.setattr(csv, "DictWriter", FullWriter)
    data = tmp_path / "data"
    result = invoke("import", "ods", FIXTURES / "etr_small.csv", "--into", data)
    expected_error(result, f"no space left on the device while writing {data / 'providers.csv'}"
                   "\n", "free space on the disk that holds", "or write elsewhere (--into)")
    assert "--out" not in result.stderr and "--db" not in result.stderr
    assert not leftovers(data) and not list(data.glob("*.csv"))


def test_import_on_a_real_full_disk(tmp_path):
    out = tmp_path / "full"
    with small_tmpfs(out, size="16k"):
        (out / "ballast").write_bytes(b"x" * 12_000)
        done = run_packgen("import", "ods", REAL / "etr_2024_25.csv", "--into", out / "data")
        expected_failure(done, f"no space left on the device while writing {out / 'data'}/",
                         "or write elsewhere (--into)")
        assert "--out" not in done.stderr and " in\n" not in done.stderr
        assert not list((out / "data").iterdir())


def test_an_os_error_naming_no_file_nor_folder_says_no_more_than_it_knows():
    error = os_error(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    assert error.message == "no space left on the device"
    assert "or write elsewhere;" in error.hint and "--" not in error.hint


# --- the run folder's lock -------------------------------------------------------------------

def test_second_build_on_a_locked_folder_names_the_owner(bundle, tmp_path):
    run = tmp_path / "run"
    with run_lock(run, "a test"):
        result = build(bundle, run)
    expected_error(result, "is in use by another packgen", f"pid {os.getpid()}",
                   f"wait for process {os.getpid()}")
    assert not (run / "manifest.json").exists()
    assert not (run / LOCK_NAME).exists()  # released


def test_check_plans_locks_its_out_folder(bundle, tmp_path):
    out = tmp_path / "checks"
    with run_lock(out, "a test"):
        result = _checked_plans(bundle, tmp_path, out)
    expected_error(result, f"{out} is in use by another packgen", f"pid {os.getpid()}")
    assert not list(out.iterdir())


def test_a_lock_naming_a_live_process_is_respected(bundle, tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    with subprocess.Popen(["sleep", "30"]) as other:
        try:
            (run / LOCK_NAME).write_text(json.dumps(
                {"pid": other.pid, "host": os.uname().nodename, "started": "earlier"}))
            result = build(bundle, run)
        finally:
            other.kill()
    expected_error(result, f"pid {other.pid}", f"delete {run / LOCK_NAME}")


@pytest.mark.parametrize("quiet", [(), ("-q",)], ids=["", "quiet"])
def test_a_stale_lock_is_reported_and_taken_over(bundle, tmp_path, quiet):
    # -q silences progress, never a warning (its help says so)
    run = tmp_path / "run"
    run.mkdir()
    gone = subprocess.Popen(["true"])
    gone.wait()
    (run / LOCK_NAME).write_text(json.dumps(
        {"pid": gone.pid, "host": os.uname().nodename, "started": "2026-01-01T00:00:00"}))
    result = build(bundle, run, "--peers", "region", *quiet)
    assert result.exit_code == 0, result.output
    assert f"Warning: {run / LOCK_NAME} was left by a packgen that is no longer running" \
        in result.stderr
    assert f"pid {gone.pid}" in result.stderr and "taking it over" in result.stderr
    assert not (run / LOCK_NAME).exists()


# --- interrupts ------------------------------------------------------------------------------

def test_interrupt_while_rendering_in_process_records_the_finished_packs(bundle, tmp_path,
                                                                         monkeypatch):
    run = tmp_path / "run"
    done = []
    real = workers._writer

    def interrupted_third(fmt):
        def write(pack, path):
            if len(done) == 2 * 3 + 1:  # the third pack's second file
                raise KeyboardInterrupt
            done.append((pack.provider.code, fmt))
            return real(fmt)(pack, path)
        return write

    monkeypatch.setattr(workers, "_writer", interrupted_third)
    result = build(bundle, run, "--peers", "region")
    assert result.exit_code == 130 and "interrupted" in result.stderr
    assert "Traceback" not in result.output
    assert len(assert_manifest_matches_disk(run)) == 2
    assert json.loads((run / "manifest.json").read_text())["interrupted"] is True


def test_a_manifest_that_cannot_be_written_is_a_warning_even_with_quiet(bundle, tmp_path,
                                                                       monkeypatch):
    def interrupt(*_args, **_kw):
        raise KeyboardInterrupt

    def full(*_args, **_kw):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(regional, "write_regional_pack", interrupt)
    monkeypatch.setattr("packgen.run.build.write_manifest", full)
    result = build(bundle, tmp_path / "run", "--peers", "region", "-q")
    assert result.exit_code == 130
    assert f"Warning: could not write {tmp_path / 'run' / 'manifest.json'}" in result.stderr


def test_a_pack_model_that_fails_is_an_error_even_with_quiet(bundle, tmp_path, monkeypatch):
    from packgen.run import build as run_build_module

    real = run_build_module.build_pack

    def broken(source, code, **kw):
        if code == "RAB":
            raise ValueError("a broken model")
        return real(source, code, **kw)

    monkeypatch.setattr(run_build_module, "build_pack", broken)
    result = build(bundle, tmp_path / "run", "--peers", "region", "-q")
    expected_error(result, "Error: the pack model of RAB could not be built (ValueError: a "
                   "broken model)", "1 provider failed: RAB")


def test_interrupt_during_the_regional_step_writes_the_manifest(bundle, tmp_path, monkeypatch):
    def interrupt(*_args, **_kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(regional, "write_regional_pack", interrupt)
    run = tmp_path / "run"
    result = build(bundle, run, "--peers", "region")
    assert result.exit_code == 130
    assert assert_manifest_matches_disk(run) == set(CODES)
    manifest = json.loads((run / "manifest.json").read_text())
    assert "national" in manifest["summaries"] and manifest["interrupted"] is True


@pytest.mark.slow
def test_sigint_stops_a_national_build_within_5_seconds(tmp_path):
    """A real national build (200 providers, two worker processes) is sent SIGINT once a few
    packs are done; it stops within 5 s, its manifest lists exactly the packs on disk, and a
    run afterwards renders only the packs that are missing."""
    data, run = tmp_path / "data", tmp_path / "run"
    subprocess.run([*PACKGEN, "generate-data", str(data), "--seed", "5", "--scale", "0.1"],
                   check=True, capture_output=True)
    log = (tmp_path / "stderr.txt").open("w")
    process = subprocess.Popen([*PACKGEN, "build", str(data), "--out", str(run), "--workers",
                                "2"], stdout=subprocess.PIPE, stderr=log, text=True)
    deadline = time.monotonic() + 240
    while len(list(run.glob("providers/*/*.pdf"))) < 4 and time.monotonic() < deadline:
        assert process.poll() is None, (tmp_path / "stderr.txt").read_text()
        time.sleep(0.2)
    process.send_signal(2)
    sent = time.monotonic()
    process.wait(timeout=30)
    took = time.monotonic() - sent
    log.close()
    stderr = (tmp_path / "stderr.txt").read_text()
    assert process.returncode == 130, stderr
    assert took < 5, f"took {took:.1f} s to stop"
    assert "interrupted" in stderr and "Traceback" not in stderr
    time.sleep(1)  # nothing may write after the exit (no worker left behind)
    recorded = assert_manifest_matches_disk(run)
    assert 4 <= len(recorded) < 200

    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["interrupted"] is True
    with open(data / "providers.csv", encoding="utf-8") as fh:
        codes = sorted(line.split(",")[0] for line in fh.readlines()[1:])
    missing = sorted(set(codes) - recorded)[:2]
    chosen = sorted(recorded)[:2] + missing
    again = subprocess.run([*PACKGEN, "build", str(data), "--out", str(run), "--workers", "2",
                            "-q", *(a for code in chosen for a in ("--provider", code))],
                           capture_output=True, text=True, check=False, timeout=600)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("providers: 2 built, 2 skipped"), again.stdout
    assert assert_manifest_matches_disk(run) == recorded | set(missing)


# --- smaller things --------------------------------------------------------------------------

def test_a_folder_or_dangling_link_named_like_a_table_is_reported_as_such(bundle):
    (bundle / "estates.csv").unlink()
    (bundle / "estates.csv").mkdir()
    (bundle / "providers.csv").rename(bundle / "elsewhere.txt")
    (bundle / "providers.csv").symlink_to(bundle / "gone.csv")
    report = validate_bundle(bundle)
    text = "\n".join(str(p) for p in report.errors)
    assert "estates.csv: is a folder, not a file" in text
    assert "providers.csv: is a symbolic link to" in text and "does not exist" in text
    assert "missing" not in text.lower().split("providers.csv")[1].split("\n")[0]
    assert not any(p.kind == "missing_file" for p in report.errors)


def test_old_mac_line_endings_give_one_clear_error(bundle):
    path = bundle / "ncc_costs.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
    report = validate_bundle(bundle)
    problems = [p for p in report.errors + report.warnings if p.file == "ncc_costs.csv"]
    assert len(problems) == 1 and "old Mac line endings" in problems[0].message
    assert "save as CSV UTF-8" in problems[0].hint


def test_a_semicolon_separated_file_says_so(bundle):
    path = bundle / "estates.csv"
    path.write_text(path.read_text().replace(",", ";"))
    report = validate_bundle(bundle)
    kinds = {p.kind for p in report.errors if p.file == "estates.csv"}
    assert {"missing_column", "semicolon_delimiter"} <= kinds
    hint = next(p.hint for p in report.errors if p.kind == "semicolon_delimiter")
    assert "save as comma-separated CSV" in hint


def test_validation_warnings_are_printed_by_build_compute_and_check_plans(tmp_path):
    # seven warnings: in seven returns, rows of a trust the providers list does not hold
    tables = minimal_tables()
    for name in ("ncc_costs", "temporary_staffing", "corporate_services", "estates", "mh_los",
                 "ambulance", "community_los"):
        tables[name].append({**tables[name][0], "provider_code": "RZZ"})
    data = write_bundle(tmp_path / "data", tables)
    run = tmp_path / "run"
    first = build(data, run, "--provider", "RAA", "--peers", "region", "-q")
    assert first.exit_code == 0, first.output
    assert "7 validation warnings" in first.stderr and "left out: RZZ" in first.stderr
    assert first.stderr.count("Warning: ") == 5 and "--verbose" in first.stderr
    reused = build(data, run, "--provider", "RAA", "--peers", "region", "--verbose")
    assert "up to date: reusing it" in reused.stderr
    assert "7 validation warnings" in reused.stderr and reused.stderr.count("left out: RZZ") == 7
    computed = invoke("compute", data, "--db", tmp_path / "c.duckdb", "--peers", "region")
    assert "7 validation warnings" in computed.stderr
    checked = invoke("check-plans", data, data / "plans.csv", "--db", run / "packgen.duckdb",
                     "--out", tmp_path / "checks", "--peers", "region")
    assert checked.exit_code == 0, checked.output
    assert "7 validation warnings" in checked.stderr


def test_stage_timings_only_with_verbose(bundle, tmp_path):
    run = tmp_path / "run"
    quiet = build(bundle, run, "--peers", "region")
    assert quiet.exit_code == 0 and "time by stage" not in quiet.stderr
    assert "render" in json.loads((run / "manifest.json").read_text())["timings"]
    verbose = build(bundle, run, "--peers", "region", "--verbose")
    assert "time by stage" in verbose.stderr


@pytest.mark.parametrize("code", ["../../x", "/abs/path", "..", "a/../../b"])
def test_output_paths_from_codes_stay_inside_the_run_folder(tmp_path, code):
    with pytest.raises(PackgenError, match="would write outside the run folder"):
        workers.pack_paths(tmp_path / "run", code, ("pdf", "xlsx", "html"))
    assert workers.pack_paths(tmp_path / "run", "RAA", ("pdf",))["pdf"].parent.name == "RAA"


def test_a_provider_code_that_escapes_is_refused_before_anything_is_written(bundle, tmp_path,
                                                                           monkeypatch):
    from packgen.run import build as run_build_module

    real = run_build_module.select_providers
    monkeypatch.setattr(run_build_module, "select_providers",
                        lambda *a: [*real(*a), "../../escaped"])
    result = build(bundle, tmp_path / "run", "--peers", "region")
    expected_error(result, "would write outside the run folder")
    assert not (tmp_path / "escaped-opportunity-pack.pdf").exists()
    assert not list((tmp_path / "run").glob("providers/*"))
