-- The fit of `make predict` made at the build's as-of date, with the customer's RFM segment for grouping.
-- Rows exist only when a fit at that date was loaded: a prediction is never shown against another date.
with

predictions as (
    select * from {{ ref('stg_clv_predictions') }}
),

customer_rfm as (
    select * from {{ ref('customer_rfm') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

final as (
    select
        cast(predictions.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(predictions.probability_alive as {{ ecommerce.type_double() }}) as probability_alive,
        cast(predictions.expected_purchases_90d as {{ ecommerce.type_double() }}) as expected_purchases_90d,
        cast(predictions.expected_purchases_365d as {{ ecommerce.type_double() }}) as expected_purchases_365d,
        cast(predictions.expected_occasion_value as {{ ecommerce.type_double() }}) as expected_occasion_value,
        cast(predictions.predicted_clv_12m as {{ ecommerce.type_double() }}) as predicted_clv_12m,
        cast(customer_rfm.rfm_segment as {{ dbt.type_string() }}) as rfm_segment,
        cast(predictions.as_of_date as date) as as_of_date
    from predictions
    inner join as_of
        on predictions.as_of_date = as_of.as_of_date
    left join customer_rfm
        on predictions.customer_id = customer_rfm.customer_id
)

select * from final
