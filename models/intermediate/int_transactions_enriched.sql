with

transactions as (
    select * from {{ ref('stg_transactions') }}
),

products as (
    select * from {{ ref('stg_products') }}
),

customers as (
    select * from {{ ref('stg_customers') }}
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
)

select * from final
