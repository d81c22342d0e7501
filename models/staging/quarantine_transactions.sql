with

judged_transactions as (
    select * from {{ ref('judged_transactions') }}
),

final as (
    select
        transaction_id,
        customer_id,
        product_id,
        transaction_date_text,
        quantity_text,
        total_value_text,
        price_text,
        malformed_line,
        quarantine_reason
    from judged_transactions
    where quarantine_reason is not null
)

select * from final
