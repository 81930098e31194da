-- Acute HRG drill-down (docs/method.md, "Acute cost" step 7): each assessed cell's opportunity is
-- shared among its rows (HRGs) in proportion to each row's positive excess
-- max(0, adjusted cost - benchmark x expected cost). Shares are whole pennies, the leftover
-- pennies going to the largest remainders, so HRG rows sum exactly to the cell, cells to
-- specialties and points of delivery, and those to the total.
-- The same sharing is done twice: for the opportunity at the run's percentile and for the
-- opportunity at the peers' median (the range's cautious end), each against its own benchmark.
create or replace table acute_hrg_rows as
with cells as (
    select
        provider_code,
        department_code,
        service_code,
        metric as cell_index,
        benchmark as benchmark_index,
        benchmark_median as benchmark_median_index,
        cast(round(opportunity_gbp * 100) as bigint) as cell_pennies,
        cast(round(opportunity_median_gbp * 100) as bigint) as cell_median_pennies
    from result_rows
    where category = 'acute_cost' and component = 'cost_index' and assessed
),

scenarios as (
    select
        c.*,
        s.scenario,
        s.benchmark,
        s.pennies
    from cells as c,
        unnest([
            {scenario: 'percentile', benchmark: benchmark_index, pennies: cell_pennies},
            {scenario: 'median', benchmark: benchmark_median_index, pennies: cell_median_pennies}
        ]) as t (s)
),

excess as (
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
        c.scenario,
        c.pennies,
        greatest(0.0, r.adjusted_cost_gbp - c.benchmark * r.expected_cost_gbp) as excess_gbp
    from stg_ncc_rows as r
    inner join scenarios as c using (provider_code, department_code, service_code)
),

shares as (
    select
        *,
        case
            when sum(excess_gbp) over cell > 0
                then pennies * excess_gbp / sum(excess_gbp) over cell
            else 0
        end as exact_pennies
    from excess
    window cell as (partition by provider_code, department_code, service_code, scenario)
),

floored as (
    select
        *,
        floor(exact_pennies) as base_pennies,
        exact_pennies - floor(exact_pennies) as remainder,
        pennies - sum(floor(exact_pennies)) over cell as leftover
    from shares
    window cell as (partition by provider_code, department_code, service_code, scenario)
),

ranked as (
    select
        *,
        row_number() over (
            partition by provider_code, department_code, service_code, scenario
            order by remainder desc, currency_code
        ) as remainder_rank
    from floored
),

shared as (
    select
        *,
        (base_pennies + case when remainder_rank <= leftover then 1 else 0 end) / 100.0
            as share_gbp
    from ranked
)

select
    r.provider_code,
    any_value(r.pod_group) as pod_group,
    r.department_code,
    r.service_code,
    coalesce(any_value(t.service_name), r.service_code) as service_name,
    r.currency_code,
    any_value(r.activity) as activity,
    any_value(r.actual_cost_gbp) as actual_cost_gbp,
    any_value(r.adjusted_cost_gbp) as adjusted_cost_gbp,
    any_value(r.expected_cost_gbp) as expected_cost_gbp,
    any_value(r.cell_index) as cell_index,
    any_value(r.benchmark_index) as benchmark_index,
    any_value(r.excess_gbp) filter (where r.scenario = 'percentile') as excess_gbp,
    any_value(r.share_gbp) filter (where r.scenario = 'percentile') as opportunity_gbp,
    any_value(r.share_gbp) filter (where r.scenario = 'median') as opportunity_median_gbp
from shared as r
left join ref_treatment_functions as t using (service_code)
group by r.provider_code, r.department_code, r.service_code, r.currency_code;
