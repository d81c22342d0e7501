-- A score never contradicts its measure: a buyer who bought more recently, more often or for more money
-- never scores lower than another buyer, and equal measures always share a score. dim_customers carries
-- the same scores and segment as customer_rfm. Returns a row for every offending measure, score or customer.
-- Checked in linear form (one score per measure value; the scores' measure ranges in order, without overlap)
-- rather than by comparing every pair of buyers, which took half an hour at 10 M transactions.
with

rfm as (
    select * from {{ ref('customer_rfm') }}
),

dim_customers as (
    select * from {{ ref('dim_customers') }}
),

measures as (
    select
        'r' as score_kind,
        -recency_days as measure,
        r_score as score
    from rfm
    union all
    select
        'f' as score_kind,
        frequency as measure,
        f_score as score
    from rfm
    union all
    select
        'm' as score_kind,
        monetary as measure,
        m_score as score
    from rfm
),

ties_split as (
    select
        score_kind,
        cast(measure as {{ dbt.type_string() }}) as offender
    from measures
    group by score_kind, measure
    having count(distinct score) > 1
),

score_ranges as (
    select
        score_kind,
        score,
        min(measure) as lowest_measure,
        max(measure) as highest_measure
    from measures
    group by score_kind, score
),

ordered_ranges as (
    select
        score_kind,
        score,
        lowest_measure,
        lag(highest_measure) over (partition by score_kind order by score) as highest_measure_below
    from score_ranges
),

out_of_order as (
    select
        score_kind,
        cast(score as {{ dbt.type_string() }}) as offender
    from ordered_ranges
    where lowest_measure <= highest_measure_below
),

dim_disagreements as (
    select
        'dim_customers' as score_kind,
        rfm.customer_id as offender
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
    select * from ties_split
    union all
    select * from out_of_order
    union all
    select * from dim_disagreements
)

select * from final
