-- The gap-free calendar is a recursive CTE, so days without sales appear with revenue 0.
with recursive

transactions as (
    select * from {{ ref('int_transactions_enriched') }}
),

bounds as (
    select
        min(transaction_date) as first_date,
        max(transaction_date) as last_date
    from transactions
),

calendar as (
    select first_date as revenue_date
    from bounds
    where first_date is not null
    union all
    select {{ ecommerce.add_days('calendar.revenue_date', 1) }} as revenue_date
    from calendar
    inner join bounds
        on calendar.revenue_date < bounds.last_date
),

sales_per_day as (
    select
        transaction_date,
        sum(revenue) as revenue,
        count(*) as transactions,
        sum(quantity) as units,
        count(distinct customer_id) as customers
    from transactions
    group by transaction_date
),

days_filled as (
    select
        calendar.revenue_date,
        coalesce(sales_per_day.revenue, 0) as revenue,
        coalesce(sales_per_day.transactions, 0) as transactions,
        coalesce(sales_per_day.units, 0) as units,
        coalesce(sales_per_day.customers, 0) as customers
    from calendar
    left join sales_per_day
        on calendar.revenue_date = sales_per_day.transaction_date
),

final as (
    select
        cast(revenue_date as date) as revenue_date,
        cast(revenue as {{ ecommerce.type_money() }}) as revenue,
        cast(transactions as {{ dbt.type_bigint() }}) as transactions,
        cast(units as {{ dbt.type_bigint() }}) as units,
        cast(customers as {{ dbt.type_bigint() }}) as customers,
        cast(round(avg(revenue) over (
            order by revenue_date rows between 6 preceding and current row
        ), 2) as {{ ecommerce.type_money() }}) as revenue_7d_avg,
        cast(sum(revenue) over (
            order by revenue_date rows between unbounded preceding and current row
        ) as {{ ecommerce.type_money() }}) as cumulative_revenue
    from days_filled
)

select * from final
