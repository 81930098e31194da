-- Estates and procurement (docs/method.md, "Estates and procurement"), every sector.
-- Energy: electricity and gas kWh per m2 of gross internal area against the peers' MEDIAN;
--   excess kWh = max(0, kWh/m2 - median) x m2, priced at the provider's own cost per kWh of
--   that fuel (its cost / its kWh), or, where only the total energy cost is known (ERIC), at
--   its average energy price (total energy cost / total kWh), and labelled so. Without either,
--   the excess kWh is still reported, not priced.
-- General supplies and services: spend / income against the median; opportunity in pounds
--   = max(0, share - median) x income.
-- Clinical supplies and services: a flat reduction (clinical_supplies_reduction, 3%) of the
--   provider's own spend: metric = spend, denominator 1, volume 1.
-- Context: electricity and gas together per m2, against the median.
-- None of these has an activity count: activity is left empty (min_activity is 0).
with estates_rows as (
    select
        e.*,
        p.income_gbp,
        case when e.energy_kwh > 0 then e.energy_cost_gbp / e.energy_kwh end
            as average_energy_price
    from estates as e
    inner join category_providers as p using (provider_code)
),

fuels as (
    select
        provider_code,
        gia_m2,
        average_energy_price,
        unnest([
            {component: 'electricity', label: 'Electricity', kwh: electricity_kwh,
             cost: electricity_cost_gbp},
            {component: 'gas', label: 'Gas', kwh: gas_kwh, cost: gas_cost_gbp}
        ]) as fuel
    from estates_rows
),

energy as (
    select
        fuel.component,
        provider_code,
        -- a provider that used none of a fuel has nothing to price (0, not missing)
        case
            when fuel.kwh = 0 then 0.0
            when fuel.kwh > 0 and fuel.cost is not null then fuel.cost / fuel.kwh
            else average_energy_price
        end as unit_value,
        case
            when fuel.kwh > 0 and fuel.cost is null and average_energy_price is not null
                then fuel.label || ' (priced at the trust''s average energy price)'
            else fuel.label
        end as sub_unit_label,
        fuel.kwh as numerator,
        gia_m2 as denominator,
        gia_m2 as volume
    from fuels
)

select * from energy

union all by name

select
    'general_supplies' as component,
    provider_code,
    'General supplies and services' as sub_unit_label,
    general_supplies_gbp as numerator,
    income_gbp as denominator,
    income_gbp as volume,
    1.0 as unit_value
from estates_rows

union all by name

select
    'clinical_supplies' as component,
    provider_code,
    'Clinical supplies and services' as sub_unit_label,
    clinical_supplies_gbp as numerator,
    1.0 as denominator,
    1.0 as volume,
    1.0 as unit_value
from estates_rows

union all by name

select
    'energy_per_m2' as component,
    provider_code,
    'Electricity and gas' as sub_unit_label,
    -- missing if either fuel is missing (a missing fuel is not zero kWh)
    electricity_kwh + gas_kwh as numerator,
    gia_m2 as denominator,
    gia_m2 as volume,
    1.0 as unit_value
from estates_rows
