with

base_products as (
    select * from {{ ref('base_products') }}
),

final as (
    select
        product_id,
        product_name,
        category,
        price_text,
        malformed_line,
        quarantine_reason
    from base_products
    where quarantine_reason is not null
)

select * from final
