-- Acute cost: casemix-adjusted cost index per provider x department x service cell
-- (METHOD.md, "Acute cost"), from the staged NCC rows (engine/sql/staging/ncc.sql: MFF-adjusted
-- cost and expected cost at national mean unit costs). Returns the engine's input shape.
with acute_rows as (
    select *
    from stg_ncc_rows
    where sector in ('acute', 'specialist') and pod_group <> 'non_acute'
),

cells as (
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
    from acute_rows
    group by provider_code, department_code, service_code
),

-- Context: the provider's overall index over all its acute rows, for its rank among peers.
overall as (
    select
        'overall_cost_index' as component,
        provider_code,
        'all' as sub_unit,
        null as department_code,
        null as service_code,
        sum(adjusted_cost_gbp) as numerator,
        sum(expected_cost_gbp) as denominator,
        sum(activity) as activity,
        sum(expected_cost_gbp) as volume,
        any_value(mff) as unit_value
    from acute_rows
    group by provider_code
),

final as (
    select * from cells
    union all
    select * from overall
)

select
    f.*,
    case
        when f.sub_unit = 'all' then 'All acute activity'
        else coalesce(d.department_name, f.department_code) || ' - '
            || coalesce(t.service_name, f.service_code)
    end as sub_unit_label
from final as f
left join ref_departments as d using (department_code)
left join ref_treatment_functions as t using (service_code)
