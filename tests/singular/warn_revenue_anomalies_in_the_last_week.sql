-- A report, not a defect: warns with every flagged day of the last 7 days of revenue_anomalies, so a
-- spike or a drop in yesterday's revenue shows up in the build log of the morning run. Older flags are
-- history (the mart keeps them); only the last week asks for someone to look.
{{ config(severity='warn') }}

with

anomalies as (
    select * from {{ ref('revenue_anomalies') }}
),

last_day as (
    select max(revenue_date) as revenue_date
    from anomalies
),

final as (
    select
        anomalies.revenue_date,
        anomalies.revenue,
        anomalies.typical_revenue,
        anomalies.anomaly_score
    from anomalies
    inner join last_day
        on anomalies.revenue_date > {{ ecommerce.add_days('last_day.revenue_date', -7) }}
    where anomalies.is_anomaly
)

select * from final
