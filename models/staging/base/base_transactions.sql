{#
    Every raw transaction row, normalised and typed, with the verdicts this table can reach on its own:
      identity_reason  malformed_row, missing_id (blank transaction, customer or product id), duplicate,
                       conflicting_id, bad_timestamp (unparseable, or outside min_valid_date .. max_valid_date);
      value_reason     bad_quantity, bad_price, total_mismatch (also when TotalValue is not a number).
    Whether the customer and product are known is a cross-table check: judged_transactions adds it,
    between the two (first match wins across all of them).

    With raw_source files (DuckDB, PostgreSQL) a run judges only the batches it has not seen, together with
    the stored rows of the transaction ids they touch, so copies and conflicts across batches are still
    caught and an id that turns conflicting leaves the clean side (macros/incremental/judged_batches.sql).
    The result equals a full refresh (tests/integration/test_incremental.py). The seeds carry no batches and
    are replaced whole by `dbt seed`: with raw_source seeds every run judges all rows again.
#}
{%- set window = ecommerce.valid_date_window() %}
{%- set only_new_batches = is_incremental() and ecommerce.judges_new_batches_only() %}
{{ config(
    materialized=('table' if target.type == 'spark' else 'incremental'),
    unique_key='transaction_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    pre_hook="{{ ecommerce.forget_stale_judgements(source('raw', 'transactions')) }}",
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
        {{ ecommerce.raw_malformed_line() }} as malformed_line,
        {{ ecommerce.raw_batch() }} as raw_batch
    from {{ ecommerce.raw_table('transactions') }}
    {%- if only_new_batches %}
    where _batch not in (select distinct raw_batch from {{ this }})
    {%- endif %}
),

new_rows as (
    select
        {{ ecommerce.clean_id('transactionid') }} as transaction_id,
        {{ ecommerce.clean_id('customerid') }} as customer_id,
        {{ ecommerce.clean_id('productid') }} as product_id,
        {{ ecommerce.clean_text('transactiondate') }} as transaction_date_text,
        {{ ecommerce.clean_text('quantity') }} as quantity_text,
        {{ ecommerce.clean_text('totalvalue') }} as total_value_text,
        {{ ecommerce.clean_text('price') }} as price_text,
        malformed_line,
        raw_batch
    from raw_transactions
),
{%- if only_new_batches %}

touched_ids as (
    select distinct transaction_id from new_rows
    where transaction_id is not null
),

earlier_rows_of_touched_ids as (
    select
        transaction_id,
        customer_id,
        product_id,
        transaction_date_text,
        quantity_text,
        total_value_text,
        price_text,
        malformed_line,
        raw_batch
    from {{ this }}
    where transaction_id in (select transaction_id from touched_ids)
),
{%- endif %}

normalised as (
    select * from new_rows
    {%- if only_new_batches %}
    union all
    select * from earlier_rows_of_touched_ids
    {%- endif %}
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
        raw_batch,
        copy_number,
        content_differs,
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
        raw_batch,
        {{ ecommerce.transaction_rules() }} as judged_with,
        '{{ invocation_id }}' as judged_in_invocation,
        transaction_at,
        quantity,
        unit_price,
        total_value,
        case
            when malformed_line is not null then 'malformed_row'
            when transaction_id is null or customer_id is null or product_id is null then 'missing_id'
            when copy_number > 1 and not content_differs then 'duplicate'
            when content_differs then 'conflicting_id'
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
