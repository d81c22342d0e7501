{#
    `column_name` is the running sum of `of` in `order_by` order (a unique column), restated as a self-join
    rather than a window, so a wrong window frame in the model cannot hide in the test.
#}
{% test is_running_total(model, column_name, of, order_by) %}

with

totals as (
    select
        later.{{ order_by }} as order_value,
        max(later.{{ column_name }}) as actual_value,
        sum(earlier.{{ of }}) as expected_value
    from {{ model }} as later
    inner join {{ model }} as earlier
        on earlier.{{ order_by }} <= later.{{ order_by }}
    group by later.{{ order_by }}
)

select * from totals
where actual_value <> expected_value

{% endtest %}
