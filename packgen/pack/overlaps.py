"""Totals with overlaps removed (docs/method.md, "Adding up").

Categories can count the same pounds twice (a shorter stay also lowers the acute unit cost;
agency staff work in every service). The definitions declare which categories overlap
(`overlaps_with`, read both ways). The total with overlaps removed takes the categories largest
first and counts a category only if it overlaps none already counted: within each set of
categories that overlap one another, only the largest counts, while categories that do not
overlap (estates and a mental health trust's temporary staffing, say) both count. It is the
cautious total to plan against; the sum of all categories is the upper bound.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from packgen.pack.model import CategorySection


def overlap_pairs(declared: Mapping[str, Iterable[str]]) -> set[frozenset[str]]:
    """Every overlapping pair of category ids, whichever side declared it."""
    return {frozenset((a, b)) for a, others in declared.items() for b in others if a != b}


def counted_groups(sections: Sequence[CategorySection], pairs: set[frozenset[str]],
                   amount: Callable[[CategorySection], float]) -> list[tuple[str, ...]]:
    """Groups of category ids: each led by a category that counts, followed by the categories
    that overlap it and so do not count on their own; largest first, ties by id."""
    ordered = sorted(sections, key=lambda s: (-amount(s), s.id))
    groups: dict[str, list[str]] = {}
    for section in ordered:
        leader = next((c for c in groups if frozenset((c, section.id)) in pairs), None)
        if leader is None:
            groups[section.id] = [section.id]
        else:
            groups[leader].append(section.id)
    return [tuple(members) for members in groups.values()]


def total_counted(sections: Sequence[CategorySection], groups: Sequence[tuple[str, ...]],
                  amount: Callable[[CategorySection], float]) -> float:
    """The sum over the counted categories (each group's first), to the penny. The groups are
    chosen once, on the run's figures, so that the median end of the range counts the same
    categories."""
    by_id = {s.id: s for s in sections}
    return round(sum(amount(by_id[group[0]]) for group in groups), 2)
