-- Which customers together make 80 % of revenue (the Pareto set), best first?
with

lifetime_value as (
    select * from {{ ref('customer_lifetime_value') }}
),

customers as (
    select * from {{ ref('dim_customers') }}
),

final as (
    select
        lifetime_value.revenue_rank,
        lifetime_value.customer_id,
        customers.customer_name,
        customers.region,
        lifetime_value.total_revenue,
        lifetime_value.cumulative_revenue_share
    from lifetime_value
    inner join customers
        on lifetime_value.customer_id = customers.customer_id
    where lifetime_value.is_top_80pct
)

select * from final
order by revenue_rank
