-- Ambulance incidents per WTE (METHOD.md, "Ambulance"), ambulance providers.
-- Incidents / whole-time equivalent staff, higher is better, 75th percentile of peers' values;
-- WTE released = max(0, WTE - incidents / benchmark) (the engine's resource_released formula
-- with volume = WTE); pounds = x cost per WTE.
select
    'incidents_per_wte' as component,
    p.provider_code,
    'all' as sub_unit,
    'Whole trust' as sub_unit_label,
    cast(null as varchar) as department_code,
    cast(null as varchar) as service_code,
    a.incidents as numerator,
    a.wte as denominator,
    a.incidents as activity,
    a.wte as volume,
    cast(null as double) as unit_value
from providers as p
left join ambulance as a using (provider_code)
where p.sector = 'ambulance'
