{#
    Every raw customer row, normalised and typed, with the reason it cannot be used (NULL when clean):
    the rules and their precedence are macros/cleaning/quarantine_rules.sql.
#}

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

{{ ecommerce.repeated_keys('normalised', 'customer_id', 'repeated_ids') }},

{{ ecommerce.flag_copies(
    'normalised', 'customer_id', ['customer_name', 'region', 'signup_date_text'], 'repeated_ids', 'flagged'
) }},

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
        {{ ecommerce.quarantine_reason('customers') }} as quarantine_reason
    from typed
)

select * from final
