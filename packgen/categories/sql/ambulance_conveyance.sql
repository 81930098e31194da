-- Ambulance conveyance to ED (docs/method.md, "Ambulance"), ambulance providers.
-- Rate = incidents conveyed to an emergency department / incidents with a face-to-face
-- response, lower is better, 25th percentile of peers' values;
-- avoided conveyances = max(0, rate - benchmark) x face-to-face incidents;
-- pounds = x (See and Convey unit cost - See and Treat unit cost), from unit_values.
with unit_costs as (
    select
        max(value) filter (where key = 'see_and_convey_unit_cost') as see_and_convey,
        max(value) filter (where key = 'see_and_treat_unit_cost') as see_and_treat
    from unit_values
),

convey_saving as (
    select
        -- the saving of treating at scene instead of conveying; never negative, and missing
        -- (not zero: greatest() skips NULLs) when either unit cost is missing
        case
            when see_and_convey is not null and see_and_treat is not null
                then greatest(0.0, see_and_convey - see_and_treat)
        end as unit_value
    from unit_costs
)

select
    'conveyance_rate' as component,
    a.provider_code,
    a.conveyed_to_ed as numerator,
    a.face_to_face_incidents as denominator,
    a.face_to_face_incidents as activity,
    a.face_to_face_incidents as volume,
    s.unit_value
from ambulance as a
inner join category_providers using (provider_code)
cross join convey_saving as s
