{#
    Every raw transaction row, normalised and typed, with the reason it cannot be used (NULL when clean).
    Reasons, first match wins: missing_id (blank transaction, customer or product id), duplicate,
    conflicting_id, bad_timestamp, unknown_customer, unknown_product, bad_quantity, bad_price,
    total_mismatch (also when TotalValue is missing or not a number).
    Customers and products count as known only when they are clean (stg_customers / stg_products).
#}
{{ config(
    pre_hook="{{ ecommerce.single_thread_on_duckdb() }}",
    post_hook="{{ ecommerce.all_threads_on_duckdb() }}",
) }}

with

raw_transactions as (
    select
        transactionid,
        customerid,
        productid,
        transactiondate,
        quantity,
        totalvalue,
        price
    from {{ ecommerce.raw_relation('transactions') }}
),

clean_customers as (
    select customer_id from {{ ref('stg_customers') }}
),

clean_products as (
    select product_id from {{ ref('stg_products') }}
),

normalised as (
    select
        {{ ecommerce.clean_id('transactionid') }} as transaction_id,
        {{ ecommerce.clean_id('customerid') }} as customer_id,
        {{ ecommerce.clean_id('productid') }} as product_id,
        {{ ecommerce.clean_text('transactiondate') }} as transaction_date_text,
        {{ ecommerce.clean_text('quantity') }} as quantity_text,
        {{ ecommerce.clean_text('totalvalue') }} as total_value_text,
        {{ ecommerce.clean_text('price') }} as price_text
    from raw_transactions
),

{{ ecommerce.flag_copies('normalised', 'transaction_id', [
        'customer_id', 'product_id', 'transaction_date_text', 'quantity_text', 'total_value_text', 'price_text',
    ], 'flagged') }},

typed as (
    select
        flagged.transaction_id,
        flagged.customer_id,
        flagged.product_id,
        flagged.transaction_date_text,
        flagged.quantity_text,
        flagged.total_value_text,
        flagged.price_text,
        {{ ecommerce.safe_timestamp('flagged.transaction_date_text') }} as transaction_at,
        {{ ecommerce.safe_integer('flagged.quantity_text') }} as quantity,
        {{ ecommerce.safe_money('flagged.price_text') }} as unit_price,
        {{ ecommerce.safe_money('flagged.total_value_text') }} as total_value,
        flagged.copy_number,
        flagged.content_variants,
        clean_customers.customer_id is not null as is_known_customer,
        clean_products.product_id is not null as is_known_product
    from flagged
    left join clean_customers
        on flagged.customer_id = clean_customers.customer_id
    left join clean_products
        on flagged.product_id = clean_products.product_id
),

final as (
    select
        transaction_id,
        customer_id,
        product_id,
        transaction_date_text,
        quantity_text,
        total_value_text,
        price_text,
        transaction_at,
        quantity,
        unit_price,
        total_value,
        case
            when transaction_id is null or customer_id is null or product_id is null then 'missing_id'
            when copy_number > 1 and content_variants = 1 then 'duplicate'
            when content_variants > 1 then 'conflicting_id'
            when transaction_at is null then 'bad_timestamp'
            when not is_known_customer then 'unknown_customer'
            when not is_known_product then 'unknown_product'
            when quantity is null or quantity <= 0 then 'bad_quantity'
            when unit_price is null or unit_price <= 0 then 'bad_price'
            when total_value is null
                or abs(total_value - quantity * unit_price) > {{ var('total_tolerance') }}
                then 'total_mismatch'
        end as quarantine_reason
    from typed
)

select * from final
