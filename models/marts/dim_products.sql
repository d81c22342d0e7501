with

products as (
    select * from {{ ref('stg_products') }}
),

transactions as (
    select * from {{ ref('int_transactions_enriched') }}
),

sales_per_product as (
    select
        product_id,
        count(*) as transactions,
        sum(quantity) as units_sold,
        sum(revenue) as revenue
    from transactions
    group by product_id
),

final as (
    select
        cast(products.product_id as {{ dbt.type_string() }}) as product_id,
        cast(products.product_name as {{ dbt.type_string() }}) as product_name,
        cast(products.category as {{ dbt.type_string() }}) as category,
        cast(products.price as {{ ecommerce.type_money() }}) as price,
        cast(coalesce(sales_per_product.transactions, 0) as {{ dbt.type_bigint() }}) as transactions,
        cast(coalesce(sales_per_product.units_sold, 0) as {{ dbt.type_bigint() }}) as units_sold,
        cast(coalesce(sales_per_product.revenue, 0) as {{ ecommerce.type_money() }}) as revenue
    from products
    left join sales_per_product
        on products.product_id = sales_per_product.product_id
)

select * from final
