-- Mental health length of stay by ward type (docs/method.md, "Length of stay"), mental health
-- providers. Per ward type: bed days / discharges, lower is better. The ward type is the
-- sub-unit, so each ward type is benchmarked only against the same ward type elsewhere.
-- excess bed days = max(0, LOS - benchmark) x discharges; pounds = x cost per bed day.
-- No pooled context: an all-wards figure mixes PICU with rehabilitation and misleads.
select
    'los' as component,
    l.provider_code,
    l.ward_type as sub_unit,
    coalesce(w.ward_type_name, l.ward_type) as sub_unit_label,
    l.bed_days as numerator,
    l.discharges as denominator,
    l.discharges as activity,
    l.discharges as volume
from mh_los as l
inner join category_providers using (provider_code)
left join ref_mh_ward_types as w using (ward_type)
