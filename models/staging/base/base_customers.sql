{#
    Every raw customer row, normalised and typed, with the reason it cannot be used (NULL when clean).
    Reasons, first match wins: missing_id, duplicate, conflicting_id, bad_signup_date.
#}
with

raw_customers as (
    select
        customerid,
        customername,
        region,
        signupdate
    from {{ ecommerce.raw_relation('customers') }}
),

normalised as (
    select
        {{ ecommerce.clean_id('customerid') }} as customer_id,
        {{ ecommerce.clean_text('customername') }} as customer_name,
        {{ ecommerce.clean_text('region') }} as region,
        {{ ecommerce.clean_text('signupdate') }} as signup_date_text
    from raw_customers
),

{{ ecommerce.flag_copies('normalised', 'customer_id', ['customer_name', 'region', 'signup_date_text'], 'flagged') }},

final as (
    select
        customer_id,
        customer_name,
        region,
        signup_date_text,
        {{ ecommerce.safe_date('signup_date_text') }} as signup_date,
        case
            when customer_id is null then 'missing_id'
            when copy_number > 1 and content_variants = 1 then 'duplicate'
            when content_variants > 1 then 'conflicting_id'
            when not {{ ecommerce.is_valid_date('signup_date_text') }} then 'bad_signup_date'
        end as quarantine_reason
    from flagged
)

select * from final
