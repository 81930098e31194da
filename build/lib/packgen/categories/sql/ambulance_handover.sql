-- Ambulance handover delays (METHOD.md, "Ambulance"), ambulance providers.
-- Every minute of a handover over 15 minutes is the opportunity: the target is the standard 0
-- hours lost. Metric = crew hours lost over 15 minutes per handover (hours lost = sum over
-- handovers of max(0, minutes - 15) / 60, as published), volume = handovers, so the
-- opportunity in crew hours is the hours lost themselves; pounds = x cost per crew hour.
select
    'hours_lost_per_handover' as component,
    p.provider_code,
    'all' as sub_unit,
    'Hospital handovers' as sub_unit_label,
    cast(null as varchar) as department_code,
    cast(null as varchar) as service_code,
    a.handover_hours_lost as numerator,
    a.handovers as denominator,
    a.handovers as activity,
    a.handovers as volume,
    cast(null as double) as unit_value
from providers as p
left join ambulance as a using (provider_code)
where p.sector = 'ambulance'
