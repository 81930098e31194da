-- Temporary staffing (docs/method.md, "Temporary staffing"), every sector.
-- The opportunity is a fixed reduction of the provider's own spend, not a comparison with peers:
-- agency down by the run's agency_reduction (30%), bank down by bank_reduction (10%), half of each
-- counted (temporary_staffing_share_counted; the other half buys substantive cover). The metric is
-- therefore the spend itself (denominator 1, volume 1) and the engine's fixed-rate target gives
-- opportunity = spend x rate x share counted.
-- Context: agency spend as a share of the total pay bill, against the peers' benchmark.
-- Temporary staffing has no activity count: activity is left empty (min_activity is 0).
select
    spend.component,
    provider_code,
    spend.gbp as numerator,
    1.0 as denominator,
    1.0 as volume
from temporary_staffing
inner join category_providers using (provider_code),
    unnest([
        {component: 'agency', gbp: agency_gbp},
        {component: 'bank', gbp: bank_gbp}
    ]) as t (spend)

union all by name

select
    'agency_share_of_pay_bill' as component,
    t.provider_code,
    t.agency_gbp as numerator,
    p.pay_bill_gbp as denominator,
    p.pay_bill_gbp as volume,
    -- context only: carries no opportunity, so the unit value is a neutral 1
    1.0 as unit_value
from temporary_staffing as t
inner join category_providers as p using (provider_code)
