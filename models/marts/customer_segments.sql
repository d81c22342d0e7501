{%- set thresholds = ecommerce.segment_thresholds() %}

with

customers as (
    select * from {{ ref('stg_customers') }}
),

purchases as (
    select * from {{ ref('int_customer_purchases_aggregated') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

recency as (
    select
        customers.customer_id,
        purchases.last_purchase_date,
        as_of.as_of_date,
        {{ ecommerce.days_between('purchases.last_purchase_date', 'as_of.as_of_date') }} as recency_days
    from customers
    cross join as_of
    left join purchases
        on customers.customer_id = purchases.customer_id
),

final as (
    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(last_purchase_date as date) as last_purchase_date,
        cast(recency_days as {{ dbt.type_int() }}) as recency_days,
        cast(case
            when last_purchase_date is null then 'Never purchased'
            when recency_days < {{ thresholds.active_days }} then 'Active'
            when recency_days <= {{ thresholds.churned_days }} then 'Dormant'
            else 'Churned'
        end as {{ dbt.type_string() }}) as segment,
        cast(as_of_date as date) as as_of_date
    from recency
)

select * from final
