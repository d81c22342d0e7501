-- Every calendar month from the first to the last month with a clean transaction up to the as-of date, without gaps.
with recursive

transactions as (
    select * from {{ ref('int_transactions_enriched') }}
),

bounds as (
    select
        {{ ecommerce.month_start('min(transaction_date)') }} as first_month,
        {{ ecommerce.month_start('max(transaction_date)') }} as last_month
    from transactions
),

months{{ ecommerce.recursion_limit() }} as (
    select first_month as calendar_month
    from bounds
    where first_month is not null
    union all
    select {{ ecommerce.add_months('months.calendar_month', 1) }} as calendar_month
    from months
    inner join bounds
        on months.calendar_month < bounds.last_month
),

final as (
    select
        calendar_month,
        {{ ecommerce.quarter_start('calendar_month') }} as calendar_quarter
    from months
)

select * from final
