-- Each month's buyers split into new (first clean purchase in that month) and returning ones, with the
-- month's revenue split the same way; months without sales are rows of zeros.
with

transactions as (
    select * from {{ ref('int_transactions_enriched') }}
),

purchases as (
    select * from {{ ref('int_customer_purchases_aggregated') }}
),

calendar_months as (
    select * from {{ ref('int_calendar_months') }}
),

customer_months as (
    select
        transactions.customer_id,
        {{ ecommerce.month_start('transactions.transaction_date') }} as activity_month,
        {{ ecommerce.month_start('purchases.first_purchase_date') }} as first_purchase_month,
        sum(transactions.revenue) as revenue
    from transactions
    inner join purchases
        on transactions.customer_id = purchases.customer_id
    group by
        transactions.customer_id,
        {{ ecommerce.month_start('transactions.transaction_date') }},
        {{ ecommerce.month_start('purchases.first_purchase_date') }}
),

activity_per_month as (
    select
        activity_month,
        count(*) as active_customers,
        sum(case when activity_month = first_purchase_month then 1 else 0 end) as new_customers,
        sum(case when activity_month = first_purchase_month then revenue else 0 end) as new_customer_revenue,
        sum(case when activity_month > first_purchase_month then revenue else 0 end) as returning_customer_revenue
    from customer_months
    group by activity_month
),

months_filled as (
    select
        calendar_months.calendar_month as revenue_month,
        coalesce(activity_per_month.active_customers, 0) as active_customers,
        coalesce(activity_per_month.new_customers, 0) as new_customers,
        coalesce(activity_per_month.new_customer_revenue, 0) as new_customer_revenue,
        coalesce(activity_per_month.returning_customer_revenue, 0) as returning_customer_revenue
    from calendar_months
    left join activity_per_month
        on calendar_months.calendar_month = activity_per_month.activity_month
),

final as (
    select
        cast(revenue_month as date) as revenue_month,
        cast(active_customers as {{ dbt.type_bigint() }}) as active_customers,
        cast(new_customers as {{ dbt.type_bigint() }}) as new_customers,
        cast(active_customers - new_customers as {{ dbt.type_bigint() }}) as returning_customers,
        cast(new_customer_revenue as {{ ecommerce.type_money() }}) as new_customer_revenue,
        cast(returning_customer_revenue as {{ ecommerce.type_money() }}) as returning_customer_revenue,
        case
            when active_customers > 0
                then
                    cast(active_customers - new_customers as {{ ecommerce.type_double() }})
                    / cast(active_customers as {{ ecommerce.type_double() }})
        end as returning_customer_rate,
        cast(
            sum(new_customers) over (order by revenue_month rows between unbounded preceding and current row)
            as {{ dbt.type_bigint() }}
        ) as cumulative_customers
    from months_filled
)

select * from final
