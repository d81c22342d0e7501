{#
    `column_name` equals an aggregate recomputed from another model, key by key: e.g. revenue_daily.customers
    equals count(distinct customer_id) of fct_transactions on that day. `key` is the model's key column,
    `from_key` the SQL expression it groups `from_model` by, `aggregate` the SQL aggregate. A key without
    rows in `from_model` must hold 0 (a quiet day); a key of `from_model` missing from the model fails too.
#}
{% test matches_aggregate(model, column_name, key, from_model, from_key, aggregate) %}

with

expected as (
    select
        {{ from_key }} as key_value,
        {{ aggregate }} as expected_value
    from {{ from_model }}
    group by {{ from_key }}
),

actual as (
    select
        {{ key }} as key_value,
        {{ column_name }} as actual_value
    from {{ model }}
),

final as (
    select
        coalesce(actual.key_value, expected.key_value) as key_value,
        actual.actual_value,
        expected.expected_value
    from actual
    full outer join expected
        on actual.key_value = expected.key_value
    where
        actual.key_value is null
        or actual.actual_value is null
        or actual.actual_value <> coalesce(expected.expected_value, 0)
)

select * from final

{% endtest %}
