with

transactions as (
    select * from {{ ref('int_transactions_enriched') }}
),

purchases as (
    select * from {{ ref('int_customer_purchases_aggregated') }}
),

revenue_per_category as (
    select
        customer_id,
        category,
        sum(revenue) as category_revenue,
        count(*) as category_transactions
    from transactions
    group by customer_id, category
),

ranked as (
    select
        customer_id,
        category,
        category_revenue,
        category_transactions,
        row_number() over (
            partition by customer_id
            order by category_revenue desc, category_transactions desc, category asc
        ) as category_rank
    from revenue_per_category
),

final as (
    select
        cast(ranked.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(ranked.category as {{ dbt.type_string() }}) as favorite_category,
        cast(ranked.category_revenue as {{ ecommerce.type_money() }}) as category_revenue,
        cast(ranked.category_transactions as {{ dbt.type_bigint() }}) as category_transactions,
        cast(ranked.category_revenue as {{ ecommerce.type_double() }})
        / cast(purchases.total_revenue as {{ ecommerce.type_double() }}) as share_of_customer_revenue
    from ranked
    inner join purchases
        on ranked.customer_id = purchases.customer_id
    where ranked.category_rank = 1
)

select * from final
