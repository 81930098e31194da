-- Result rows in the schema shared by every category: metric, benchmark, peers, thresholds,
-- and the opportunity in native units and in pounds (docs/method.md, "Words"). Never negative;
-- context rows are benchmarked but carry no opportunity.
-- Every peer-based component is benchmarked twice (docs/method.md, "The range"): at the run's
-- percentile of performance and at the peers' median, the cautious end; a fixed target (a cut of
-- the trust's own spend, a national standard) has one figure, given in both columns.

-- max(0, gap) x volume, or the resource released at the target rate; 0 when the target cannot
-- divide (a zero benchmark is a reason of its own for the run's target).
create or replace macro opportunity_in_units(formula, direction, metric, target, volume) as
    case
        when formula = 'resource_released'
            then case when target > 0 then greatest(0.0, volume * (1 - metric / target)) end
        else greatest(0.0, case
            when direction = 'lower' then metric - target
            else target - metric
        end) * volume
    end;

create or replace table result_rows as
with joined as (
    select
        m.*,
        ps.peer_set,
        b.peers as peer_count,
        case m.target
            when 'fixed_rate' then m.metric * (1 - m.rate)
            when 'standard' then m.standard
            else b.benchmark
        end as target_value,
        case m.target
            when 'fixed_rate' then m.metric * (1 - m.rate)
            when 'standard' then m.standard
            else b.benchmark_median
        end as target_value_median
    from engine_metrics as m
    inner join engine_peer_sets as ps using (provider_code)
    left join engine_benchmarks as b using (category, component, sub_unit, peer_set)
),

screened as (
    select
        *,
        coalesce(
            threshold_reason,
            case
                when target in ('percentile', 'median') and coalesce(peer_count, 0) < min_peers
                    then 'fewer than ' || min_peers || ' peers with valid data ('
                        || coalesce(peer_count, 0) || ')'
            end,
            -- a context row carries no opportunity: it needs no unit value
            case when unit_value is null and role <> 'context' then reason_unit_value end,
            case
                when formula = 'resource_released' and not target_value > 0
                    then 'benchmark is zero'
            end
        ) as reason,
        coalesce(
            threshold_reason_code,
            case
                when target in ('percentile', 'median') and coalesce(peer_count, 0) < min_peers
                    then 'too_few_peers'
            end,
            case when unit_value is null and role <> 'context' then 'unit_value_missing' end,
            case
                when formula = 'resource_released' and not target_value > 0
                    then 'benchmark_zero'
            end
        ) as reason_code
    from joined
),

gapped as (
    select
        *,
        case when direction = 'lower' then metric - target_value else target_value - metric end
            as gap,
        -- a row that cannot be priced still shows its excess in native units (kWh, bed days):
        -- it is not assessed in pounds only
        (reason is not null and reason_code <> 'unit_value_missing') or role = 'context'
            as carries_none
    from screened
),

sized as (
    select
        *,
        case
            when carries_none then 0.0
            else opportunity_in_units(formula, direction, metric, target_value, volume)
        end as opportunity_native,
        case
            when carries_none then 0.0
            else coalesce(opportunity_in_units(
                formula, direction, metric, target_value_median, volume), 0.0)
        end as opportunity_median_native
    from gapped
)

select
    provider_code,
    category,
    component,
    role,
    sub_unit,
    sub_unit_label,
    department_code,
    service_code,
    peer_set,
    reason is null as assessed,
    reason,
    reason_code,
    numerator,
    denominator,
    activity,
    metric,
    case
        when reason is null or reason_code = 'unit_value_missing' or target = 'fixed_rate'
            then target_value
    end as benchmark,
    case
        when reason is null or reason_code = 'unit_value_missing' or target = 'fixed_rate'
            then target_value_median
    end as benchmark_median,
    -- 0, not blank, when no peer has valid data: the reason quotes the same count
    case when target in ('percentile', 'median') then coalesce(peer_count, 0) end as peers,
    volume,
    unit_value,
    case when reason is null or reason_code = 'unit_value_missing' then gap end as gap,
    opportunity_native,
    native_unit,
    round(opportunity_native * coalesce(unit_value, 0), 2) as opportunity_gbp,
    opportunity_median_native,
    round(opportunity_median_native * coalesce(unit_value, 0), 2) as opportunity_median_gbp,
    target in ('percentile') as has_range,
    case
        when formula = 'resource_released'
            then 'MAX(0, volume x (1 - metric / benchmark)) x unit_value'
        when direction = 'lower' then 'MAX(0, metric - benchmark) x volume x unit_value'
        else 'MAX(0, benchmark - metric) x volume x unit_value'
    end as formula,
    -- which recomputation the workbook writes for the row: none for a row that carries no
    -- opportunity by rule (not assessed, or context)
    case
        when reason is not null then 'not_assessed'
        when role = 'context' then 'context'
        when formula = 'resource_released' then 'resource_released'
        when direction = 'lower' then 'lower_is_better'
        else 'higher_is_better'
    end as formula_id,
    role = 'opportunity' as in_total
from sized;
