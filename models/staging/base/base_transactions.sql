{#
    Every raw transaction row, normalised and typed, with the verdicts this table can reach on its own
    (the rules and their precedence: macros/cleaning/quarantine_rules.sql):
      identity_reason  what the row and the other rows of its transaction id say;
      value_reason     what its quantity, price and total say.
    Whether the customer and product are known is a cross-table check: int_transactions_judged adds it,
    between the two (first match wins across all of them).

    With raw_source files (DuckDB, PostgreSQL) a run judges only the batches it has not seen, together with
    the stored rows of the transaction ids they touch, so copies and conflicts across batches are still
    caught and an id that turns conflicting leaves the clean side (macros/incremental/judged_batches.sql).
    The result equals a full refresh (tests/integration/test_incremental.py). The seeds carry no batches and
    are replaced whole by `dbt seed`: with raw_source seeds every run judges all rows again.
#}
{%- set only_new_batches = is_incremental() and ecommerce.judges_new_batches_only() %}
{{ config(
    materialized=('table' if target.type == 'spark' else 'incremental'),
    unique_key='transaction_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    pre_hook="{{ ecommerce.forget_stale_judgements(source('raw', 'transactions')) }}",
) }}

{#- The raw rows this run judges: every row, or (only_new_batches) the rows of batches not judged yet. -#}
{%- set raw_transactions = ecommerce.raw_table('transactions') %}
{%- set judged_now = "_batch not in (select distinct raw_batch from " ~ this ~ ")" if only_new_batches else "1 = 1" %}
{%- set normalised_columns = [
    ecommerce.clean_id('transactionid') ~ ' as transaction_id',
    ecommerce.clean_id('customerid') ~ ' as customer_id',
    ecommerce.clean_id('productid') ~ ' as product_id',
    ecommerce.clean_text('transactiondate') ~ ' as transaction_date_text',
    ecommerce.clean_text('quantity') ~ ' as quantity_text',
    ecommerce.clean_text('totalvalue') ~ ' as total_value_text',
    ecommerce.clean_text('price') ~ ' as price_text',
    ecommerce.raw_malformed_line() ~ ' as malformed_line',
    ecommerce.raw_batch() ~ ' as raw_batch',
] %}

with

new_rows as (
    select
        {{ normalised_columns | join(',\n        ') }}
    from {{ raw_transactions }}
    where {{ judged_now }}
),

{#
    The raw table is read three times rather than its normalised rows stored once (10 M rows would spill
    under the memory cap): once normalised whole (new_rows), once for the id alone (new_row_ids, to count
    ids), and once for the rows of the ids seen more than once (rows_of_repeated_ids, a few per cent).
#}
new_row_ids as (
    select {{ ecommerce.clean_id('transactionid') }} as transaction_id
    from {{ raw_transactions }}
    where {{ judged_now }}
),
{%- if only_new_batches %}

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
    where transaction_id in (select transaction_id from new_row_ids)
),
{%- endif %}

normalised as (
    select * from new_rows
    {%- if only_new_batches %}
    union all
    select * from earlier_rows_of_touched_ids
    {%- endif %}
),

row_ids as (
    select transaction_id from new_row_ids
    {%- if only_new_batches %}
    union all
    select transaction_id from earlier_rows_of_touched_ids
    {%- endif %}
),

{{ ecommerce.repeated_keys('row_ids', 'transaction_id', 'repeated_ids') }},

rows_of_repeated_ids as (
    select
        {{ normalised_columns | join(',\n        ') }}
    from {{ raw_transactions }}
    where
        {{ judged_now }}
        and {{ ecommerce.clean_id('transactionid') }} in (select repeated_ids.repeated_key from repeated_ids)
    {%- if only_new_batches %}
    union all
    select * from earlier_rows_of_touched_ids
    {%- endif %}
),

{{ ecommerce.flag_copies('normalised', 'transaction_id', [
        'customer_id', 'product_id', 'transaction_date_text', 'quantity_text', 'total_value_text', 'price_text',
    ], 'repeated_ids', 'flagged', rows_of_repeated_keys='rows_of_repeated_ids') }},

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
    {{ ecommerce.evaluate_once() }}
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
        {{ ecommerce.quarantine_reason('transactions', 'identity') }} as identity_reason,
        {{ ecommerce.quarantine_reason('transactions', 'value') }} as value_reason
    from typed
)

select * from final
