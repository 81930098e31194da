-- Ambulance handover delays (docs/method.md, "Ambulance"), ambulance providers.
-- Every minute of a handover over 15 minutes is the opportunity: the target is the standard 0
-- hours lost. Metric = crew hours lost over 15 minutes per handover (hours lost = sum over
-- handovers of max(0, minutes - 15) / 60, as published), volume = handovers, so the
-- opportunity in crew hours is the hours lost themselves; pounds = x cost per crew hour.
select
    'hours_lost_per_handover' as component,
    provider_code,
    handover_hours_lost as numerator,
    handovers as denominator,
    handovers as activity,
    handovers as volume
from ambulance
inner join category_providers using (provider_code)
