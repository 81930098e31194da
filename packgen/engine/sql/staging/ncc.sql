-- Staging for everything that reads National Cost Collection rows (acute cost, its HRG
-- drill-down, productivity growth): rows that can be used, MFF-adjusted, with their expected
-- cost at national mean unit costs.

-- National mean unit cost of a department x currency (docs/method.md, "Acute cost" step 2): sum of
-- MFF-adjusted cost / sum of activity over every row of every provider that has activity and
-- cost, before any threshold; the national schedule's mean wins where the run is given one.
-- Never pooled across departments.
create or replace table stg_national_unit_costs as
with usable as (
    select c.department_code, c.currency_code, c.activity, c.actual_cost_gbp / p.mff as adjusted
    from ncc_costs as c
    inner join providers as p using (provider_code)
    -- a provider without an MFF has no adjusted cost: it cannot inform the national mean
    where c.activity > 0 and c.actual_cost_gbp is not null and p.mff is not null
),

computed as (
    select department_code, currency_code, sum(adjusted) / sum(activity) as unit_cost_gbp
    from usable
    group by all
)

select
    c.department_code,
    c.currency_code,
    coalesce(s.unit_cost_gbp, c.unit_cost_gbp) as unit_cost_gbp,
    case when s.unit_cost_gbp is null then 'computed from ncc_costs' else 'national schedule' end
        as unit_cost_source
from computed as c
left join national_unit_costs as s using (department_code, currency_code);

-- Usable NCC rows: suppressed, blank or zero activity and missing cost are left out (they are
-- counted in the data notes), never treated as zero; so are the rows of a provider without an
-- MFF (its acute cost is "not assessed: no data supplied").
create or replace table stg_ncc_rows as
select
    c.provider_code,
    p.sector,
    d.pod_group,
    c.department_code,
    c.service_code,
    c.currency_code,
    c.activity,
    c.actual_cost_gbp,
    p.mff,
    c.actual_cost_gbp / p.mff as adjusted_cost_gbp,
    c.activity * n.unit_cost_gbp as expected_cost_gbp
from ncc_costs as c
inner join providers as p using (provider_code)
inner join ref_departments as d using (department_code)
inner join stg_national_unit_costs as n using (department_code, currency_code)
where c.activity > 0 and c.actual_cost_gbp is not null and p.mff is not null;
