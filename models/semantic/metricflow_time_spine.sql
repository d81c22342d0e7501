-- MetricFlow's day-grain time spine: every day of every month from the first to the last month with a
-- clean sale, the same day calendar revenue_daily uses (int_calendar_days).
{{ config(materialized='table', schema='semantic') }}

with

calendar_days as (
    select * from {{ ref('int_calendar_days') }}
),

final as (
    select calendar_date as date_day
    from calendar_days
)

select * from final
