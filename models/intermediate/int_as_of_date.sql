-- The point in time every mart shows, computed once: var as_of_date when set, else the latest clean
-- transaction date. One row; int_transactions_enriched, customer_segments and customer_rfm read it.
with

transactions as (
    select * from {{ ref('int_transactions_clean') }}
),

final as (
    select cast({{ ecommerce.as_of_date('transactions') }} as date) as as_of_date
)

select * from final
