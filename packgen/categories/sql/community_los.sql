-- Community length of stay (docs/method.md, "Length of stay"), community providers.
-- Per inpatient service: average length of stay = bed days / discharges, lower is better,
-- against the peers' benchmark (25th percentile of values) for the same service.
-- excess bed days = max(0, LOS - benchmark) x discharges; pounds = x cost per bed day.
-- The overall length of stay (context) is pooled from these rows by the engine (pooled_from).
select
    'los' as component,
    l.provider_code,
    l.service as sub_unit,
    coalesce(r.service_name, l.service) as sub_unit_label,
    l.bed_days as numerator,
    l.discharges as denominator,
    l.discharges as activity,
    l.discharges as volume
from community_los as l
inner join category_providers using (provider_code)
left join ref_community_services as r using (service)
