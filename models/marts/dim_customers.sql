-- Every clean customer with what the customer marts say about them. It reads those marts, the only home of
-- their logic (docs/metrics.md, "Where each metric is defined"), so a value here is the mart's value.
with

customers as (
    select * from {{ ref('stg_customers') }}
),

lifetime_value as (
    select * from {{ ref('customer_lifetime_value') }}
),

segments as (
    select * from {{ ref('customer_segments') }}
),

favorite_category as (
    select * from {{ ref('customer_favorite_category') }}
),

customer_rfm as (
    select * from {{ ref('customer_rfm') }}
),

final as (
    select
        cast(customers.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(customers.customer_name as {{ dbt.type_string() }}) as customer_name,
        cast(customers.region as {{ dbt.type_string() }}) as region,
        cast(customers.signup_date as date) as signup_date,
        cast(coalesce(lifetime_value.total_revenue, 0) as {{ ecommerce.type_money() }}) as total_revenue,
        cast(coalesce(lifetime_value.transactions, 0) as {{ dbt.type_bigint() }}) as transactions,
        cast(coalesce(lifetime_value.units, 0) as {{ dbt.type_bigint() }}) as units,
        lifetime_value.avg_order_value,
        lifetime_value.first_purchase_date,
        lifetime_value.last_purchase_date,
        lifetime_value.revenue_rank,
        lifetime_value.cumulative_revenue_share,
        coalesce(lifetime_value.is_top_80pct, false) as is_top_80pct,
        segments.recency_days,
        segments.segment,
        segments.as_of_date,
        favorite_category.favorite_category,
        favorite_category.category_revenue as favorite_category_revenue,
        favorite_category.category_transactions as favorite_category_transactions,
        favorite_category.share_of_customer_revenue as favorite_category_share,
        cast(customer_rfm.r_score as {{ dbt.type_int() }}) as r_score,
        cast(customer_rfm.f_score as {{ dbt.type_int() }}) as f_score,
        cast(customer_rfm.m_score as {{ dbt.type_int() }}) as m_score,
        cast(customer_rfm.rfm_cell as {{ dbt.type_string() }}) as rfm_cell,
        cast(coalesce(customer_rfm.rfm_segment, 'Never purchased') as {{ dbt.type_string() }}) as rfm_segment
    from customers
    left join lifetime_value
        on customers.customer_id = lifetime_value.customer_id
    left join segments
        on customers.customer_id = segments.customer_id
    left join favorite_category
        on customers.customer_id = favorite_category.customer_id
    left join customer_rfm
        on customers.customer_id = customer_rfm.customer_id
)

select * from final
