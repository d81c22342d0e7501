-- Each day against the same weekday of the trailing weeks: weekly rhythm is the strongest pattern in daily
-- revenue, so comparing a Saturday with Saturdays keeps a normal weekend from looking like a spike. The
-- log turns a doubling and a halving into moves of the same size; median and MAD ignore the odd past
-- anomaly that a mean and standard deviation would absorb. A window median can't be a window function on
-- PostgreSQL, so the window is a join: each day with the same weekday 1..anomaly_weeks weeks earlier.
{%- set anomaly = ecommerce.anomaly_settings() %}
with recursive

revenue_daily as (
    select * from {{ ref('revenue_daily') }}
),

week_offsets{{ ecommerce.recursion_limit(anomaly.weeks + 1) }} as (
    select 1 as weeks_back
    union all
    select weeks_back + 1 as weeks_back
    from week_offsets
    where weeks_back < {{ anomaly.weeks }}
),

daily_log_revenue as (
    select
        revenue_date,
        revenue,
        ln(1 + cast(revenue as {{ ecommerce.type_double() }})) as log_revenue
    from revenue_daily
),

-- Weeks before the first sale have no row in revenue_daily, so the inner join leaves them out of the window.
window_days as (
    select
        this_day.revenue_date,
        earlier.log_revenue
    from daily_log_revenue as this_day
    cross join week_offsets
    inner join daily_log_revenue as earlier
        on earlier.revenue_date = {{ ecommerce.add_days('this_day.revenue_date', '(-7 * week_offsets.weeks_back)') }}
),

window_medians as (
    select
        revenue_date,
        count(*) as window_weeks,
        {{ ecommerce.median('log_revenue') }} as window_median
    from window_days
    group by revenue_date
),

window_deviations as (
    select
        window_days.revenue_date,
        {{ ecommerce.median('abs(window_days.log_revenue - window_medians.window_median)') }} as window_mad
    from window_days
    inner join window_medians
        on window_days.revenue_date = window_medians.revenue_date
    group by window_days.revenue_date
),

windows as (
    select
        daily_log_revenue.revenue_date,
        daily_log_revenue.revenue,
        daily_log_revenue.log_revenue,
        coalesce(window_medians.window_weeks, 0) as window_weeks,
        window_medians.window_median,
        window_deviations.window_mad
    from daily_log_revenue
    left join window_medians
        on daily_log_revenue.revenue_date = window_medians.revenue_date
    left join window_deviations
        on daily_log_revenue.revenue_date = window_deviations.revenue_date
),

-- 0.6745 scales the MAD to a standard deviation for normal data (the modified z-score of Iglewicz and
-- Hoaglin, whose usual cut-off is 3.5). A MAD of 0 (most window days alike) gives no scale: no score.
scored as (
    select
        revenue_date,
        revenue,
        log_revenue,
        window_weeks,
        window_median,
        window_mad,
        case
            when window_weeks >= {{ anomaly.min_weeks }} and window_mad > 0
                then 0.6745 * (log_revenue - window_median) / window_mad
        end as unrounded_score
    from windows
),

-- The score is rounded to 2 decimals before the comparison, so a flag never hangs on a float's last bit.
rounded as (
    select
        revenue_date,
        revenue,
        log_revenue,
        window_weeks,
        window_median,
        window_mad,
        round(cast(unrounded_score as decimal(38, 12)), 2) as anomaly_score
    from scored
),

final as (
    select
        cast(revenue_date as date) as revenue_date,
        cast(revenue as {{ ecommerce.type_money() }}) as revenue,
        cast(log_revenue as {{ ecommerce.type_double() }}) as log_revenue,
        cast(window_weeks as {{ dbt.type_bigint() }}) as window_weeks,
        cast(window_median as {{ ecommerce.type_double() }}) as window_median_log_revenue,
        cast(window_mad as {{ ecommerce.type_double() }}) as window_mad_log_revenue,
        cast(exp(window_median) - 1 as {{ ecommerce.type_double() }}) as typical_revenue,
        cast(anomaly_score as decimal(18, 2)) as anomaly_score,
        coalesce(abs(anomaly_score) >= {{ anomaly.threshold }}, false) as is_anomaly
    from rounded
)

select * from final
