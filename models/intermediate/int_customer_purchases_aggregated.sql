with

transactions as (
    select * from {{ ref('int_transactions_enriched') }}
),

final as (
    select
        customer_id,
        sum(revenue) as total_revenue,
        count(*) as transactions,
        -- DuckDB sums integers as HUGEINT: bigint on every engine, as the contract says
        cast(sum(quantity) as bigint) as units,
        min(transaction_date) as first_purchase_date,
        max(transaction_date) as last_purchase_date
    from transactions
    group by customer_id
)

select * from final
