with

base_transactions as (
    select * from {{ ref('base_transactions') }}
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
        quarantine_reason
    from base_transactions
    where quarantine_reason is not null
)

select * from final
