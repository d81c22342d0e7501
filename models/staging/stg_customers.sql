with

base_customers as (
    select * from {{ ref('base_customers') }}
),

final as (
    select
        customer_id,
        customer_name,
        region,
        signup_date
    from base_customers
    where quarantine_reason is null
)

select * from final
