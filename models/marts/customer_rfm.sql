-- One row per buyer with recency, frequency and monetary value, their 1-5 scores and the RFM segment
-- (dim_customers reads the scores from here). Scores share ties:
-- score = 1 + floor(5 * (rank - 1) / buyers), with rank() giving tied buyers the lowest rank.
with

purchases as (
    select * from {{ ref('int_customer_purchases_aggregated') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

rfm_values as (
    select
        purchases.customer_id,
        purchases.last_purchase_date,
        as_of.as_of_date,
        {{ ecommerce.days_between('purchases.last_purchase_date', 'as_of.as_of_date') }} as recency_days,
        purchases.transactions as frequency,
        purchases.total_revenue as monetary
    from purchases
    cross join as_of
),

ranked as (
    select
        customer_id,
        last_purchase_date,
        as_of_date,
        recency_days,
        frequency,
        monetary,
        rank() over (order by recency_days desc) as recency_rank,
        rank() over (order by frequency asc) as frequency_rank,
        rank() over (order by monetary asc) as monetary_rank,
        count(*) over () as buyers
    from rfm_values
),

scored as (
    select
        customer_id,
        last_purchase_date,
        as_of_date,
        recency_days,
        frequency,
        monetary,
        cast(1 + floor(5.0 * (recency_rank - 1) / buyers) as {{ dbt.type_int() }}) as r_score,
        cast(1 + floor(5.0 * (frequency_rank - 1) / buyers) as {{ dbt.type_int() }}) as f_score,
        cast(1 + floor(5.0 * (monetary_rank - 1) / buyers) as {{ dbt.type_int() }}) as m_score
    from ranked
),

final as (
    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(last_purchase_date as date) as last_purchase_date,
        cast(recency_days as {{ dbt.type_int() }}) as recency_days,
        cast(frequency as {{ dbt.type_bigint() }}) as frequency,
        cast(monetary as {{ ecommerce.type_money() }}) as monetary,
        r_score,
        f_score,
        m_score,
        cast({{ dbt.concat([
            "cast(r_score as " ~ dbt.type_string() ~ ")",
            "cast(f_score as " ~ dbt.type_string() ~ ")",
            "cast(m_score as " ~ dbt.type_string() ~ ")",
        ]) }} as {{ dbt.type_string() }}) as rfm_cell,
        -- First match wins: the order of these branches is the definition.
        cast(case
            when r_score >= 4 and f_score >= 4 and m_score >= 4 then 'Champions'
            when r_score <= 2 and f_score >= 3 then 'At risk'
            when f_score >= 4 then 'Loyal'
            when r_score >= 4 and f_score = 1 then 'New'
            when r_score >= 4 then 'Promising'
            when r_score <= 2 then 'Hibernating'
            else 'Needs attention'
        end as {{ dbt.type_string() }}) as rfm_segment,
        cast(as_of_date as date) as as_of_date
    from scored
)

select * from final
