{#
    Every raw product row, normalised and typed, with the reason it cannot be used (NULL when clean):
    the rules and their precedence are macros/cleaning/quarantine_rules.sql.
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

{{ ecommerce.repeated_keys('normalised', 'product_id', 'repeated_ids') }},

{{ ecommerce.flag_copies(
    'normalised', 'product_id', ['product_name', 'category', 'price_text'], 'repeated_ids', 'flagged'
) }},

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
        {{ ecommerce.quarantine_reason('products') }} as quarantine_reason
    from typed
)

select * from final
