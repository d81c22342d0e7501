-- The cohort's lifetime-value curve: revenue of each first-purchase-month cohort over the months since,
-- on the same cohort x month grid as customer_cohorts (0 in months the cohort bought nothing).
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

cohort_grid as (
    select
        cohort_sizes.cohort_month,
        cohort_sizes.cohort_size,
        calendar_months.calendar_month,
        {{ ecommerce.months_between('cohort_sizes.cohort_month', 'calendar_months.calendar_month') }}
            as months_since_first_purchase
    from cohort_sizes
    inner join calendar_months
        on cohort_sizes.cohort_month <= calendar_months.calendar_month
),

revenue_filled as (
    select
        cohort_grid.cohort_month,
        cohort_grid.months_since_first_purchase,
        cohort_grid.cohort_size,
        cast(coalesce(revenue_per_cohort_month.revenue, 0) as {{ ecommerce.type_money() }}) as revenue
    from cohort_grid
    left join revenue_per_cohort_month
        on
            cohort_grid.cohort_month = revenue_per_cohort_month.cohort_month
            and cohort_grid.calendar_month = revenue_per_cohort_month.activity_month
),

running_totals as (
    select
        cohort_month,
        months_since_first_purchase,
        cohort_size,
        revenue,
        sum(revenue) over (
            partition by cohort_month
            order by months_since_first_purchase
            rows between unbounded preceding and current row
        ) as cumulative_revenue
    from revenue_filled
),

final as (
    select
        cast(cohort_month as date) as cohort_month,
        cast(months_since_first_purchase as {{ dbt.type_int() }}) as months_since_first_purchase,
        cast(cohort_size as {{ dbt.type_bigint() }}) as cohort_size,
        cast(revenue as {{ ecommerce.type_money() }}) as revenue,
        cast(cumulative_revenue as {{ ecommerce.type_money() }}) as cumulative_revenue,
        cast(
            {{ ecommerce.money_divide('cumulative_revenue', 'cohort_size') }} as {{ ecommerce.type_money() }}
        ) as cumulative_revenue_per_customer
    from running_totals
)

select * from final
