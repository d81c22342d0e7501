-- New and returning customers split each month exactly: their revenue adds up to the month's revenue and
-- their counts to the month's distinct buyers, on the same months as revenue_monthly. Returns a row per
-- month that disagrees (or exists in only one of the two marts).
with

activity as (
    select * from {{ ref('customer_activity_monthly') }}
),

monthly as (
    select * from {{ ref('revenue_monthly') }}
),

compared as (
    select
        coalesce(activity.revenue_month, monthly.revenue_month) as revenue_month,
        activity.new_customer_revenue + activity.returning_customer_revenue as split_revenue,
        monthly.revenue as monthly_revenue,
        activity.active_customers,
        monthly.customers as monthly_customers
    from activity
    full outer join monthly
        on activity.revenue_month = monthly.revenue_month
)

select
    revenue_month,
    split_revenue,
    monthly_revenue,
    active_customers,
    monthly_customers
from compared
where
    split_revenue is null
    or monthly_revenue is null
    or split_revenue != monthly_revenue
    or active_customers != monthly_customers
