with

judged_transactions as (
    select * from {{ ref('judged_transactions') }}
),

final as (
    select
        transaction_id,
        customer_id,
        product_id,
        transaction_at,
        cast(transaction_at as date) as transaction_date,
        quantity,
        unit_price,
        total_value
    from judged_transactions
    where quarantine_reason is null
)

select * from final
