-- Medicines (docs/method.md, "Medicines"), acute and specialist providers.
-- Per molecule with a best-value generic or biosimilar: share of the quantity issued that is on
-- the best-value product, higher is better, against the peers' benchmark (75th percentile).
-- opportunity = max(0, benchmark share - share) x total quantity
--               x (provider's average unit price on other products - best-value unit price)
-- so volume = total quantity and the unit value is that price difference, worked out here.
-- The share over all molecules together (context, quantity-weighted) is pooled from these rows
-- by the engine (pooled_from).
with use_rows as (
    select
        u.provider_code,
        r.molecule,
        r.is_best_value,
        u.quantity,
        u.cost_gbp
    from medicines_use as u
    inner join medicines_reference as r using (vmp_code)
    inner join category_providers using (provider_code)
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
)

select * from best_value_uptake
