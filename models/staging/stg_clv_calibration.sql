-- The rows `make predict` loaded into raw.clv_calibration, or none (typed) before it ever ran.
with

final as (
    {{ ecommerce.loaded_or_empty(source('predictions', 'clv_calibration'), {
        'calibration_frequency': dbt.type_string(),
        'bin_order': dbt.type_int(),
        'customers': dbt.type_bigint(),
        'predicted_repeat_occasions': ecommerce.type_double(),
        'actual_repeat_occasions': ecommerce.type_double(),
        'calibration_end_date': 'date',
        'holdout_end_date': 'date',
        'as_of_date': 'date',
    }) }}
)

select * from final
