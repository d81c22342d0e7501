-- The input of the buy-till-you-die models (BG/NBD, Gamma-Gamma), in the definitions of the `rfm_summary`
-- helper of pymc-marketing / lifetimes with a daily time unit. A transaction here is an order line, so a
-- customer's lines of one calendar day are one purchase occasion: three lines in one basket are not three
-- repeat purchases.
with

transactions as (
    select * from {{ ref('int_transactions_enriched') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

occasions as (
    select
        customer_id,
        transaction_date as occasion_date,
        sum(revenue) as occasion_revenue
    from transactions
    group by customer_id, transaction_date
),

numbered_occasions as (
    select
        customer_id,
        occasion_date,
        occasion_revenue,
        row_number() over (partition by customer_id order by occasion_date) as occasion_number
    from occasions
),

per_customer as (
    select
        customer_id,
        count(*) - 1 as frequency,
        min(occasion_date) as first_purchase_date,
        max(occasion_date) as last_purchase_date,
        sum(case when occasion_number > 1 then occasion_revenue end) as repeat_revenue
    from numbered_occasions
    group by customer_id
),

final as (
    select
        cast(per_customer.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(per_customer.frequency as {{ dbt.type_bigint() }}) as frequency,
        cast(
            {{ ecommerce.days_between('per_customer.first_purchase_date', 'per_customer.last_purchase_date') }}
            as {{ dbt.type_int() }}
        ) as recency_days,
        cast(
            {{ ecommerce.days_between('per_customer.first_purchase_date', 'as_of.as_of_date') }}
            as {{ dbt.type_int() }}
        ) as tenure_days,
        cast(
            case
                when per_customer.frequency > 0
                    then {{ ecommerce.money_divide('per_customer.repeat_revenue', 'per_customer.frequency') }}
            end as {{ ecommerce.type_money() }}
        ) as avg_repeat_order_value,
        cast(per_customer.first_purchase_date as date) as first_purchase_date,
        cast(per_customer.last_purchase_date as date) as last_purchase_date,
        cast(as_of.as_of_date as date) as as_of_date
    from per_customer
    cross join as_of
)

select * from final
