-- The rows `make predict` loaded into raw.clv_predictions, or none (typed) before it ever ran.
with

final as (
    {{ ecommerce.loaded_or_empty(source('predictions', 'clv_predictions'), {
        'customer_id': dbt.type_string(),
        'probability_alive': ecommerce.type_double(),
        'expected_purchases_90d': ecommerce.type_double(),
        'expected_purchases_365d': ecommerce.type_double(),
        'expected_occasion_value': ecommerce.type_double(),
        'predicted_clv_12m': ecommerce.type_double(),
        'as_of_date': 'date',
    }) }}
)

select * from final
