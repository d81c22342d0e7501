-- Which categories sell best in each region (revenue rank of the category within the region)?
with

transactions as (
    select * from {{ ref('fct_transactions') }}
),

revenue_per_region_category as (
    select
        region,
        category,
        sum(revenue) as revenue,
        count(*) as transactions
    from transactions
    group by region, category
),

final as (
    select
        region,
        category,
        revenue,
        transactions,
        rank() over (partition by region order by revenue desc) as category_rank_in_region
    from revenue_per_region_category
)

select * from final
order by region, category_rank_in_region
