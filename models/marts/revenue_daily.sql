-- Every day from the first to the last sale (the shared day calendar, int_calendar_days), so days without
-- sales appear with revenue 0.
with

transactions as (
    select * from {{ ref('int_transactions_enriched') }}
),

calendar_days as (
    select * from {{ ref('int_calendar_days') }}
),

bounds as (
    select
        min(transaction_date) as first_date,
        max(transaction_date) as last_date
    from transactions
),

calendar as (
    select calendar_days.calendar_date as revenue_date
    from calendar_days
    inner join bounds
        on calendar_days.calendar_date between bounds.first_date and bounds.last_date
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

-- The 7-day mean is the exact sum of the day and the 6 days before it divided by 7, always: days before the
-- first sale count as 0, like quiet days, so it is the semantic layer's revenue_7d_avg on every day. Rounded
-- half up to the cent by money_divide.
with_windows as (
    select
        revenue_date,
        revenue,
        transactions,
        units,
        customers,
        sum(revenue) over (
            order by revenue_date rows between 6 preceding and current row
        ) as revenue_7d_sum,
        sum(revenue) over (
            order by revenue_date rows between unbounded preceding and current row
        ) as cumulative_revenue
    from days_filled
),

final as (
    select
        cast(revenue_date as date) as revenue_date,
        cast(revenue as {{ ecommerce.type_money() }}) as revenue,
        cast(transactions as {{ dbt.type_bigint() }}) as transactions,
        cast(units as {{ dbt.type_bigint() }}) as units,
        cast(customers as {{ dbt.type_bigint() }}) as customers,
        cast(
            {{ ecommerce.money_divide('revenue_7d_sum', 7) }} as {{ ecommerce.type_money() }}
        ) as revenue_7d_avg,
        cast(cumulative_revenue as {{ ecommerce.type_money() }}) as cumulative_revenue
    from with_windows
)

select * from final
