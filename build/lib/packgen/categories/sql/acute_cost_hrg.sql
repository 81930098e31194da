-- Acute HRG drill-down (METHOD.md, "Acute cost" step 7): each assessed cell's opportunity is
-- shared among its rows (HRGs) in proportion to each row's positive excess
-- max(0, adjusted cost - benchmark x expected cost). Shares are whole pennies, the leftover
-- pennies going to the largest remainders, so HRG rows sum exactly to the cell, cells to
-- specialties and points of delivery, and those to the total.
create or replace table acute_hrg_rows as
with cells as (
    select
        provider_code,
        department_code,
        service_code,
        metric as cell_index,
        benchmark as benchmark_index,
        cast(round(opportunity_gbp * 100) as bigint) as cell_pennies
    from result_rows
    where category = 'acute_cost' and component = 'cost_index' and assessed
),

hrg_rows as (
    select
        r.provider_code,
        r.pod_group,
        r.department_code,
        r.service_code,
        r.currency_code,
        r.activity,
        r.actual_cost_gbp,
        r.adjusted_cost_gbp,
        r.expected_cost_gbp,
        c.cell_index,
        c.benchmark_index,
        c.cell_pennies
    from stg_ncc_rows as r
    inner join cells as c using (provider_code, department_code, service_code)
),

excess as (
    select
        *,
        greatest(0.0, adjusted_cost_gbp - benchmark_index * expected_cost_gbp) as excess_gbp
    from hrg_rows
),

shares as (
    select
        *,
        case
            when sum(excess_gbp) over cell > 0
                then cell_pennies * excess_gbp / sum(excess_gbp) over cell
            else 0
        end as exact_pennies
    from excess
    window cell as (partition by provider_code, department_code, service_code)
),

floored as (
    select
        *,
        floor(exact_pennies) as base_pennies,
        exact_pennies - floor(exact_pennies) as remainder,
        cell_pennies - sum(floor(exact_pennies)) over cell as leftover
    from shares
    window cell as (partition by provider_code, department_code, service_code)
),

ranked as (
    select
        *,
        row_number() over (
            partition by provider_code, department_code, service_code
            order by remainder desc, currency_code
        ) as remainder_rank
    from floored
)

select
    r.provider_code,
    r.pod_group,
    r.department_code,
    r.service_code,
    coalesce(t.service_name, r.service_code) as service_name,
    r.currency_code,
    r.activity,
    r.actual_cost_gbp,
    r.adjusted_cost_gbp,
    r.expected_cost_gbp,
    r.cell_index,
    r.benchmark_index,
    r.excess_gbp,
    (r.base_pennies + case when r.remainder_rank <= r.leftover then 1 else 0 end) / 100.0
        as opportunity_gbp
from ranked as r
left join ref_treatment_functions as t using (service_code);
