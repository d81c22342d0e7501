{#
    Model test: each column of `aggregates` equals an aggregate recomputed from another model, key by key:
    e.g. revenue_daily.customers equals count(distinct customer_id) of fct_transactions on that day.
    `key` is the model's key column, `from_key` the SQL expression it groups `from_model` by, and
    `aggregates` maps a column of the model to the SQL aggregate it must equal. All of them are checked in
    one pass over `from_model` (one scan of the fact rows per mart, not one per column). A key without rows
    in `from_model` must hold 0 in every column (a quiet day); a key of `from_model` missing from the model
    fails too. A failing row shows the key and, for each column, the model's value and the expected one.
#}
{% test matches_aggregate(model, key, from_model, from_key, aggregates) %}

with

expected as (
    select
        {{ from_key }} as key_value,
        {%- for column, aggregate in aggregates.items() %}
        {{ aggregate }} as expected_{{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ from_model }}
    group by {{ from_key }}
),

actual as (
    select
        {{ key }} as key_value,
        {%- for column in aggregates %}
        {{ column }} as actual_{{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ model }}
),

final as (
    select
        coalesce(actual.key_value, expected.key_value) as key_value,
        {%- for column in aggregates %}
        actual.actual_{{ column }},
        expected.expected_{{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from actual
    full outer join expected
        on actual.key_value = expected.key_value
    where
        actual.key_value is null
        {%- for column in aggregates %}
        or actual.actual_{{ column }} is null
        or actual.actual_{{ column }} <> coalesce(expected.expected_{{ column }}, 0)
        {%- endfor %}
)

select * from final

{% endtest %}
