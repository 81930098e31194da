-- Community length of stay (METHOD.md, "Length of stay"), community providers.
-- Per inpatient service: average length of stay = bed days / discharges, lower is better,
-- against the peers' benchmark (25th percentile of values) for the same service.
-- excess bed days = max(0, LOS - benchmark) x discharges; pounds = x cost per bed day.
-- Context: the provider's overall length of stay, all services together.
with stays as (
    select
        l.provider_code,
        l.service,
        l.discharges,
        l.bed_days
    from community_los as l
    inner join providers as p using (provider_code)
    where p.sector = 'community'
),

by_service as (
    select
        'los' as component,
        s.provider_code,
        s.service as sub_unit,
        coalesce(r.service_name, s.service) as sub_unit_label,
        s.bed_days as numerator,
        s.discharges as denominator,
        s.discharges as activity,
        s.discharges as volume,
        cast(null as double) as unit_value
    from stays as s
    left join ref_community_services as r using (service)
),

overall as (
    select
        'overall_los' as component,
        p.provider_code,
        'all' as sub_unit,
        'All inpatient services' as sub_unit_label,
        -- a total with a missing service is itself missing
        case
            when count(s.service) > 0 and count(s.bed_days) = count(s.service)
                then sum(s.bed_days)
        end as numerator,
        case
            when count(s.service) > 0 and count(s.discharges) = count(s.service)
                then sum(s.discharges)
        end as denominator,
        sum(s.discharges) as activity,
        sum(s.discharges) as volume,
        cast(null as double) as unit_value
    from providers as p
    left join stays as s using (provider_code)
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
