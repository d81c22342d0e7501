-- Every day of every month of int_calendar_months, without gaps: the day calendar of revenue_daily and of
-- the MetricFlow time spine. It recurses over the 31 day offsets of a month rather than over every day:
-- Spark runs each recursion level as a job, and one level per day took minutes there.
with recursive

calendar_months as (
    select * from {{ ref('int_calendar_months') }}
),

day_offsets as (
    select 0 as day_offset
    union all
    select day_offset + 1 as day_offset
    from day_offsets
    where day_offset < 30
),

candidate_days as (
    select
        calendar_months.calendar_month,
        {{ ecommerce.add_days('calendar_months.calendar_month', 'day_offsets.day_offset') }} as calendar_date,
        {{ ecommerce.add_months('calendar_months.calendar_month', 1) }} as next_month
    from calendar_months
    cross join day_offsets
),

final as (
    select
        cast(candidate_days.calendar_date as date) as calendar_date,
        candidate_days.calendar_month
    from candidate_days
    where candidate_days.calendar_date < candidate_days.next_month
)

select * from final
