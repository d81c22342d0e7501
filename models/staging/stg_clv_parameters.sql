-- The rows `make predict` loaded into raw.clv_parameters, or none (typed) before it ever ran.
with

final as (
    {{ ecommerce.loaded_or_empty(source('predictions', 'clv_parameters'), {
        'model': dbt.type_string(),
        'parameter': dbt.type_string(),
        'value': ecommerce.type_double(),
        'as_of_date': 'date',
        'time_unit': dbt.type_string(),
        'discount_rate': ecommerce.type_double(),
    }) }}
)

select * from final
