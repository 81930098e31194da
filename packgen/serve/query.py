"""A page's state in its URL: the run parameters (`peers`, `peer_list`, `percentile`), the sort
of its table and the filters of the national overview; every value validated.

The run parameters mean what `packgen compute`'s options mean (`--peers`, `--peer-list`,
`--percentile`), checked by the same function (`packgen.engine.params.run_parameters`); a page that
gives none shows the run's own parameters. Anything else is a bad request with a message: an
unknown or repeated parameter, a percentile out of range, an unknown peer rule or provider, a
sort key the page's table does not have.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from packgen.engine.params import PEER_MODES, ParameterError, RunParameters, run_parameters

RUN_KEYS = ("peers", "peer_list", "percentile")
PERCENTILE = re.compile(r"^\d{1,2}(\.\d{1,4})?$")
CODE = re.compile(r"^[A-Za-z0-9]{1,12}$")
SORT = re.compile(r"^-?[a-z0-9_]{1,40}$")


class BadRequest(ValueError):
    """A query the page cannot answer; the message says why and what would do."""


@dataclass(frozen=True)
class Sort:
    key: str
    descending: bool

    @property
    def value(self) -> str:
        return f"-{self.key}" if self.descending else self.key


@dataclass(frozen=True)
class PageState:
    """What a page was asked for."""

    params: RunParameters
    run: tuple[tuple[str, str], ...]  # the run parameters as given (carried by every link)
    sort: Sort
    filters: tuple[tuple[str, str], ...] = ()  # the national overview's, as given

    @property
    def changed(self) -> bool:
        """True when the page's parameters differ from the run's own."""
        return bool(self.run)

    def query(self, *, keep: bool = False, sort: str | None = None) -> str:
        """'?peers=region&percentile=80' for a link: the run parameters (every link carries
        them); with `keep` this page's filters and sort too (`sort` replacing its sort)."""
        items = list(self.run)
        if keep:
            items += [*self.filters, ("sort", sort or self.sort.value)]
        return "?" + urlencode(items) if items else ""

    def sort_link(self, key: str, descending_first: bool = False) -> str:
        """A column header's link: sorts by it, reversed if the table is sorted by it already
        (first largest first for `descending_first` columns, such as money)."""
        descending = (not self.sort.descending if self.sort.key == key else descending_first)
        return self.query(keep=True, sort=f"-{key}" if descending else key)

    def aria_sort(self, key: str) -> str | None:
        if self.sort.key != key:
            return None
        return "descending" if self.sort.descending else "ascending"


def parse(query: Sequence[tuple[str, str]], defaults: RunParameters, providers: Collection[str],
          sort_keys: Sequence[str] = (), default_sort: str = "",
          filters: Mapping[str, Collection[str]] | None = None) -> PageState:
    """The page state of a query (its items in order), or BadRequest.

    `sort_keys` are the keys the page's table sorts by (none: the query is read for its run
    parameters only); `filters` the filter parameters the page takes, each with its valid
    values (an empty value means no filter)."""
    filters = filters or {}
    allowed = (*RUN_KEYS, "sort", *filters)
    given: dict[str, str] = {}
    for key, value in query:
        if key not in allowed:
            raise BadRequest(f"Unknown parameter '{key}'. This page takes: "
                             f"{', '.join(allowed)}.")
        if key in given:
            raise BadRequest(f"The parameter '{key}' is given twice; give it once.")
        given[key] = value.strip()
    params, run = _run_parameters(given, defaults, providers)
    sort = _sort(given.get("sort") or default_sort, sort_keys) if sort_keys else Sort("", False)
    chosen = []
    for name, valid in filters.items():
        value = given.get(name, "")
        if value and value not in valid:
            raise BadRequest(f"There is no {name} '{value}' in this run. Choose one from the "
                             "list, or leave it empty for all.")
        if value:
            chosen.append((name, value))
    return PageState(params, run, sort, tuple(chosen))


def _run_parameters(given: Mapping[str, str], defaults: RunParameters,
                    providers: Collection[str]) -> tuple[RunParameters, tuple]:
    peers = given.get("peers") or None
    peer_list = given.get("peer_list") or None
    text = given.get("percentile") or None
    run: list[tuple[str, str]] = []
    # the run's own fraction unless one is given (75 / 100 as `packgen compute` divides it)
    fraction = defaults.performance_percentile
    if text is not None:
        value = float(text) if PERCENTILE.match(text) else math.nan
        if not 50 <= value < 100:
            raise BadRequest(f"The percentile must be a number from 50 up to (not including) "
                             f"100, such as 75 (the NHS England benchmark); '{text}' is not.")
        fraction = value / 100
        run.append(("percentile", f"{value:g}"))
    if peers is not None and peers not in PEER_MODES:
        raise BadRequest(f"Peers must be one of {', '.join(PEER_MODES)}; '{peers}' is not.")
    if peers is None and peer_list is None:
        return replace(defaults, performance_percentile=fraction), tuple(run)
    if peer_list is not None:
        codes = [c.strip() for c in peer_list.split(",") if c.strip()]
        bad = [c for c in codes if not CODE.match(c)]
        unknown = [c for c in codes if CODE.match(c) and c.upper() not in providers]
        if bad or len(codes) > len(providers):
            raise BadRequest("The peer list must be ODS codes of the run's providers, separated "
                             "by commas (e.g. RAA,RAB,RAC).")
        if unknown:
            raise BadRequest("The peer list names providers not in this run: "
                             f"{', '.join(unknown)}. Use ODS codes from the national overview.")
    try:
        chosen = run_parameters(peers, peer_list, fraction * 100)
    except ParameterError as exc:
        raise BadRequest(str(exc).replace("--peers", "peers").replace("--peer-list",
                                                                       "peer_list")) from exc
    run[:0] = [("peers", chosen.peer_mode)] + (
        [("peer_list", ",".join(chosen.peer_list))] if chosen.peer_list else [])
    return replace(defaults, performance_percentile=fraction, peer_mode=chosen.peer_mode,
                   peer_list=chosen.peer_list), tuple(run)


def _sort(value: str, keys: Sequence[str]) -> Sort:
    key = value.removeprefix("-")
    if not SORT.match(value) or key not in keys:
        raise BadRequest(f"This table cannot be sorted by '{value}'. Sort by one of: "
                         f"{', '.join(keys)} (a leading '-' sorts largest first).")
    return Sort(key, value.startswith("-"))
