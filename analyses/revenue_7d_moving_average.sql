-- Daily revenue against its 7-day moving average, with the days that beat the average by 50 % or more.
with

revenue_daily as (
    select * from {{ ref('revenue_daily') }}
),

final as (
    select
        revenue_date,
        revenue,
        revenue_7d_avg,
        revenue >= 1.5 * revenue_7d_avg and revenue_7d_avg > 0 as is_spike_day
    from revenue_daily
)

select * from final
order by revenue_date
