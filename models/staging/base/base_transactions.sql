{#
    Every raw transaction row, normalised and typed, with the verdicts this table can reach on its own:
      identity_reason  malformed_row, missing_id (blank transaction, customer or product id), duplicate,
                       conflicting_id, bad_timestamp (unparseable, or outside min_valid_date .. max_valid_date);
      value_reason     bad_quantity, bad_price, total_mismatch (also when TotalValue is not a number).
    Whether the customer and product are known is a cross-table check: judged_transactions adds it,
    between the two (first match wins across all of them).
#}
{%- set window = ecommerce.valid_date_window() %}
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
        price,
        {{ ecommerce.raw_malformed_line() }} as malformed_line
    from {{ ecommerce.raw_table('transactions') }}
),

normalised as (
    select
        {{ ecommerce.clean_id('transactionid') }} as transaction_id,
        {{ ecommerce.clean_id('customerid') }} as customer_id,
        {{ ecommerce.clean_id('productid') }} as product_id,
        {{ ecommerce.clean_text('transactiondate') }} as transaction_date_text,
        {{ ecommerce.clean_text('quantity') }} as quantity_text,
        {{ ecommerce.clean_text('totalvalue') }} as total_value_text,
        {{ ecommerce.clean_text('price') }} as price_text,
        malformed_line
    from raw_transactions
),

{{ ecommerce.flag_copies('normalised', 'transaction_id', [
        'customer_id', 'product_id', 'transaction_date_text', 'quantity_text', 'total_value_text', 'price_text',
    ], 'flagged') }},

typed as (
    select
        transaction_id,
        customer_id,
        product_id,
        transaction_date_text,
        quantity_text,
        total_value_text,
        price_text,
        malformed_line,
        copy_number,
        content_variants,
        {{ ecommerce.safe_timestamp('transaction_date_text') }} as transaction_at,
        {{ ecommerce.safe_integer('quantity_text') }} as quantity,
        {{ ecommerce.safe_money('price_text') }} as unit_price,
        {{ ecommerce.safe_money('total_value_text') }} as total_value
    from flagged
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
        malformed_line,
        transaction_at,
        quantity,
        unit_price,
        total_value,
        case
            when malformed_line is not null then 'malformed_row'
            when transaction_id is null or customer_id is null or product_id is null then 'missing_id'
            when copy_number > 1 and content_variants = 1 then 'duplicate'
            when content_variants > 1 then 'conflicting_id'
            when transaction_at is null
                or cast(transaction_at as date) < cast('{{ window.first }}' as date)
                or cast(transaction_at as date) > cast('{{ window.last }}' as date)
                then 'bad_timestamp'
        end as identity_reason,
        case
            when quantity is null or quantity <= 0 then 'bad_quantity'
            when unit_price is null or unit_price <= 0 then 'bad_price'
            when total_value is null
                or abs(total_value - quantity * unit_price) > {{ ecommerce.number_var('total_tolerance', 0) }}
                then 'total_mismatch'
        end as value_reason
    from typed
)

select * from final
