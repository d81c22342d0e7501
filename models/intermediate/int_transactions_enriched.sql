{#
    The shop as it stood at the end of the as-of date (int_as_of_date): clean transactions dated on or
    before it, so every mart built from here (all of them) is a point-in-time view and recency is never
    negative.
#}
with

transactions as (
    select * from {{ ref('int_transactions_clean') }}
),

products as (
    select * from {{ ref('stg_products') }}
),

customers as (
    select * from {{ ref('stg_customers') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

final as (
    select
        transactions.transaction_id,
        transactions.customer_id,
        transactions.product_id,
        coalesce(products.category, 'Uncategorised') as category,
        coalesce(customers.region, 'Unknown') as region,
        transactions.transaction_at,
        transactions.transaction_date,
        transactions.quantity,
        transactions.unit_price,
        transactions.total_value as revenue
    from transactions
    inner join products
        on transactions.product_id = products.product_id
    inner join customers
        on transactions.customer_id = customers.customer_id
    inner join as_of
        on transactions.transaction_date <= as_of.as_of_date
)

select * from final
