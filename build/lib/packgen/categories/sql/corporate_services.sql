-- Corporate services (METHOD.md, "Corporate services"), every sector.
-- Per corporate function: share = function spend / provider income, lower is better, against the
-- peers' benchmark; opportunity = max(0, share - benchmark share) x income, in pounds (so the
-- unit value is 1). The function opportunities add up to the category's. The pack shows shares
-- per GBP 100m of turnover; the metric stays a plain fraction.
-- Context: all corporate functions together / income.
-- Corporate spend has no activity count: activity is left empty (min_activity is 0).
with corporate as (
    select
        p.provider_code,
        p.income_gbp,
        c."function" as corporate_function,
        c.spend_gbp
    from providers as p
    left join corporate_services as c using (provider_code)
),

function_shares as (
    select
        'function_share' as component,
        c.provider_code,
        c.corporate_function as sub_unit,
        coalesce(f.function_name, c.corporate_function) as sub_unit_label,
        c.spend_gbp as numerator,
        c.income_gbp as denominator,
        cast(null as double) as activity,
        c.income_gbp as volume,
        1.0 as unit_value
    from corporate as c
    left join ref_corporate_functions as f on f."function" = c.corporate_function
    where c.corporate_function is not null
),

total_share as (
    select
        'total_share' as component,
        provider_code,
        'all' as sub_unit,
        'All corporate functions' as sub_unit_label,
        -- a total with a suppressed or missing function is itself missing, never understated
        case when count(spend_gbp) = count(*) then sum(spend_gbp) end as numerator,
        any_value(income_gbp) as denominator,
        cast(null as double) as activity,
        any_value(income_gbp) as volume,
        1.0 as unit_value
    from corporate
    group by provider_code
)

select
    *,
    cast(null as varchar) as department_code,
    cast(null as varchar) as service_code
from (
    select * from function_shares
    union all
    select * from total_share
)
