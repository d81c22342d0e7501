-- The parameters of the fit made at the build's as-of date (none until `make predict` ran at that date).
with

parameters as (
    select * from {{ ref('stg_clv_parameters') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

final as (
    select
        cast(parameters.model as {{ dbt.type_string() }}) as model_name,
        cast(parameters.parameter as {{ dbt.type_string() }}) as parameter_name,
        cast(parameters.value as {{ ecommerce.type_double() }}) as parameter_value,
        cast(parameters.time_unit as {{ dbt.type_string() }}) as time_unit,
        cast(parameters.discount_rate as {{ ecommerce.type_double() }}) as monthly_discount_rate,
        cast(parameters.as_of_date as date) as as_of_date
    from parameters
    inner join as_of
        on parameters.as_of_date = as_of.as_of_date
)

select * from final
