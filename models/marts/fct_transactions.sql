{#
    A view: int_transactions_enriched already holds these rows, with the same column types and the same
    constraints applied while it was written (DuckDB, PostgreSQL; contract_constraints_hold on Spark), so a
    second stored copy of every clean transaction would only cost the build its write. Publishing copies
    it into the serving file (DuckDB) or the `marts` schema (PostgreSQL) as a table, like every mart.
#}
{{ config(materialized='view') }}

with

transactions as (
    select * from {{ ref('int_transactions_enriched') }}
),

final as (
    select
        transaction_id,
        customer_id,
        product_id,
        category,
        region,
        transaction_at,
        transaction_date,
        quantity,
        unit_price,
        revenue
    from transactions
)

select * from final
