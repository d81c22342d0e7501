-- The logic lives in int_customer_favorite_category, which dim_customers reads too: the marts never read each other.
with

customer_favorite_category as (
    select * from {{ ref('int_customer_favorite_category') }}
),

final as (
    select
        customer_id,
        favorite_category,
        category_revenue,
        category_transactions,
        share_of_customer_revenue
    from customer_favorite_category
)

select * from final
