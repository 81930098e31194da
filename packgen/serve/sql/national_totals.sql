-- The national overview (packgen serve): each provider's opportunity per category, as its pack
-- adds it up (packgen.pack.build._section): the sum of the rows counted in totals, rounded to
-- the penny; assessed when any such row is; and how many of them are not assessed.
select
    provider_code,
    category,
    round(coalesce(sum(opportunity_gbp) filter (where in_total), 0), 2) as opportunity_gbp,
    coalesce(bool_or(assessed) filter (where in_total), false) as assessed,
    count(*) filter (where in_total and not assessed) as not_assessed
from result_rows
group by provider_code, category
order by provider_code, category
