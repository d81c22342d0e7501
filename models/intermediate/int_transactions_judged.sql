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

judged as (
    select
        base_transactions.*,
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
),

{#
    The raw texts are kept on the quarantined rows only: quarantine_transactions shows them, and a clean
    row's texts stay in base_transactions. Writing NULLs instead of four texts for every clean row makes
    this 10 M-row table about a quarter faster to write (bench/results.md).
#}
final as (
    select
        transaction_id,
        customer_id,
        product_id,
        case when quarantine_reason is not null then transaction_date_text end as transaction_date_text,
        case when quarantine_reason is not null then quantity_text end as quantity_text,
        case when quarantine_reason is not null then total_value_text end as total_value_text,
        case when quarantine_reason is not null then price_text end as price_text,
        malformed_line,
        transaction_at,
        quantity,
        unit_price,
        total_value,
        quarantine_reason
    from judged
)

select * from final
