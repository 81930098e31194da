-- Community patient DNAs (METHOD.md, "DNAs"), community providers.
-- Per service: DNA rate = did-not-attend appointments / booked appointments, lower is better,
-- against the peers' benchmark (25th percentile of values) for the same service.
-- excess DNAs = max(0, rate - benchmark) x booked; pounds = x cost per appointment.
-- Context: the provider's overall DNA rate, all services together.
with appointments as (
    select
        a.provider_code,
        a.service,
        a.booked_appointments,
        a.dna_appointments
    from community_appointments as a
    inner join providers as p using (provider_code)
    where p.sector = 'community'
),

by_service as (
    select
        'dna_rate' as component,
        a.provider_code,
        a.service as sub_unit,
        coalesce(r.service_name, a.service) as sub_unit_label,
        a.dna_appointments as numerator,
        a.booked_appointments as denominator,
        a.booked_appointments as activity,
        a.booked_appointments as volume,
        cast(null as double) as unit_value
    from appointments as a
    left join ref_community_services as r using (service)
),

overall as (
    select
        'overall_dna_rate' as component,
        p.provider_code,
        'all' as sub_unit,
        'All services' as sub_unit_label,
        -- a total with a missing service is itself missing
        case
            when count(a.service) > 0 and count(a.dna_appointments) = count(a.service)
                then sum(a.dna_appointments)
        end as numerator,
        case
            when count(a.service) > 0 and count(a.booked_appointments) = count(a.service)
                then sum(a.booked_appointments)
        end as denominator,
        sum(a.booked_appointments) as activity,
        sum(a.booked_appointments) as volume,
        cast(null as double) as unit_value
    from providers as p
    left join appointments as a using (provider_code)
    where p.sector = 'community'
    group by p.provider_code
)

select
    *,
    cast(null as varchar) as department_code,
    cast(null as varchar) as service_code
from (
    select * from by_service
    union all
    select * from overall
)
