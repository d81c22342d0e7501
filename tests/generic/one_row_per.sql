{#
    The grain test against a parent: every distinct `parent_column` value of `parent` appears exactly once
    in `column_name`, and no other value does (e.g. dim_customers has one row per clean customer: none
    lost, none invented, none repeated). Fails with one row per offending key.
#}
{% test one_row_per(model, column_name, parent, parent_column=none) %}

with

model_keys as (
    select
        {{ column_name }} as key_value,
        count(*) as copies
    from {{ model }}
    group by {{ column_name }}
),

parent_keys as (
    select distinct {{ parent_column or column_name }} as key_value
    from {{ parent }}
),

final as (
    select
        coalesce(model_keys.key_value, parent_keys.key_value) as key_value,
        coalesce(model_keys.copies, 0) as copies,
        parent_keys.key_value is not null as is_in_parent
    from model_keys
    full outer join parent_keys
        on model_keys.key_value = parent_keys.key_value
    where
        model_keys.key_value is null
        or parent_keys.key_value is null
        or model_keys.copies <> 1
)

select * from final

{% endtest %}
