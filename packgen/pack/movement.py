"""Movement since the previous pack (`packgen build ... --previous PREV_RUN`).

The previous run's `national/results.csv` gives each provider's category figures last time; its
`manifest.json` gives the parameters and the method it was built with. When either differs from
this run's, the figures are not like for like and every page that shows the movement says so.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

from packgen.categories.definition import CATEGORY_DIR
from packgen.engine.run import SQL_DIR
from packgen.errors import InputError
from packgen.pack.model import CategorySection, Movement, MovementRow

RESULTS = Path("national") / "results.csv"
SHOWN_MOVEMENTS = 3


@cache
def method_version() -> str:
    """A short checksum of what decides the figures: the category definitions and every SQL
    file of the engine and the categories. Runs with the same one used the same method."""
    digest = hashlib.sha256()
    for folder in (CATEGORY_DIR, SQL_DIR):
        for path in sorted(p for p in folder.rglob("*") if p.suffix in (".toml", ".sql")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@dataclass(frozen=True)
class PreviousRun:
    """What the previous run said, for every provider (small: one figure per category)."""

    label: str  # e.g. "the previous pack (2023/24, run 4f2a9c01b7d3)"
    by_category: dict[tuple[str, str], float]  # (provider, category) -> opportunity £
    like_for_like: bool
    note: str  # why the figures are not like for like ('' when they are)
    results: Path  # the previous results.csv, which the national results join


def read_previous(run_dir: Path, parameters: dict) -> PreviousRun:
    """The previous run in `run_dir` (a run folder written by `packgen build`)."""
    run_dir = Path(run_dir)
    results = run_dir / RESULTS
    if not results.is_file():
        raise InputError(f"--previous {run_dir}: no {RESULTS} there",
                         "give the run folder of last year's `packgen build` (it holds "
                         "national/results.csv and manifest.json).")
    try:
        frame = pl.read_csv(results, infer_schema=False)
        frame = frame.select("provider_code", "category", "in_total",
                             pl.col("opportunity_gbp").cast(pl.Float64, strict=False),
                             pl.col("assessed") if "assessed" in frame.columns
                             else pl.lit("true").alias("assessed"))
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise InputError(f"--previous {run_dir}: {results} cannot be read ({exc})",
                         "give the run folder of last year's `packgen build`.") from exc
    # a category not assessed last time has no previous figure (never £0)
    counted = frame.filter((pl.col("in_total").str.to_lowercase() == "true")
                           & (pl.col("assessed").str.to_lowercase() == "true"))
    by_category = {(p, c): round(v, 2) for p, c, v in counted.group_by(
        "provider_code", "category").agg(pl.col("opportunity_gbp").sum()).iter_rows()}
    manifest = _manifest(run_dir)
    label = "the previous pack" + (f" (run {manifest['run_id']})" if manifest.get("run_id")
                                   else "")
    parameters = json.loads(json.dumps(parameters))  # as the manifest holds them (lists)
    reasons = []
    if not manifest:
        reasons.append("its manifest.json is missing, so its parameters and method are not "
                       "known")
    else:
        if manifest.get("parameters") != parameters:
            changed = sorted(k for k in set(parameters) | set(manifest.get("parameters", {}))
                             if parameters.get(k) != manifest.get("parameters", {}).get(k))
            reasons.append(f"it used other run parameters ({', '.join(changed)})")
        if manifest.get("method_version") != method_version():
            reasons.append("it was computed with another version of the method (category "
                           "definitions or engine SQL)")
    note = ("; ".join(reasons).capitalize() + ". Part of each change may come from that, not "
            "from the trust.") if reasons else ""
    return PreviousRun(label, by_category, not reasons, note, results)


def _manifest(run_dir: Path) -> dict:
    try:
        return json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def movement(previous: PreviousRun | None, provider_code: str,
             sections: Sequence[CategorySection]) -> Movement | None:
    """This pack's categories against the previous pack's, with the sentence naming the
    largest movements. Totals are over the categories with a figure in both packs, so that a
    category new this year (or not assessed in either) never shows as a movement."""
    if previous is None:
        return None
    rows = []
    for s in sections:
        before = previous.by_category.get((provider_code, s.id))
        now = s.opportunity_gbp if s.assessed else None
        change = None if before is None or now is None else round(now - before, 2)
        rows.append(MovementRow(s.id, s.title, before, now, change))
    both = [r for r in rows if r.change_gbp is not None]
    before_total = round(sum(r.previous_gbp for r in both), 2) if both else None
    now_total = round(sum(r.current_gbp for r in both), 2) if both else None
    return Movement(previous.label, previous.like_for_like, previous.note, tuple(rows),
                    before_total, now_total, _sentence(previous.label, rows, before_total,
                                                       now_total))


def _sentence(label: str, rows: list[MovementRow], before: float | None,
              now: float | None) -> str:
    not_before = [r.title for r in rows if r.previous_gbp is None and r.current_gbp is not None]
    not_now = [r.title for r in rows if r.current_gbp is None and r.previous_gbp is not None]
    tail = ""
    if not_before:
        tail += f" Not in {label}: {', '.join(not_before)}."
    if not_now:
        tail += f" Not assessed this year: {', '.join(not_now)}."
    if before is None or now is None:
        return f"No category has a figure both this year and in {label}: there is no " \
               f"movement to show.{tail}"
    direction = "rose" if now > before else "fell" if now < before else "did not change"
    amount = f" by £{abs(now - before):,.0f}" if now != before else ""
    moved = sorted((r for r in rows if r.change_gbp), key=lambda r: (-abs(r.change_gbp), r.id))
    named = "; ".join(f"{r.title} {'+' if r.change_gbp > 0 else '-'}£{abs(r.change_gbp):,.0f}"
                      for r in moved[:SHOWN_MOVEMENTS])
    largest = f" The largest movements: {named}." if named else ""
    scope = ("every category added" if all(r.change_gbp is not None for r in rows)
             else "the categories in both packs added")
    return (f"Since {label} the identified opportunity {direction}{amount}, from "
            f"£{before:,.0f} to £{now:,.0f} ({scope}).{largest}{tail}")
