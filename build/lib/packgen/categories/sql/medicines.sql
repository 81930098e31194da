-- Medicines (METHOD.md, "Medicines"), acute and specialist providers.
-- Per molecule with a best-value generic or biosimilar: share of the quantity issued that is on
-- the best-value product, higher is better, against the peers' benchmark (75th percentile).
-- opportunity = max(0, benchmark share - share) x total quantity
--               x (provider's average unit price on other products - best-value unit price)
-- so volume = total quantity and the unit value is that price difference, worked out here.
-- Context: the share over all molecules together, quantity-weighted.
with use_rows as (
    select
        u.provider_code,
        r.molecule,
        r.is_best_value,
        u.quantity,
        u.cost_gbp
    from medicines_use as u
    inner join medicines_reference as r using (vmp_code)
    inner join providers as p using (provider_code)
    where p.sector in ('acute', 'specialist')
),

best_value_prices as (
    select
        molecule,
        any_value(unit_price_gbp) as best_value_unit_price
    from medicines_reference
    where is_best_value
    group by molecule
),

molecule_use as (
    select
        provider_code,
        molecule,
        -- a molecule with a suppressed or missing quantity has no valid share (never zero)
        count(*) = count(quantity) as quantities_complete,
        sum(quantity) as total_quantity,
        coalesce(sum(quantity) filter (where is_best_value), 0) as best_value_quantity,
        coalesce(sum(quantity) filter (where not is_best_value), 0) as other_quantity,
        sum(cost_gbp) filter (where not is_best_value) as other_cost,
        count(*) filter (where not is_best_value and cost_gbp is null) as other_costs_missing
    from use_rows
    group by provider_code, molecule
),

priced as (
    select
        m.*,
        case
            -- nothing on other products: nothing to switch, so nothing to price
            when m.other_quantity = 0 then 0.0
            -- a missing cost or best-value price leaves nothing to price with (greatest()
            -- would skip the NULL and say 0)
            when m.other_costs_missing > 0 or b.best_value_unit_price is null then null
            -- a provider already paying less on other products saves nothing by switching
            else greatest(0.0, m.other_cost / m.other_quantity - b.best_value_unit_price)
        end as price_difference
    from molecule_use as m
    left join best_value_prices as b using (molecule)
),

best_value_uptake as (
    select
        'best_value_uptake' as component,
        provider_code,
        molecule as sub_unit,
        molecule as sub_unit_label,
        case when quantities_complete then best_value_quantity end as numerator,
        case when quantities_complete then total_quantity end as denominator,
        total_quantity as activity,
        total_quantity as volume,
        price_difference as unit_value
    from priced
),

overall_uptake as (
    select
        'overall_uptake' as component,
        p.provider_code,
        'all' as sub_unit,
        'All best-value molecules' as sub_unit_label,
        case when bool_and(m.quantities_complete) then sum(m.best_value_quantity) end
            as numerator,
        case when bool_and(m.quantities_complete) then sum(m.total_quantity) end
            as denominator,
        sum(m.total_quantity) as activity,
        sum(m.total_quantity) as volume,
        -- context only: carries no opportunity
        1.0 as unit_value
    from providers as p
    left join molecule_use as m using (provider_code)
    where p.sector in ('acute', 'specialist')
    group by p.provider_code
)

select
    *,
    cast(null as varchar) as department_code,
    cast(null as varchar) as service_code
from (
    select * from best_value_uptake
    union all
    select * from overall_uptake
)
