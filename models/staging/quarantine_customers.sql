with

base_customers as (
    select * from {{ ref('base_customers') }}
),

final as (
    select
        customer_id,
        customer_name,
        region,
        signup_date_text,
        malformed_line,
        quarantine_reason
    from base_customers
    where quarantine_reason is not null
)

select * from final
