-- Estates and procurement (METHOD.md, "Estates and procurement"), every sector.
-- Energy: electricity and gas kWh per m2 of gross internal area against the peers' MEDIAN;
--   excess kWh = max(0, kWh/m2 - median) x m2, priced at the provider's own cost per kWh of
--   that fuel (its cost / its kWh).
-- General supplies and services: spend / income against the median; opportunity in pounds
--   = max(0, share - median) x income.
-- Clinical supplies and services: a flat reduction (clinical_supplies_reduction, 3%) of the
--   provider's own spend: metric = spend, denominator 1, volume 1.
-- Context: electricity and gas together per m2, against the median.
-- None of these has an activity count: activity is left empty (min_activity is 0).
with estates_rows as (
    select
        p.provider_code,
        p.income_gbp,
        e.gia_m2,
        e.electricity_kwh,
        e.electricity_cost_gbp,
        e.gas_kwh,
        e.gas_cost_gbp,
        e.general_supplies_gbp,
        e.clinical_supplies_gbp
    from providers as p
    left join estates as e using (provider_code)
),

electricity as (
    select
        'electricity' as component,
        provider_code,
        'all' as sub_unit,
        'Electricity' as sub_unit_label,
        electricity_kwh as numerator,
        gia_m2 as denominator,
        cast(null as double) as activity,
        gia_m2 as volume,
        -- own price per kWh; a provider that used none has nothing to price (0, not missing)
        case
            when electricity_kwh > 0 then electricity_cost_gbp / electricity_kwh
            when electricity_kwh = 0 then 0.0
        end as unit_value
    from estates_rows
),

gas as (
    select
        'gas' as component,
        provider_code,
        'all' as sub_unit,
        'Gas' as sub_unit_label,
        gas_kwh as numerator,
        gia_m2 as denominator,
        cast(null as double) as activity,
        gia_m2 as volume,
        case
            when gas_kwh > 0 then gas_cost_gbp / gas_kwh
            when gas_kwh = 0 then 0.0
        end as unit_value
    from estates_rows
),

general_supplies as (
    select
        'general_supplies' as component,
        provider_code,
        'all' as sub_unit,
        'General supplies and services' as sub_unit_label,
        general_supplies_gbp as numerator,
        income_gbp as denominator,
        cast(null as double) as activity,
        income_gbp as volume,
        1.0 as unit_value
    from estates_rows
),

clinical_supplies as (
    select
        'clinical_supplies' as component,
        provider_code,
        'all' as sub_unit,
        'Clinical supplies and services' as sub_unit_label,
        clinical_supplies_gbp as numerator,
        1.0 as denominator,
        cast(null as double) as activity,
        1.0 as volume,
        1.0 as unit_value
    from estates_rows
),

energy as (
    select
        'energy_per_m2' as component,
        provider_code,
        'all' as sub_unit,
        'Electricity and gas' as sub_unit_label,
        -- missing if either fuel is missing (a missing fuel is not zero kWh)
        electricity_kwh + gas_kwh as numerator,
        gia_m2 as denominator,
        cast(null as double) as activity,
        gia_m2 as volume,
        1.0 as unit_value
    from estates_rows
)

select
    *,
    cast(null as varchar) as department_code,
    cast(null as varchar) as service_code
from (
    select * from electricity
    union all
    select * from gas
    union all
    select * from general_supplies
    union all
    select * from clinical_supplies
    union all
    select * from energy
)
