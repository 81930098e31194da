-- Peer values and benchmarks per category x component x sub-unit x peer set.
-- Percentiles are unweighted (one provider, one value) and linear (quantile_cont, as Excel
-- PERCENTILE.INC). The quantile is in metric space: for a lower-is-better metric the 75th
-- percentile of performance is the 25th percentile of values ($quantile_lower), for a
-- higher-is-better metric the 75th ($quantile_higher); 'median' targets use 0.5.
create or replace table engine_peer_values as
with peer_values as (
    select
        m.category,
        m.component,
        m.sub_unit,
        pm.peer_set,
        m.provider_code,
        m.metric,
        m.direction,
        m.target
    from engine_metrics as m
    inner join engine_peer_members as pm using (provider_code)
    where m.threshold_reason is null
)

select
    *,
    row_number() over performance as rank,
    count(*) over cell as peers
from peer_values
window
    cell as (partition by category, component, sub_unit, peer_set),
    performance as (
        partition by category, component, sub_unit, peer_set
        order by case when direction = 'lower' then metric else -metric end, provider_code
    );

create or replace table engine_benchmarks as
select
    category,
    component,
    sub_unit,
    peer_set,
    count(*) as peers,
    case
        when any_value(target) = 'median' then quantile_cont(metric, 0.5)
        when any_value(direction) = 'lower' then quantile_cont(metric, $quantile_lower)
        else quantile_cont(metric, $quantile_higher)
    end as benchmark,
    -- the cautious end of the range (docs/method.md, "The range"): the median of the same peers
    quantile_cont(metric, 0.5) as benchmark_median
from engine_peer_values
group by category, component, sub_unit, peer_set;
