-- Revenue is one number: the daily, monthly, quarterly-by-category, per-customer and per-line marts
-- must all add up to the same total, to the cent. Returns a row only when any total disagrees.
with

fct_transactions as (
    select sum(revenue) as total_revenue from {{ ref('fct_transactions') }}
),

revenue_daily as (
    select sum(revenue) as total_revenue from {{ ref('revenue_daily') }}
),

revenue_monthly as (
    select sum(revenue) as total_revenue from {{ ref('revenue_monthly') }}
),

revenue_category_quarterly as (
    select sum(revenue) as total_revenue from {{ ref('revenue_category_quarterly') }}
),

customer_lifetime_value as (
    select sum(total_revenue) as total_revenue from {{ ref('customer_lifetime_value') }}
),

dim_customers as (
    select sum(total_revenue) as total_revenue from {{ ref('dim_customers') }}
),

dim_products as (
    select sum(revenue) as total_revenue from {{ ref('dim_products') }}
),

final as (
    select
        fct_transactions.total_revenue as fct_transactions_revenue,
        revenue_daily.total_revenue as revenue_daily_revenue,
        revenue_monthly.total_revenue as revenue_monthly_revenue,
        revenue_category_quarterly.total_revenue as revenue_category_quarterly_revenue,
        customer_lifetime_value.total_revenue as customer_lifetime_value_revenue,
        dim_customers.total_revenue as dim_customers_revenue,
        dim_products.total_revenue as dim_products_revenue
    from fct_transactions
    cross join revenue_daily
    cross join revenue_monthly
    cross join revenue_category_quarterly
    cross join customer_lifetime_value
    cross join dim_customers
    cross join dim_products
)

select
    fct_transactions_revenue,
    revenue_daily_revenue,
    revenue_monthly_revenue,
    revenue_category_quarterly_revenue,
    customer_lifetime_value_revenue,
    dim_customers_revenue,
    dim_products_revenue
from final
where
    coalesce(revenue_daily_revenue, 0) != coalesce(fct_transactions_revenue, 0)
    or coalesce(revenue_monthly_revenue, 0) != coalesce(fct_transactions_revenue, 0)
    or coalesce(revenue_category_quarterly_revenue, 0) != coalesce(fct_transactions_revenue, 0)
    or coalesce(customer_lifetime_value_revenue, 0) != coalesce(fct_transactions_revenue, 0)
    or coalesce(dim_customers_revenue, 0) != coalesce(fct_transactions_revenue, 0)
    or coalesce(dim_products_revenue, 0) != coalesce(fct_transactions_revenue, 0)
