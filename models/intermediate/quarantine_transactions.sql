{#-
    The refused transaction rows, each with its reason. It is judged in this layer (the verdict needs the
    clean customers and products) but lives beside quarantine_customers and quarantine_products in the
    staging schema, where a user looks for every refused row.
#}
{{ config(materialized='view', schema='staging') }}

with

transactions_judged as (
    select * from {{ ref('int_transactions_judged') }}
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
        quarantine_reason
    from transactions_judged
    where quarantine_reason is not null
)

select * from final
