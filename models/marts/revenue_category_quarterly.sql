with

transactions as (
    select * from {{ ref('int_transactions_enriched') }}
),

calendar_months as (
    select * from {{ ref('int_calendar_months') }}
),

quarters as (
    select distinct calendar_quarter as revenue_quarter
    from calendar_months
),

categories as (
    select distinct category
    from transactions
),

sales_per_category_quarter as (
    select
        category,
        {{ ecommerce.quarter_start('transaction_date') }} as revenue_quarter,
        sum(revenue) as revenue
    from transactions
    group by category, {{ ecommerce.quarter_start('transaction_date') }}
),

quarters_filled as (
    select
        categories.category,
        quarters.revenue_quarter,
        coalesce(sales_per_category_quarter.revenue, 0) as revenue
    from categories
    cross join quarters
    left join sales_per_category_quarter
        on
            categories.category = sales_per_category_quarter.category
            and quarters.revenue_quarter = sales_per_category_quarter.revenue_quarter
),

with_previous as (
    select
        category,
        revenue_quarter,
        revenue,
        lag(revenue) over (partition by category order by revenue_quarter) as prev_quarter_revenue
    from quarters_filled
),

final as (
    select
        cast(category as {{ dbt.type_string() }}) as category,
        cast(revenue_quarter as date) as revenue_quarter,
        cast(revenue as {{ ecommerce.type_money() }}) as revenue,
        cast(prev_quarter_revenue as {{ ecommerce.type_money() }}) as prev_quarter_revenue,
        cast({{ ecommerce.growth_pct('revenue', 'prev_quarter_revenue') }} as {{ ecommerce.type_money() }})
            as qoq_growth_pct
    from with_previous
)

select * from final
