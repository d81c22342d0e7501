-- What is a customer worth three months after their first purchase, cohort by cohort? Cohorts younger
-- than three months have no row yet.
with

cohort_revenue as (
    select * from {{ ref('cohort_revenue') }}
),

final as (
    select
        cohort_month,
        cohort_size,
        cumulative_revenue,
        cumulative_revenue_per_customer
    from cohort_revenue
    where months_since_first_purchase = 3
)

select * from final
order by cohort_month
