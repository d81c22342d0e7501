-- How big is each RFM segment, how much does it spend and how recently did it buy? Champions and At risk
-- first: the customers to thank and the customers to win back.
with

customer_rfm as (
    select * from {{ ref('customer_rfm') }}
),

per_segment as (
    select
        rfm_segment,
        count(*) as customers,
        sum(monetary) as revenue,
        avg(cast(recency_days as {{ ecommerce.type_double() }})) as avg_recency_days,
        avg(cast(frequency as {{ ecommerce.type_double() }})) as avg_frequency
    from customer_rfm
    group by rfm_segment
),

final as (
    select
        rfm_segment,
        customers,
        revenue,
        revenue / sum(revenue) over () as revenue_share,
        avg_recency_days,
        avg_frequency
    from per_segment
)

select * from final
order by revenue desc
