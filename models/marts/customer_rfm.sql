with

customer_rfm as (
    select * from {{ ref('int_customer_rfm') }}
),

final as (
    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(last_purchase_date as date) as last_purchase_date,
        cast(recency_days as {{ dbt.type_int() }}) as recency_days,
        cast(frequency as {{ dbt.type_bigint() }}) as frequency,
        cast(monetary as {{ ecommerce.type_money() }}) as monetary,
        cast(r_score as {{ dbt.type_int() }}) as r_score,
        cast(f_score as {{ dbt.type_int() }}) as f_score,
        cast(m_score as {{ dbt.type_int() }}) as m_score,
        cast(rfm_cell as {{ dbt.type_string() }}) as rfm_cell,
        cast(rfm_segment as {{ dbt.type_string() }}) as rfm_segment,
        cast(as_of_date as date) as as_of_date
    from customer_rfm
)

select * from final
