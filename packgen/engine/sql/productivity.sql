-- Productivity growth (docs/method.md, "Productivity growth"), for providers with two periods:
--   cost-weighted activity growth = sum(a_t x u_base) / sum(a_base x u_base) - 1
--   real-terms input growth       = (spend_t / deflator) / spend_base - 1
--   productivity growth           = (1 + activity growth) / (1 + input growth) - 1
-- a = activity per provider x department x currency; u_base = the base period's national mean
-- (MFF-adjusted) unit cost. Ranked within the provider's sector group; sector and national
-- figures are the same ratios over all their providers' sums.
create or replace table productivity_growth as
with base_unit_costs as (
    select
        b.department_code,
        b.currency_code,
        sum(b.actual_cost_gbp / p.mff) / sum(b.activity) as u_base
    from ncc_costs_prior as b
    inner join providers as p using (provider_code)
    where b.activity > 0 and b.actual_cost_gbp is not null and p.mff is not null
    group by all
),

current_activity as (
    select provider_code, department_code, currency_code, sum(activity) as a_t
    from ncc_costs
    where activity > 0
    group by all
),

base_activity as (
    select provider_code, department_code, currency_code, sum(activity) as a_base
    from ncc_costs_prior
    where activity > 0
    group by all
),

weighted as (
    select
        provider_code,
        sum(coalesce(c.a_t, 0) * u.u_base) as weighted_current,
        sum(coalesce(b.a_base, 0) * u.u_base) as weighted_base
    from current_activity as c
    full outer join base_activity as b using (provider_code, department_code, currency_code)
    inner join base_unit_costs as u using (department_code, currency_code)
    group by provider_code
),

deflator as (
    select coalesce(max(value), 1.0) as deflator
    from unit_values
    where key = 'input_deflator'
),

per_provider as (
    select
        p.provider_code,
        s.benchmark_group,
        w.weighted_current,
        w.weighted_base,
        i.spend_current_gbp / d.deflator as real_spend_current,
        i.spend_prior_gbp as spend_base
    from providers as p
    inner join ref_sectors as s using (sector)
    inner join weighted as w using (provider_code)
    inner join productivity_inputs as i using (provider_code)
    cross join deflator as d
    where w.weighted_base > 0 and i.spend_prior_gbp > 0 and i.spend_current_gbp is not null
),

growth as (
    select
        *,
        weighted_current / weighted_base - 1 as activity_growth,
        real_spend_current / spend_base - 1 as input_growth,
        (weighted_current / weighted_base) / (real_spend_current / spend_base) - 1
            as productivity_growth
    from per_provider
),

sector_growth as (
    select
        benchmark_group,
        (sum(weighted_current) / sum(weighted_base))
        / (sum(real_spend_current) / sum(spend_base)) - 1 as sector_productivity_growth
    from growth
    group by benchmark_group
),

national_growth as (
    select
        (sum(weighted_current) / sum(weighted_base))
        / (sum(real_spend_current) / sum(spend_base)) - 1 as national_productivity_growth
    from growth
)

select
    g.provider_code,
    g.benchmark_group,
    g.activity_growth,
    g.input_growth,
    g.productivity_growth,
    rank() over (partition by g.benchmark_group order by g.productivity_growth desc) as rank,
    count(*) over (partition by g.benchmark_group) as rank_of,
    s.sector_productivity_growth,
    n.national_productivity_growth
from growth as g
inner join sector_growth as s using (benchmark_group)
cross join national_growth as n
order by g.benchmark_group, rank;
