-- Corporate services (docs/method.md, "Corporate services"), every sector.
-- Per corporate function: share = function spend / provider income, lower is better, against the
-- peers' benchmark; opportunity = max(0, share - benchmark share) x income, in pounds (so the
-- unit value is 1). The function opportunities add up to the category's. The pack shows shares
-- per GBP 100m of turnover; the metric stays a plain fraction.
-- The share of all functions together (context) is pooled by the engine: spend summed, income
-- taken once.
select
    'function_share' as component,
    c.provider_code,
    c."function" as sub_unit,
    coalesce(f.function_name, c."function") as sub_unit_label,
    c.spend_gbp as numerator,
    p.income_gbp as denominator,
    p.income_gbp as volume,
    1.0 as unit_value
from corporate_services as c
inner join category_providers as p using (provider_code)
left join ref_corporate_functions as f on f."function" = c."function"
