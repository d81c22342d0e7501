-- Nothing is lost in staging: for every raw table, raw rows = clean rows + quarantined rows.
-- Returns one row per table where the counts disagree.
with

raw_customers as (
    select count(*) as row_count from {{ source('raw', 'customers') }}
),

clean_customers as (
    select count(*) as row_count from {{ ref('stg_customers') }}
),

quarantined_customers as (
    select count(*) as row_count from {{ ref('quarantine_customers') }}
),

raw_products as (
    select count(*) as row_count from {{ source('raw', 'products') }}
),

clean_products as (
    select count(*) as row_count from {{ ref('stg_products') }}
),

quarantined_products as (
    select count(*) as row_count from {{ ref('quarantine_products') }}
),

raw_transactions as (
    select count(*) as row_count from {{ source('raw', 'transactions') }}
),

clean_transactions as (
    select count(*) as row_count from {{ ref('int_transactions_clean') }}
),

quarantined_transactions as (
    select count(*) as row_count from {{ ref('quarantine_transactions') }}
),

reconciliation as (
    select
        'customers' as raw_table,
        raw_customers.row_count as raw_rows,
        clean_customers.row_count as clean_rows,
        quarantined_customers.row_count as quarantined_rows
    from raw_customers
    cross join clean_customers
    cross join quarantined_customers
    union all
    select
        'products' as raw_table,
        raw_products.row_count as raw_rows,
        clean_products.row_count as clean_rows,
        quarantined_products.row_count as quarantined_rows
    from raw_products
    cross join clean_products
    cross join quarantined_products
    union all
    select
        'transactions' as raw_table,
        raw_transactions.row_count as raw_rows,
        clean_transactions.row_count as clean_rows,
        quarantined_transactions.row_count as quarantined_rows
    from raw_transactions
    cross join clean_transactions
    cross join quarantined_transactions
)

select
    raw_table,
    raw_rows,
    clean_rows,
    quarantined_rows
from reconciliation
where raw_rows != clean_rows + quarantined_rows
