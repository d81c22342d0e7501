{%- set pareto_share = ecommerce.number_var('pareto_share', 0, 1, exclusive=true) %}

with

purchases as (
    select * from {{ ref('int_customer_purchases_aggregated') }}
),

ranked as (
    select
        customer_id,
        total_revenue,
        transactions,
        units,
        first_purchase_date,
        last_purchase_date,
        row_number() over (order by total_revenue desc, customer_id asc) as revenue_rank
    from purchases
),

running_totals as (
    select
        customer_id,
        total_revenue,
        transactions,
        units,
        first_purchase_date,
        last_purchase_date,
        revenue_rank,
        sum(total_revenue) over (
            order by revenue_rank rows between unbounded preceding and current row
        ) as cumulative_revenue,
        sum(total_revenue) over () as all_revenue
    from ranked
),

final as (
    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(total_revenue as {{ ecommerce.type_money() }}) as total_revenue,
        cast(transactions as {{ dbt.type_bigint() }}) as transactions,
        cast(units as {{ dbt.type_bigint() }}) as units,
        cast(
            {{ ecommerce.money_divide("total_revenue", "transactions") }} as {{ ecommerce.type_money() }}
        ) as avg_order_value,
        cast(first_purchase_date as date) as first_purchase_date,
        cast(last_purchase_date as date) as last_purchase_date,
        cast(revenue_rank as {{ dbt.type_bigint() }}) as revenue_rank,
        cast(cumulative_revenue as {{ ecommerce.type_double() }})
        / cast(all_revenue as {{ ecommerce.type_double() }}) as cumulative_revenue_share,
        -- Exact decimals decide the Pareto cut: the customers ranked before this one hold < 80 %.
        (cumulative_revenue - total_revenue) < {{ pareto_share }} * all_revenue as is_top_80pct
    from running_totals
)

select * from final
