-- The engine's scaffolding around the category SQL (engine_input_raw), so that category SQL
-- holds only its own arithmetic:
-- 1. pooled rows: a component declared `pooled_from` another gets one row per provider, 'all',
--    summing the source rows' `pooled_sums` columns (a sum with a missing part is missing,
--    never understated) and taking the other columns as they are (the same on every row);
-- 2. the provider grid: every provider of a category's sectors gets a row for each component,
--    a "no data supplied" row where the category SQL gave it none;
-- 3. the reason a provider lacks data: the component's missing input bundle-wide, a blank
--    providers value it needs, or no rows in its main table. Such rows are not assessed and are
--    not peer values.
create or replace table engine_input as
with pooled as (
    select
        i.category,
        s.component,
        i.provider_code,
        'all' as sub_unit,
        s.default_label as sub_unit_label,
        null::varchar as department_code,
        null::varchar as service_code,
        case
            when not list_contains(s.pooled_sums, 'numerator') then any_value(i.numerator)
            when count(i.numerator) = count(*) then sum(i.numerator)
        end as numerator,
        case
            when not list_contains(s.pooled_sums, 'denominator') then any_value(i.denominator)
            when count(i.denominator) = count(*) then sum(i.denominator)
        end as denominator,
        case
            when not list_contains(s.pooled_sums, 'activity') then any_value(i.activity)
            else sum(i.activity)
        end as activity,
        case
            when not list_contains(s.pooled_sums, 'volume') then any_value(i.volume)
            else sum(i.volume)
        end as volume,
        -- one unit value for the pool (e.g. the trust's MFF), or none when its rows differ
        case when count(distinct i.unit_value) = 1 then any_value(i.unit_value) end
            as unit_value
    from engine_input_raw as i
    inner join engine_component_spec as s
        on s.category = i.category and s.pooled_from = i.component
    group by i.category, s.component, i.provider_code, s.default_label, s.pooled_sums
),

given as (
    select
        category,
        component,
        provider_code,
        coalesce(sub_unit, 'all') as sub_unit,
        sub_unit_label,
        department_code,
        service_code,
        numerator,
        denominator,
        activity,
        volume,
        unit_value
    from engine_input_raw
    union all
    select * from pooled
),

scope as (
    select s.category, s.component, p.provider_code, s.default_label
    from engine_component_spec as s
    inner join providers as p on list_contains(s.sectors, p.sector)
),

placeholders as (
    select
        sc.category,
        sc.component,
        sc.provider_code,
        'all' as sub_unit,
        coalesce(sc.default_label, 'Whole trust') as sub_unit_label,
        null::varchar as department_code,
        null::varchar as service_code,
        null::double as numerator,
        null::double as denominator,
        null::double as activity,
        null::double as volume,
        null::double as unit_value
    from scope as sc
    anti join given as g using (category, component, provider_code)
),

provider_gap as (
    -- the first needed providers column (in the declared order) that is blank for the provider
    select
        s.category,
        s.component,
        g.provider_code,
        arg_min(g.reason, list_position(s.provider_columns, g.column_name)) as reason
    from engine_component_spec as s
    inner join engine_provider_gaps as g on list_contains(s.provider_columns, g.column_name)
    group by all
)

select
    r.* exclude (sub_unit_label, placeholder),
    coalesce(r.sub_unit_label, s.default_label, r.sub_unit) as sub_unit_label,
    coalesce(
        s.missing_input,
        pg.reason,
        case when r.placeholder then s.reason_no_rows end
    ) as supply_reason
from (
    select *, false as placeholder from given
    union all
    select *, true as placeholder from placeholders
) as r
inner join engine_component_spec as s using (category, component)
left join provider_gap as pg using (category, component, provider_code);
