-- The logic lives in int_customer_lifetime_value, which dim_customers reads too: the marts never read each other.
with

customer_lifetime_value as (
    select * from {{ ref('int_customer_lifetime_value') }}
),

final as (
    select
        customer_id,
        total_revenue,
        transactions,
        units,
        avg_order_value,
        first_purchase_date,
        last_purchase_date,
        revenue_rank,
        cumulative_revenue_share,
        is_top_80pct
    from customer_lifetime_value
)

select * from final
