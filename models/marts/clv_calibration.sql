-- The holdout check of the fit made at the build's as-of date: fitted on what was known at
-- calibration_end_date, predicted repeat occasions up to holdout_end_date (the as-of date) against those
-- that happened, per calibration-frequency bin and in total.
with

calibration as (
    select * from {{ ref('stg_clv_calibration') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

final as (
    select
        cast(calibration.calibration_frequency as {{ dbt.type_string() }}) as calibration_frequency,
        cast(calibration.bin_order as {{ dbt.type_int() }}) as bin_order,
        cast(calibration.customers as {{ dbt.type_bigint() }}) as customers,
        cast(calibration.predicted_repeat_occasions as {{ ecommerce.type_double() }}) as predicted_repeat_occasions,
        cast(calibration.actual_repeat_occasions as {{ ecommerce.type_double() }}) as actual_repeat_occasions,
        cast(calibration.calibration_end_date as date) as calibration_end_date,
        cast(calibration.holdout_end_date as date) as holdout_end_date,
        cast(calibration.as_of_date as date) as as_of_date
    from calibration
    inner join as_of
        on calibration.as_of_date = as_of.as_of_date
)

select * from final
