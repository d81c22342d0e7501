{#
    Incremental on DuckDB and PostgreSQL: each run re-merges the transactions of the last
    `incremental_lookback_days` days (late rows) plus any transaction the table does not hold yet, and
    removes rows that are no longer clean (e.g. an id that became conflicting). Spark builds it as a table.
#}
{{ config(
    materialized=('table' if target.type == 'spark' else 'incremental'),
    unique_key='transaction_id',
    incremental_strategy='delete+insert',
    on_schema_change="fail",
    post_hook="{{ ecommerce.delete_rows_no_longer_in(this, ref('int_transactions_enriched'), 'transaction_id') }}",
) }}

with

transactions as (
    select * from {{ ref('int_transactions_enriched') }}
),

final as (
    select
        cast(transaction_id as {{ dbt.type_string() }}) as transaction_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(product_id as {{ dbt.type_string() }}) as product_id,
        cast(category as {{ dbt.type_string() }}) as category,
        cast(region as {{ dbt.type_string() }}) as region,
        cast(transaction_at as {{ dbt.type_timestamp() }}) as transaction_at,
        cast(transaction_date as date) as transaction_date,
        cast(quantity as {{ dbt.type_int() }}) as quantity,
        cast(unit_price as {{ ecommerce.type_money() }}) as unit_price,
        cast(revenue as {{ ecommerce.type_money() }}) as revenue
    from transactions
    {% if is_incremental() %}
        where
            transaction_date >= (
                select {{ ecommerce.add_days('max(transaction_date)', -ecommerce.int_var('incremental_lookback_days', 0)) }}
                from {{ this }}
            )
            or transaction_id not in (select already_loaded.transaction_id from {{ this }} as already_loaded)
    {% endif %}
)

select * from final
