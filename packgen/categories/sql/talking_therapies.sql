-- NHS Talking Therapies (docs/method.md, "DNAs"), mental health providers.
-- dna_rate: DNAs / booked appointments, lower is better, 25th percentile of peers' values;
--   excess DNAs = max(0, rate - benchmark) x booked; pounds = x cost per appointment.
-- contacts_per_wte: care contacts / clinical WTE, higher is better, 75th percentile;
--   WTE released = max(0, WTE - contacts / benchmark) (the engine's resource_released formula
--   with volume = WTE); pounds = x cost per WTE.
select
    'dna_rate' as component,
    provider_code,
    dna_appointments as numerator,
    booked_appointments as denominator,
    booked_appointments as activity,
    booked_appointments as volume
from talking_therapies
inner join category_providers using (provider_code)

union all

select
    'contacts_per_wte' as component,
    provider_code,
    care_contacts as numerator,
    clinical_wte as denominator,
    care_contacts as activity,
    clinical_wte as volume
from talking_therapies
inner join category_providers using (provider_code)
