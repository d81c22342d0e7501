-- MetricFlow's day-grain time spine: every day of every month from the first to the last month with a
-- clean sale. Built from int_calendar_months and a recursive list of day offsets (the project's calendar
-- macros), so it is the same table on DuckDB, PostgreSQL and Spark.
{{ config(materialized='table', schema='semantic') }}

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
        {{ ecommerce.add_days('calendar_months.calendar_month', 'day_offsets.day_offset') }} as date_day,
        {{ ecommerce.add_months('calendar_months.calendar_month', 1) }} as next_month
    from calendar_months
    cross join day_offsets
),

final as (
    select cast(date_day as date) as date_day
    from candidate_days
    where date_day < next_month
)

select * from final
