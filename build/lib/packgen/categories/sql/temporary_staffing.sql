-- Temporary staffing (METHOD.md, "Temporary staffing"), every sector.
-- The opportunity is a fixed reduction of the provider's own spend, not a comparison with peers:
-- agency down by the run's agency_reduction (30%), bank down by bank_reduction (10%), half of each
-- counted (temporary_staffing_share_counted; the other half buys substantive cover). The metric is
-- therefore the spend itself (denominator 1, volume 1) and the engine's fixed-rate target gives
-- opportunity = spend x rate x share counted.
-- Context: agency spend as a share of the total pay bill, against the peers' benchmark.
-- Temporary staffing has no activity count: activity is left empty (min_activity is 0).
with staffing as (
    select
        p.provider_code,
        p.pay_bill_gbp,
        t.agency_gbp,
        t.bank_gbp
    from providers as p
    -- every provider gets a row: one with no return shows as "no valid data", never as zero
    left join temporary_staffing as t using (provider_code)
),

agency as (
    select
        'agency' as component,
        provider_code,
        'all' as sub_unit,
        'Agency staff' as sub_unit_label,
        agency_gbp as numerator,
        1.0 as denominator,
        cast(null as double) as activity,
        1.0 as volume,
        cast(null as double) as unit_value
    from staffing
),

bank as (
    select
        'bank' as component,
        provider_code,
        'all' as sub_unit,
        'Bank staff' as sub_unit_label,
        bank_gbp as numerator,
        1.0 as denominator,
        cast(null as double) as activity,
        1.0 as volume,
        cast(null as double) as unit_value
    from staffing
),

agency_share as (
    select
        'agency_share_of_pay_bill' as component,
        provider_code,
        'all' as sub_unit,
        'Agency spend as a share of the pay bill' as sub_unit_label,
        agency_gbp as numerator,
        pay_bill_gbp as denominator,
        cast(null as double) as activity,
        pay_bill_gbp as volume,
        -- context only: carries no opportunity, so the unit value is a neutral 1
        1.0 as unit_value
    from staffing
)

select
    *,
    cast(null as varchar) as department_code,
    cast(null as varchar) as service_code
from (
    select * from agency
    union all
    select * from bank
    union all
    select * from agency_share
)
