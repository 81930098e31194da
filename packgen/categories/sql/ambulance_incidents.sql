-- Ambulance incidents per WTE (docs/method.md, "Ambulance"), ambulance providers.
-- Incidents / whole-time equivalent staff, higher is better, 75th percentile of peers' values;
-- WTE released = max(0, WTE - incidents / benchmark) (the engine's resource_released formula
-- with volume = WTE); pounds = x cost per WTE.
select
    'incidents_per_wte' as component,
    provider_code,
    incidents as numerator,
    wte as denominator,
    incidents as activity,
    wte as volume
from ambulance
inner join category_providers using (provider_code)
