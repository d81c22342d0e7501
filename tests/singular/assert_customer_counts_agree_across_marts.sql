-- Every clean customer has exactly one segment; buyers are the same set in every customer mart;
-- transaction counts agree between the fact table and the daily and per-customer marts.
with

clean_customers as (
    select count(*) as customer_count from {{ ref('stg_customers') }}
),

segments as (
    select
        count(*) as customer_count,
        sum(case when segment != 'Never purchased' then 1 else 0 end) as buyer_count
    from {{ ref('customer_segments') }}
),

lifetime_value as (
    select
        count(*) as buyer_count,
        sum(transactions) as transaction_count
    from {{ ref('customer_lifetime_value') }}
),

favorite_category as (
    select count(*) as buyer_count from {{ ref('customer_favorite_category') }}
),

buyers_in_fact as (
    select
        count(distinct customer_id) as buyer_count,
        count(*) as transaction_count
    from {{ ref('fct_transactions') }}
),

daily as (
    select sum(transactions) as transaction_count from {{ ref('revenue_daily') }}
),

final as (
    select
        clean_customers.customer_count as clean_customers,
        segments.customer_count as segmented_customers,
        segments.buyer_count as segment_buyers,
        lifetime_value.buyer_count as clv_buyers,
        favorite_category.buyer_count as favorite_category_buyers,
        buyers_in_fact.buyer_count as fact_buyers,
        buyers_in_fact.transaction_count as fact_transactions,
        lifetime_value.transaction_count as clv_transactions,
        daily.transaction_count as daily_transactions
    from clean_customers
    cross join segments
    cross join lifetime_value
    cross join favorite_category
    cross join buyers_in_fact
    cross join daily
)

select
    clean_customers,
    segmented_customers,
    segment_buyers,
    clv_buyers,
    favorite_category_buyers,
    fact_buyers,
    fact_transactions,
    clv_transactions,
    daily_transactions
from final
where
    segmented_customers != clean_customers
    or segment_buyers != fact_buyers
    or clv_buyers != fact_buyers
    or favorite_category_buyers != fact_buyers
    or coalesce(clv_transactions, 0) != fact_transactions
    or coalesce(daily_transactions, 0) != fact_transactions
