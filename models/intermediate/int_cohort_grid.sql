-- The cohort x month grid shared by customer_cohorts and cohort_revenue: each first-purchase-month cohort
-- with every calendar month from its own to the last month with a sale, how many of its customers bought
-- in that month and their revenue (0 in months the cohort bought nothing).
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

customer_cohort as (
    select
        customer_id,
        {{ ecommerce.month_start('first_purchase_date') }} as cohort_month
    from purchases
),

cohort_sizes as (
    select
        cohort_month,
        count(*) as cohort_size
    from customer_cohort
    group by cohort_month
),

active_months as (
    select distinct
        customer_id,
        {{ ecommerce.month_start('transaction_date') }} as activity_month
    from transactions
),

active_per_cohort_month as (
    select
        customer_cohort.cohort_month,
        active_months.activity_month,
        count(*) as active_customers
    from active_months
    inner join customer_cohort
        on active_months.customer_id = customer_cohort.customer_id
    group by customer_cohort.cohort_month, active_months.activity_month
),

revenue_per_cohort_month as (
    select
        customer_cohort.cohort_month,
        {{ ecommerce.month_start('transactions.transaction_date') }} as activity_month,
        sum(transactions.revenue) as revenue
    from transactions
    inner join customer_cohort
        on transactions.customer_id = customer_cohort.customer_id
    group by customer_cohort.cohort_month, {{ ecommerce.month_start('transactions.transaction_date') }}
),

final as (
    select
        cohort_sizes.cohort_month,
        calendar_months.calendar_month,
        {{ ecommerce.months_between('cohort_sizes.cohort_month', 'calendar_months.calendar_month') }}
            as months_since_first_purchase,
        cohort_sizes.cohort_size,
        coalesce(active_per_cohort_month.active_customers, 0) as active_customers,
        -- typed here so that a month without sales is 0.00 like the others on every engine
        cast(coalesce(revenue_per_cohort_month.revenue, 0) as {{ ecommerce.type_money() }}) as revenue
    from cohort_sizes
    inner join calendar_months
        on cohort_sizes.cohort_month <= calendar_months.calendar_month
    left join active_per_cohort_month
        on
            cohort_sizes.cohort_month = active_per_cohort_month.cohort_month
            and calendar_months.calendar_month = active_per_cohort_month.activity_month
    left join revenue_per_cohort_month
        on
            cohort_sizes.cohort_month = revenue_per_cohort_month.cohort_month
            and calendar_months.calendar_month = revenue_per_cohort_month.activity_month
)

select * from final
