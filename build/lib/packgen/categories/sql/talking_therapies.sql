-- NHS Talking Therapies (METHOD.md, "DNAs"), mental health providers.
-- dna_rate: DNAs / booked appointments, lower is better, 25th percentile of peers' values;
--   excess DNAs = max(0, rate - benchmark) x booked; pounds = x cost per appointment.
-- contacts_per_wte: care contacts / clinical WTE, higher is better, 75th percentile;
--   WTE released = max(0, WTE - contacts / benchmark) (the engine's resource_released formula
--   with volume = WTE); pounds = x cost per WTE.
with therapies as (
    select
        p.provider_code,
        t.booked_appointments,
        t.dna_appointments,
        t.care_contacts,
        t.clinical_wte
    from providers as p
    -- every provider gets a row: one with no return shows as "no valid data", never as zero
    left join talking_therapies as t using (provider_code)
    where p.sector = 'mental_health'
),

dna_rate as (
    select
        'dna_rate' as component,
        provider_code,
        dna_appointments as numerator,
        booked_appointments as denominator,
        booked_appointments as activity,
        booked_appointments as volume
    from therapies
),

contacts_per_wte as (
    select
        'contacts_per_wte' as component,
        provider_code,
        care_contacts as numerator,
        clinical_wte as denominator,
        care_contacts as activity,
        clinical_wte as volume
    from therapies
)

select
    *,
    'all' as sub_unit,
    'NHS Talking Therapies service' as sub_unit_label,
    cast(null as varchar) as department_code,
    cast(null as varchar) as service_code,
    cast(null as double) as unit_value
from (
    select * from dna_rate
    union all
    select * from contacts_per_wte
)
