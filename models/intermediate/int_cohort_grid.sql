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

{# One pass over the transactions: a customer's revenue per month; one row per month they bought in. #}
customer_months as (
    select
        customer_id,
        {{ ecommerce.month_start('transaction_date') }} as activity_month,
        sum(revenue) as revenue
    from transactions
    group by customer_id, {{ ecommerce.month_start('transaction_date') }}
),

cohort_months as (
    select
        customer_cohort.cohort_month,
        customer_months.activity_month,
        count(*) as active_customers,
        sum(customer_months.revenue) as revenue
    from customer_months
    inner join customer_cohort
        on customer_months.customer_id = customer_cohort.customer_id
    group by customer_cohort.cohort_month, customer_months.activity_month
),

final as (
    select
        cohort_sizes.cohort_month,
        calendar_months.calendar_month,
        {{ ecommerce.months_between('cohort_sizes.cohort_month', 'calendar_months.calendar_month') }}
            as months_since_first_purchase,
        cohort_sizes.cohort_size,
        coalesce(cohort_months.active_customers, 0) as active_customers,
        -- typed here so that a month without sales is 0.00 like the others on every engine
        cast(coalesce(cohort_months.revenue, 0) as {{ ecommerce.type_money() }}) as revenue
    from cohort_sizes
    inner join calendar_months
        on cohort_sizes.cohort_month <= calendar_months.calendar_month
    left join cohort_months
        on
            cohort_sizes.cohort_month = cohort_months.cohort_month
            and calendar_months.calendar_month = cohort_months.activity_month
)

select * from final
