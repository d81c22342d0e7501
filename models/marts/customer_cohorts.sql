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

cohort_grid as (
    select
        cohort_sizes.cohort_month,
        cohort_sizes.cohort_size,
        calendar_months.calendar_month
    from cohort_sizes
    inner join calendar_months
        on cohort_sizes.cohort_month <= calendar_months.calendar_month
),

final as (
    select
        cast(cohort_grid.cohort_month as date) as cohort_month,
        cast(
            {{ ecommerce.months_between('cohort_grid.cohort_month', 'cohort_grid.calendar_month') }}
            as {{ dbt.type_int() }}
        ) as months_since_first_purchase,
        cast(cohort_grid.cohort_size as {{ dbt.type_bigint() }}) as cohort_size,
        cast(coalesce(active_per_cohort_month.active_customers, 0) as {{ dbt.type_bigint() }}) as active_customers,
        cast(
            round(coalesce(active_per_cohort_month.active_customers, 0) * 100.0 / cohort_grid.cohort_size, 2)
            as {{ ecommerce.type_money() }}
        ) as retention_pct
    from cohort_grid
    left join active_per_cohort_month
        on
            cohort_grid.cohort_month = active_per_cohort_month.cohort_month
            and cohort_grid.calendar_month = active_per_cohort_month.activity_month
)

select * from final
