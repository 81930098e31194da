-- Mental health length of stay by ward type (METHOD.md, "Length of stay"), mental health
-- providers. Per ward type: bed days / discharges, lower is better. The ward type is the
-- sub-unit, so each ward type is benchmarked only against the same ward type elsewhere.
-- excess bed days = max(0, LOS - benchmark) x discharges; pounds = x cost per bed day.
-- No pooled context: an all-wards figure mixes PICU with rehabilitation and misleads.
with stays as (
    select
        l.provider_code,
        l.ward_type,
        l.discharges,
        l.bed_days
    from mh_los as l
    inner join providers as p using (provider_code)
    where p.sector = 'mental_health'
)

select
    'los' as component,
    s.provider_code,
    s.ward_type as sub_unit,
    coalesce(w.ward_type_name, s.ward_type) as sub_unit_label,
    cast(null as varchar) as department_code,
    cast(null as varchar) as service_code,
    s.bed_days as numerator,
    s.discharges as denominator,
    s.discharges as activity,
    s.discharges as volume,
    cast(null as double) as unit_value
from stays as s
left join ref_mh_ward_types as w using (ward_type)
