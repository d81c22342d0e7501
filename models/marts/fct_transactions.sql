with

transactions as (
    select * from {{ ref('int_transactions_enriched') }}
),

final as (
    select
        cast(transaction_id as {{ dbt.type_string() }}) as transaction_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(product_id as {{ dbt.type_string() }}) as product_id,
        cast(category as {{ dbt.type_string() }}) as category,
        cast(region as {{ dbt.type_string() }}) as region,
        cast(transaction_at as {{ dbt.type_timestamp() }}) as transaction_at,
        cast(transaction_date as date) as transaction_date,
        cast(quantity as {{ dbt.type_int() }}) as quantity,
        cast(unit_price as {{ ecommerce.type_money() }}) as unit_price,
        cast(revenue as {{ ecommerce.type_money() }}) as revenue
    from transactions
)

select * from final
