with

transactions as (
    select * from {{ ref('int_transactions_enriched') }}
),

calendar_months as (
    select * from {{ ref('int_calendar_months') }}
),

sales_per_month as (
    select
        {{ ecommerce.month_start('transaction_date') }} as revenue_month,
        sum(revenue) as revenue,
        count(*) as transactions,
        count(distinct customer_id) as customers
    from transactions
    group by {{ ecommerce.month_start('transaction_date') }}
),

months_filled as (
    select
        calendar_months.calendar_month as revenue_month,
        coalesce(sales_per_month.revenue, 0) as revenue,
        coalesce(sales_per_month.transactions, 0) as transactions,
        coalesce(sales_per_month.customers, 0) as customers
    from calendar_months
    left join sales_per_month
        on calendar_months.calendar_month = sales_per_month.revenue_month
),

with_previous as (
    select
        revenue_month,
        revenue,
        transactions,
        customers,
        lag(revenue) over (order by revenue_month) as prev_month_revenue
    from months_filled
),

final as (
    select
        cast(revenue_month as date) as revenue_month,
        cast(revenue as {{ ecommerce.type_money() }}) as revenue,
        cast(transactions as {{ dbt.type_bigint() }}) as transactions,
        cast(customers as {{ dbt.type_bigint() }}) as customers,
        cast(prev_month_revenue as {{ ecommerce.type_money() }}) as prev_month_revenue,
        cast({{ ecommerce.growth_pct('revenue', 'prev_month_revenue') }} as {{ ecommerce.type_money() }})
            as mom_growth_pct
    from with_previous
)

select * from final
