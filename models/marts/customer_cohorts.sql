-- Retention of each monthly cohort, on the cohort x month grid it shares with cohort_revenue.
with

cohort_grid as (
    select * from {{ ref('int_cohort_grid') }}
),

final as (
    select
        cast(cohort_grid.cohort_month as date) as cohort_month,
        cast(cohort_grid.months_since_first_purchase as {{ dbt.type_int() }}) as months_since_first_purchase,
        cast(cohort_grid.cohort_size as {{ dbt.type_bigint() }}) as cohort_size,
        cast(cohort_grid.active_customers as {{ dbt.type_bigint() }}) as active_customers,
        cast(
            round(cohort_grid.active_customers * 100.0 / cohort_grid.cohort_size, 2)
            as {{ ecommerce.type_money() }}
        ) as retention_pct
    from cohort_grid
)

select * from final
