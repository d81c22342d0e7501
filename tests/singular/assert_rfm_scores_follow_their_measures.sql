-- A score never contradicts its measure: a buyer who bought more recently, more often or for more money
-- never scores lower than another buyer, and equal measures always share a score. dim_customers carries
-- the same scores and segment as customer_rfm. Returns a row for every offending pair or customer.
with

rfm as (
    select * from {{ ref('customer_rfm') }}
),

dim_customers as (
    select * from {{ ref('dim_customers') }}
),

contradicting_pairs as (
    select
        better.customer_id,
        worse.customer_id as other_customer_id
    from rfm as better
    inner join rfm as worse
        on
            (better.recency_days < worse.recency_days and better.r_score < worse.r_score)
            or (better.recency_days = worse.recency_days and better.r_score != worse.r_score)
            or (better.frequency > worse.frequency and better.f_score < worse.f_score)
            or (better.frequency = worse.frequency and better.f_score != worse.f_score)
            or (better.monetary > worse.monetary and better.m_score < worse.m_score)
            or (better.monetary = worse.monetary and better.m_score != worse.m_score)
),

dim_disagreements as (
    select
        rfm.customer_id,
        cast(null as {{ dbt.type_string() }}) as other_customer_id
    from rfm
    left join dim_customers
        on rfm.customer_id = dim_customers.customer_id
    where
        dim_customers.customer_id is null
        or dim_customers.r_score != rfm.r_score
        or dim_customers.f_score != rfm.f_score
        or dim_customers.m_score != rfm.m_score
        or dim_customers.rfm_cell != rfm.rfm_cell
        or dim_customers.rfm_segment != rfm.rfm_segment
),

final as (
    select * from contradicting_pairs
    union all
    select * from dim_disagreements
)

select * from final
