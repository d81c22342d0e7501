{#
    `column_name` is the sum of `of` over the `days` calendar days ending on `date_column`, divided by `days`
    (days before the first row count as 0), rounded to the cent: it must lie within half a cent of the exact
    mean. Restated by dates as a self-join, not by rows as a window, so a missing calendar day or a window one
    day too wide or too narrow in the model fails here. Exact arithmetic: |avg x days - sum| <= 0.005 x days.
#}
{% test is_trailing_average(model, column_name, of, date_column, days=7) %}

with

windows as (
    select
        later.{{ date_column }} as window_end,
        max(later.{{ column_name }}) as actual_value,
        sum(earlier.{{ of }}) as window_sum
    from {{ model }} as later
    inner join {{ model }} as earlier
        on
            earlier.{{ date_column }} <= later.{{ date_column }}
            and earlier.{{ date_column }} >= {{ ecommerce.add_days('later.' ~ date_column, -(days - 1)) }}
    group by later.{{ date_column }}
)

select * from windows
where abs(actual_value * {{ days }} - window_sum) > 0.005 * {{ days }}

{% endtest %}
