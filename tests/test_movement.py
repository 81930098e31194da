"""The movement since the previous pack when the two packs do not hold the same categories:
a category new this year, or not assessed in one of the years, has no change and is left out
of both totals (never a £0 figure that looks like a movement)."""

from pathlib import Path

from packgen.pack.movement import PreviousRun, movement
from tests.sample_pack import not_assessed, sample_pack


def _previous(by_category: dict) -> PreviousRun:
    return PreviousRun("the previous pack", by_category, True, "", Path("results.csv"))


def test_totals_are_over_the_categories_in_both_packs():
    pack = sample_pack()
    first, second, *rest = pack.categories
    pack = not_assessed(pack, {second.id})
    code = pack.provider.code
    # last year: the first category 1,000 lower, the second assessed, the rest absent
    previous = _previous({(code, first.id): round(first.opportunity_gbp - 1000, 2),
                          (code, second.id): 5000.0})
    move = movement(previous, code, pack.categories)
    rows = {r.id: r for r in move.rows}
    assert rows[first.id].change_gbp == 1000.0
    assert rows[second.id].current_gbp is None and rows[second.id].change_gbp is None
    assert all(rows[s.id].previous_gbp is None and rows[s.id].change_gbp is None for s in rest)
    # the totals cover the first category only: the change is its change, not this year's
    # whole total against last year's part
    assert move.current_total_gbp - move.previous_total_gbp == 1000.0
    assert move.current_total_gbp == first.opportunity_gbp
    assert "rose by £1,000" in move.sentence
    assert "(the categories in both packs added)" in move.sentence
    assert f"Not assessed this year: {second.title}." in move.sentence
    assert rest[0].title in move.sentence.split("Not in the previous pack:")[1]


def test_no_category_in_both_packs_says_so():
    pack = sample_pack()
    move = movement(_previous({}), pack.provider.code, pack.categories)
    assert move.previous_total_gbp is None and move.current_total_gbp is None
    assert move.sentence.startswith("No category has a figure both this year and in the "
                                    "previous pack: there is no movement to show.")


def test_every_category_in_both_packs_is_said_to_be_every_category():
    from dataclasses import replace

    from packgen.render.html import render_html

    pack = sample_pack()
    code = pack.provider.code
    move = movement(_previous({(code, s.id): 1.0 for s in pack.categories}), code,
                    pack.categories)
    assert "(every category added)" in move.sentence
    html = render_html(replace(pack, movement=move))
    assert "<tfoot><tr><th>Every category added</th>" in html
    partial = movement(_previous({(code, pack.categories[0].id): 1.0}), code, pack.categories)
    html = render_html(replace(pack, movement=partial))
    assert "<tfoot><tr><th>Categories in both packs, added</th>" in html
