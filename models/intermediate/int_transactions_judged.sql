{#
    Every raw transaction row with its final verdict: the first of base_transactions' identity verdict,
    the cross-table one (its customer or product is not clean) and base_transactions' value verdict
    (rules and precedence: macros/cleaning/quarantine_rules.sql). It reads clean customers and products,
    so it sits one layer after staging: staging judges each raw table on its own.
#}
{#- A table: the clean and quarantine views, their tests and every mart read it. #}
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
        coalesce(
            base_transactions.identity_reason,
            {{ ecommerce.quarantine_reason('transactions', 'cross_table') }},
            base_transactions.value_reason
        ) as quarantine_reason
    from base_transactions
    left join clean_customers
        on base_transactions.customer_id = clean_customers.customer_id
    left join clean_products
        on base_transactions.product_id = clean_products.product_id
)

select * from final
