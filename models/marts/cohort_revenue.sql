-- The cohort's lifetime-value curve: revenue of each first-purchase-month cohort over the months since, on
-- the cohort x month grid it shares with customer_cohorts (0 in months the cohort bought nothing).
with

cohort_grid as (
    select * from {{ ref('int_cohort_grid') }}
),

running_totals as (
    select
        cohort_month,
        months_since_first_purchase,
        cohort_size,
        cast(revenue as {{ ecommerce.type_money() }}) as revenue,
        sum(revenue) over (
            partition by cohort_month
            order by months_since_first_purchase
            rows between unbounded preceding and current row
        ) as cumulative_revenue
    from cohort_grid
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
