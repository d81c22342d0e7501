with

base_products as (
    select * from {{ ref('base_products') }}
),

final as (
    select
        product_id,
        product_name,
        category,
        price
    from base_products
    where quarantine_reason is null
)

select * from final
