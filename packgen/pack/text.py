"""Sentences a reader sees, built from figures (no I/O). Tests assert them word for word."""

from __future__ import annotations

from dataclasses import dataclass

from packgen.categories import CategoryDef, ComponentDef
from packgen.engine.params import lower_first, ordinal


def pounds(value: float) -> str:
    """£ to the pound, with thousands separators: £4,715,000."""
    return f"£{value:,.0f}"


def percent(value: float, places: int = 1) -> str:
    return f"{value * 100:.{places}f}%"


def amount(value: float, decimals: int | None = None) -> str:
    """A count or measure as every page shows it: thousands separators, decimals by size when
    not given (none from 100 or for a whole number, one from 10, two below); so a sentence and
    the table beside it give the same figure ("28.6 WTE" in both, never "29" in one)."""
    if decimals is None:
        size = abs(value)
        # whole numbers (nothing among them: never "0.00 kWh") keep no decimals
        decimals = 0 if size >= 100 or float(value).is_integer() else 1 if size >= 10 else 2
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and not text.strip("-0."):
        return text[1:]  # a rounding is never "-0.0"
    return text


def native_amounts(amounts: dict[str, float]) -> str:
    """'12,345 bed days' or '1,234 kWh and 28.6 WTE' (pounds-only units are left out)."""
    parts = [f"{amount(v)} {unit}" for unit, v in amounts.items()
             if v > 0 and not unit.upper().startswith("GBP")]
    return " and ".join(parts)


def _and(items: list[str]) -> str:
    return ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + items[-1]


def _target_phrase(comp: ComponentDef, performance_percentile: float) -> str:
    """The verb phrase of a peer or standard target, shared by components with the same one."""
    if comp.target == "standard":
        return "met the national standard on"
    if comp.target == "median":
        return "matched the median of its peers on"
    return f"matched the {ordinal(performance_percentile * 100)} percentile of its peers on"


@dataclass(frozen=True)
class Contribution:
    """A component with opportunity, as a sentence names it."""

    component: ComponentDef
    gbp: float
    native: float  # in the component's native unit
    rate: float | None = None  # fixed_rate: the cut asked for (0.30)
    share_counted: float | None = None  # the share of that cut counted as opportunity (0.5)


def _share_words(share: float) -> str:
    return "half" if abs(share - 0.5) < 1e-9 else f"{share:.0%}"


def opportunity_sentence(provider_name: str, category: CategoryDef,
                         contributing: list[Contribution], total_gbp: float,
                         native: dict[str, float], performance_percentile: float) -> str:
    """'If X matched the 75th percentile of its peers on ..., it would release £N a year (...).'

    `contributing` lists the components with opportunity. Components sharing a target are named
    in one clause ("matched the median of its peers on electricity kWh per m2, gas kWh per m2
    and ..."); fixed cuts are named together ("reduced agency spend by 30% and bank spend by
    10%") and, where only a share of a cut counts, the sentence gives the whole cut and says so
    once, so that the one figure it states is the figure in the box and the table.
    """
    grouped: dict[str, list[str]] = {}
    cuts: list[str] = []
    for c in contributing:
        comp = c.component
        label = lower_first(comp.metric_label)
        if comp.target == "fixed_rate":
            cuts.append(f"{label} by {c.rate:.0%}")
        else:
            labels = grouped.setdefault(_target_phrase(comp, performance_percentile), [])
            if label not in labels:
                labels.append(label)
    clauses = [f"{phrase} {_and(labels)}" for phrase, labels in grouped.items()]
    if cuts:
        clauses.append(f"reduced {_and(cuts)}")
    shared = [c for c in contributing if c.share_counted is not None]
    if shared and len({c.share_counted for c in shared}) == 1:
        cut = sum(c.native for c in shared)
        share = shared[0].share_counted
        return (f"If {provider_name} {_and(clauses)}, a {pounds(cut)} reduction, "
                f"{_share_words(share)} of it would count as opportunity: {pounds(total_gbp)} "
                "a year.")
    units = native_amounts(native)
    tail = f" ({units})" if units else ""
    return f"If {provider_name} {_and(clauses)}, it would release {pounds(total_gbp)} a year{tail}."


def no_opportunity_sentence(provider_name: str, category: CategoryDef) -> str:
    return (f"{provider_name} is already at or better than the benchmark on every assessed "
            f"{category.sub_unit_name.lower()}: no opportunity is identified in this category.")


def not_assessed_sentence(provider_name: str, category: CategoryDef, reason: str,
                          native: dict[str, float]) -> str:
    """A category none of whose measures could be assessed in pounds: why, and what was still
    measured in its own units (an energy excess that cannot be priced)."""
    measured = native_amounts(native)
    tail = f" An excess of {measured} was measured but could not be priced." if measured else ""
    return (f"{category.title} could not be assessed for {provider_name}: {reason}.{tail}")


def productivity_sentence(name: str, growth: float, activity: float, inputs: float,
                          requirement: float, rank: int, rank_of: int, group_name: str) -> str:
    comparison = "above" if growth > requirement else "below" if growth < requirement else "at"
    verb = "grew" if growth >= 0 else "fell"
    return (f"{name}'s productivity {verb} {percent(abs(growth))} (cost-weighted activity "
            f"{activity * 100:+.1f}%, real-terms inputs {inputs * 100:+.1f}%), {comparison} the "
            f"{percent(requirement, 0)} a year the NHS requires; {ordinal(rank)} of {rank_of} "
            f"{group_name}.")


def overlap_note(overlaps: dict[str, list[str]]) -> str:
    """The "do not add up" caveat, naming which of the pack's categories overlap.

    `overlaps` maps a category's short title to the short titles it overlaps with.
    """
    base = ("Categories overlap, so every category added is an upper bound: it counts some "
            "pounds twice (and it adds only positive opportunities)")
    if not overlaps:
        return base + "."
    parts = []
    for name, others in overlaps.items():
        # lower_first keeps acronyms ("incidents per WTE", "NHS Talking Therapies")
        others = [lower_first(o) for o in others]
        listed = ", ".join(others[:-1]) + (" and " if len(others) > 1 else "") + others[-1]
        parts.append(f"{name} overlaps with {listed}")
    return f"{base}. {'; '.join(parts)}."
