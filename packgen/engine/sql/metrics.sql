-- Metric per provider x category x component x sub-unit, with the unit value resolved and the
-- reason (if any) the row fails its own thresholds: first an input the engine found missing
-- (engine/sql/inputs.sql), then no valid value, then activity and volume. A row that fails them
-- is not assessed and is not a peer value either (docs/method.md, "Words").
create or replace table engine_metrics as
with inputs as (
    select
        i.*,
        s.* exclude (category, component, sectors, pooled_from, pooled_sums, default_label,
                     provider_columns, missing_input, reason_no_rows),
        case
            when s.unit_value_source = 'sql' then i.unit_value
            when s.unit_value_source = 'fixed' then s.unit_value_fixed
            else u.value
        end as resolved_unit_value
    from engine_input as i
    inner join engine_component_spec as s using (category, component)
    left join unit_values as u on u.key = s.unit_value_key
),

valued as (
    select
        *,
        case
            when denominator > 0 and numerator is not null then numerator / denominator
        end as metric
    from inputs
)

select
    * exclude (unit_value, resolved_unit_value, supply_reason, volume_prefix),
    resolved_unit_value as unit_value,
    case
        when supply_reason is not null then supply_reason
        when metric is null then reason_no_data
        -- The value in the reason keeps its pennies when it has them: rounded, 9,999.60
        -- read "under 10,000 (10,000)".
        when coalesce(activity, 0) < min_activity
            then reason_activity || ' (' || format(
                case when activity = floor(activity) or activity is null then '{:,.0f}'
                     else '{:,.2f}' end, coalesce(activity, 0)) || ')'
        when coalesce(volume, 0) < min_volume
            then reason_volume || ' (' || volume_prefix || format(
                case when volume = floor(volume) or volume is null then '{:,.0f}'
                     else '{:,.2f}' end, coalesce(volume, 0)) || ')'
    end as threshold_reason,
    -- the same rule as a code, for code (tests, the workbook) to match instead of the wording
    case
        when supply_reason is not null then 'no_data_supplied'
        when metric is null then 'no_valid_data'
        when coalesce(activity, 0) < min_activity then 'activity_under_threshold'
        when coalesce(volume, 0) < min_volume then 'volume_under_threshold'
    end as threshold_reason_code
from valued;
