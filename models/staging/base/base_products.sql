{#
    Every raw product row, normalised and typed, with the reason it cannot be used (NULL when clean).
    Reasons, first match wins: malformed_row, missing_id, duplicate, conflicting_id, bad_price.
#}
with

raw_products as (
    select
        productid,
        productname,
        category,
        price,
        {{ ecommerce.raw_malformed_line() }} as malformed_line
    from {{ ecommerce.raw_table('products') }}
),

normalised as (
    select
        {{ ecommerce.clean_id('productid') }} as product_id,
        {{ ecommerce.clean_text('productname') }} as product_name,
        {{ ecommerce.clean_text('category') }} as category,
        {{ ecommerce.clean_text('price') }} as price_text,
        malformed_line
    from raw_products
),

{{ ecommerce.flag_copies('normalised', 'product_id', ['product_name', 'category', 'price_text'], 'flagged') }},

typed as (
    select
        product_id,
        product_name,
        category,
        price_text,
        malformed_line,
        {{ ecommerce.safe_money('price_text') }} as price,
        copy_number,
        content_differs
    from flagged
),

final as (
    select
        product_id,
        product_name,
        category,
        price_text,
        price,
        malformed_line,
        case
            when malformed_line is not null then 'malformed_row'
            when product_id is null then 'missing_id'
            when copy_number > 1 and not content_differs then 'duplicate'
            when content_differs then 'conflicting_id'
            when price is null or price <= 0 then 'bad_price'
        end as quarantine_reason
    from typed
)

select * from final
