{#
    Every raw transaction row with its final verdict: the per-table checks of base_transactions with the
    cross-table ones in between (first match wins): malformed_row, missing_id, duplicate, conflicting_id,
    bad_timestamp, unknown_customer, unknown_product, bad_quantity, bad_price, total_mismatch.
    A customer or product counts as known only when it is clean (stg_customers / stg_products).
#}
{#- A table: the clean and quarantine views, their tests and the intermediate layer all read it. #}
{{ config(materialized='table') }}

with

base_transactions as (
    select * from {{ ref('base_transactions') }}
),

clean_customers as (
    select customer_id from {{ ref('stg_customers') }}
),

clean_products as (
    select product_id from {{ ref('stg_products') }}
),

final as (
    select
        base_transactions.transaction_id,
        base_transactions.customer_id,
        base_transactions.product_id,
        base_transactions.transaction_date_text,
        base_transactions.quantity_text,
        base_transactions.total_value_text,
        base_transactions.price_text,
        base_transactions.malformed_line,
        base_transactions.transaction_at,
        base_transactions.quantity,
        base_transactions.unit_price,
        base_transactions.total_value,
        case
            when base_transactions.identity_reason is not null then base_transactions.identity_reason
            when clean_customers.customer_id is null then 'unknown_customer'
            when clean_products.product_id is null then 'unknown_product'
            else base_transactions.value_reason
        end as quarantine_reason
    from base_transactions
    left join clean_customers
        on base_transactions.customer_id = clean_customers.customer_id
    left join clean_products
        on base_transactions.product_id = clean_products.product_id
)

select * from final
