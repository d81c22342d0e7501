{#- The rows of int_transactions_judged without a reason; a view, so the clean rows are stored once. #}
{{ config(materialized='view') }}

with

transactions_judged as (
    select * from {{ ref('int_transactions_judged') }}
),

final as (
    select
        transaction_id,
        customer_id,
        product_id,
        transaction_at,
        cast(transaction_at as date) as transaction_date,
        quantity,
        unit_price,
        total_value
    from transactions_judged
    where quarantine_reason is null
)

select * from final
