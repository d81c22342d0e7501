-- The logic lives in int_customer_segments, which dim_customers reads too: the marts never read each other.
with

customer_segments as (
    select * from {{ ref('int_customer_segments') }}
),

final as (
    select
        customer_id,
        last_purchase_date,
        recency_days,
        segment,
        as_of_date
    from customer_segments
)

select * from final
