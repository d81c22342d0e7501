-- Every clean transaction belongs to exactly one cohort and one month since its first purchase, so the
-- cohort revenue grid sums to total revenue, and it has the same cohort x month rows and cohort sizes as
-- customer_cohorts. Returns a row for every disagreement.
with

cohort_revenue as (
    select * from {{ ref('cohort_revenue') }}
),

customer_cohorts as (
    select * from {{ ref('customer_cohorts') }}
),

fct_transactions as (
    select * from {{ ref('fct_transactions') }}
),

totals as (
    select
        (select sum(revenue) from cohort_revenue) as cohort_total,
        (select sum(revenue) from fct_transactions) as fact_total
),

total_mismatch as (
    select
        'total revenue' as problem,
        cast(null as date) as cohort_month,
        cast(null as {{ dbt.type_int() }}) as months_since_first_purchase
    from totals
    where coalesce(cohort_total, 0) != coalesce(fact_total, 0)
),

grid_mismatch as (
    select
        'rows or cohort_size differ from customer_cohorts' as problem,
        coalesce(cohort_revenue.cohort_month, customer_cohorts.cohort_month) as cohort_month,
        coalesce(cohort_revenue.months_since_first_purchase, customer_cohorts.months_since_first_purchase)
            as months_since_first_purchase
    from cohort_revenue
    full outer join customer_cohorts
        on
            cohort_revenue.cohort_month = customer_cohorts.cohort_month
            and cohort_revenue.months_since_first_purchase = customer_cohorts.months_since_first_purchase
    where
        cohort_revenue.cohort_month is null
        or customer_cohorts.cohort_month is null
        or cohort_revenue.cohort_size != customer_cohorts.cohort_size
),

final as (
    select * from total_mismatch
    union all
    select * from grid_mismatch
)

select * from final
