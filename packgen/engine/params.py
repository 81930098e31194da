"""Run parameters: the policy choices of a run, shown in every pack's method page."""

from __future__ import annotations

from dataclasses import asdict, dataclass

PEER_MODES = ("sector", "peer_group", "region", "list")


class ParameterError(ValueError):
    """The peer options contradict each other (`--peers`, `--peer-list`); the message says how
    to fix them. The command line shows it as a usage error, the explorer as a bad request."""


def lower_first(text: str) -> str:
    """"Expected cost (GBP)" -> "expected cost (GBP)": units keep their capitals in sentences,
    and so do acronyms ("DNA rate" stays, never "dNA rate")."""
    if text[1:2].isupper():
        return text
    return text[:1].lower() + text[1:]


def ordinal(number: float) -> str:
    """75 -> '75th', 21 -> '21st', 12.5 -> '12.5th': percentiles as a reader says them."""
    number = round(number, 6)  # (1 - 0.8) * 100 is 19.999999999999996
    if number != int(number):
        return f"{number:g}th"
    n = int(number)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass(frozen=True)
class RunParameters:
    # The benchmark is the value at this percentile of *performance* among peers (docs/method.md):
    # 0.75 -> the 25th percentile of values for lower-is-better metrics, the 75th for higher.
    performance_percentile: float = 0.75
    peer_mode: str = "sector"
    peer_list: tuple[str, ...] = ()
    # 2026/27 spending limits: agency down 30%, bank down about 10%; half of each reduction is
    # counted as opportunity (the other half buys substantive cover).
    agency_reduction: float = 0.30
    bank_reduction: float = 0.10
    temporary_staffing_share_counted: float = 0.5
    clinical_supplies_reduction: float = 0.03
    requirement_rate: float = 0.02  # the NHS productivity requirement, a year
    min_peers: int | None = None  # None: each category's own (5 by default)
    min_activity: float | None = None  # None: each category's own (10 by default)

    def __post_init__(self):
        if self.peer_mode not in PEER_MODES:
            raise ValueError(f"peer_mode must be one of {', '.join(PEER_MODES)}")
        if not 0.5 <= self.performance_percentile < 1:
            raise ValueError("performance_percentile must be in [0.5, 1)")
        if self.peer_mode == "list" and not self.peer_list:
            raise ValueError("peer_mode 'list' needs a list of ODS codes")

    def value(self, name: str) -> float:
        """A numeric parameter by name (for definitions' rate_parameter and param: values)."""
        value = getattr(self, name, None)
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise KeyError(f"unknown run parameter '{name}'")
        return float(value)

    def peer_description(self) -> str:
        """The run's peer rule, for every sector (a pack names its own provider's peers with
        `peers_for`)."""
        return {
            "sector": "Same sector (acute and specialist trusts are benchmarked together; "
            "community, mental health and ambulance trusts each against their own sector)",
            "peer_group": "Same ERIC trust type (peer group)",
            "region": "Same sector and NHS England region",
            "list": f"Named list of {len(self.peer_list)} providers, each compared with those "
            "of its own sector",
        }[self.peer_mode]

    def peers_for(self, group_name: str, peer_group: str | None, region_name: str) -> str:
        """One provider's peers: e.g. 'Same sector: community trusts'."""
        return {
            "sector": f"Same sector: {group_name}",
            "peer_group": f"Same ERIC trust type: {peer_group or 'not known'}",
            "region": f"Same sector and region: {group_name} in {region_name}",
            "list": f"Named list of {len(self.peer_list)} providers ({group_name} among them)",
        }[self.peer_mode]

    def value_quantile(self, direction: str) -> float:
        """The quantile of the peers' values that is the benchmark: the performance percentile
        where higher is better, 1 minus it where lower is better (the engine's and every
        label's one rule)."""
        p = self.performance_percentile
        return 1 - p if direction == "lower" else p

    def percentile_target_label(self, direction: str) -> str:
        """'25th percentile of peers (75th percentile of performance)'."""
        return (f"{ordinal(self.value_quantile(direction) * 100)} percentile of peers "
                f"({ordinal(self.performance_percentile * 100)} percentile of performance)")

    def target_label(self, target: str, direction: str, standard: float | None = None,
                     rate_parameter: str | None = None) -> str:
        """How a component's target reads in packs and workbooks."""
        if target == "median":
            return "Median of peers"
        if target == "standard":
            return f"National standard ({standard:g})"
        if target == "fixed_rate":
            return f"{self.value(rate_parameter):.0%} reduction"
        return self.percentile_target_label(direction)

    def prose(self, text: str) -> str:
        """Category wording with this run's percentiles: {performance_percentile} (75th by
        default) and {lower_percentile} (25th, the percentile of values where lower is better)."""
        return text.format(performance_percentile=ordinal(self.performance_percentile * 100),
                           lower_percentile=ordinal(self.value_quantile("lower") * 100))

    def labels(self) -> dict[str, str]:
        """Human-readable parameters for the pack's method page and the workbook's notes."""
        p = self.performance_percentile
        return {
            "Benchmark": f"{ordinal(p * 100)} percentile of performance among peers "
            f"({ordinal(self.value_quantile('lower') * 100)} percentile of values where lower "
            "is better)",
            "Percentiles": "Unweighted across providers, linear interpolation (PERCENTILE.INC)",
            "Peers": self.peer_description(),
            "Minimum peers": str(self.min_peers or "5 (category default)"),
            "Minimum activity": str(self.min_activity or "10 (category default)"),
            "Agency reduction": f"{self.agency_reduction:.0%}",
            "Bank reduction": f"{self.bank_reduction:.0%}",
            "Share of staffing reduction counted": f"{self.temporary_staffing_share_counted:.0%}",
            "Clinical supplies reduction": f"{self.clinical_supplies_reduction:.0%}",
            "Productivity requirement": f"{self.requirement_rate:.0%} a year",
        }

    def as_dict(self) -> dict:
        return asdict(self)


def run_parameters(peers: str | None, peer_list: str | None,
                   percentile: float) -> RunParameters:
    """The run parameters of `packgen compute`'s options (`--peers`, `--peer-list`,
    `--percentile` in percent); a contradiction between them is a `ParameterError`."""
    codes = tuple(c.strip().upper() for c in (peer_list or "").split(",") if c.strip())
    if peer_list is not None and peers not in (None, "list"):
        raise ParameterError(f"--peer-list goes with --peers list, not --peers {peers}. "
                             "Drop --peer-list, or use --peers list.")
    mode = peers or ("list" if codes else "sector")
    if mode == "list" and not codes:
        raise ParameterError("--peers list needs the ODS codes of the peers: add --peer-list "
                             "RXX,RYY,... (comma-separated).")
    return RunParameters(performance_percentile=percentile / 100, peer_mode=mode,
                         peer_list=codes)
