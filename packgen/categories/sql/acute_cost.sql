-- Acute cost: casemix-adjusted cost index per provider x department x service cell
-- (docs/method.md, "Acute cost"), from the staged NCC rows (engine/sql/staging/ncc.sql: MFF-adjusted
-- cost and expected cost at national mean unit costs). The provider's overall index over all its
-- acute rows (context, for its rank among peers) is pooled from the cells by the engine.
with cells as (
    select
        'cost_index' as component,
        provider_code,
        department_code || '/' || service_code as sub_unit,
        department_code,
        service_code,
        sum(adjusted_cost_gbp) as numerator,
        sum(expected_cost_gbp) as denominator,
        sum(activity) as activity,
        sum(expected_cost_gbp) as volume,
        -- the opportunity is in the provider's own cash: national prices x its MFF
        any_value(mff) as unit_value
    from stg_ncc_rows
    semi join category_providers using (provider_code)
    where pod_group <> 'non_acute'
    group by provider_code, department_code, service_code
)

select
    c.*,
    coalesce(d.department_name, c.department_code) || ' - '
    || coalesce(t.service_name, c.service_code) as sub_unit_label
from cells as c
left join ref_departments as d using (department_code)
left join ref_treatment_functions as t using (service_code)
