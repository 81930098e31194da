-- Community patient DNAs (docs/method.md, "DNAs"), community providers.
-- Per service: DNA rate = did-not-attend appointments / booked appointments, lower is better,
-- against the peers' benchmark (25th percentile of values) for the same service.
-- excess DNAs = max(0, rate - benchmark) x booked; pounds = x cost per appointment.
-- The overall DNA rate (context) is pooled from these rows by the engine (pooled_from).
select
    'dna_rate' as component,
    a.provider_code,
    a.service as sub_unit,
    coalesce(r.service_name, a.service) as sub_unit_label,
    a.dna_appointments as numerator,
    a.booked_appointments as denominator,
    a.booked_appointments as activity,
    a.booked_appointments as volume
from community_appointments as a
inner join category_providers using (provider_code)
left join ref_community_services as r using (service)
