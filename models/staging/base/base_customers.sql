{#
    Every raw customer row, normalised and typed, with the reason it cannot be used (NULL when clean).
    Reasons, first match wins: malformed_row, missing_id, duplicate, conflicting_id, bad_signup_date
    (not a real date, or outside min_valid_date .. max_valid_date).
#}
{%- set window = ecommerce.valid_date_window() %}

with

raw_customers as (
    select
        customerid,
        customername,
        region,
        signupdate,
        {{ ecommerce.raw_malformed_line() }} as malformed_line
    from {{ ecommerce.raw_table('customers') }}
),

normalised as (
    select
        {{ ecommerce.clean_id('customerid') }} as customer_id,
        {{ ecommerce.clean_text('customername') }} as customer_name,
        {{ ecommerce.clean_text('region') }} as region,
        {{ ecommerce.clean_text('signupdate') }} as signup_date_text,
        malformed_line
    from raw_customers
),

{{ ecommerce.flag_copies('normalised', 'customer_id', ['customer_name', 'region', 'signup_date_text'], 'flagged') }},

typed as (
    select
        customer_id,
        customer_name,
        region,
        signup_date_text,
        malformed_line,
        copy_number,
        content_differs,
        {{ ecommerce.safe_date('signup_date_text') }} as signup_date
    from flagged
),

final as (
    select
        customer_id,
        customer_name,
        region,
        signup_date_text,
        signup_date,
        malformed_line,
        case
            when malformed_line is not null then 'malformed_row'
            when customer_id is null then 'missing_id'
            when copy_number > 1 and not content_differs then 'duplicate'
            when content_differs then 'conflicting_id'
            when signup_date is null
                or signup_date < cast('{{ window.first }}' as date)
                or signup_date > cast('{{ window.last }}' as date)
                then 'bad_signup_date'
        end as quarantine_reason
    from typed
)

select * from final
