{#
    `column_name` is the mean of `of` over the `days` calendar days ending on `date_column` (fewer at the
    start, where fewer days exist), rounded to the cent: it must lie within half a cent of the exact mean.
    Restated by dates as a self-join, not by rows as a window, so a missing calendar day or a window one day
    too wide or too narrow in the model fails here. Exact arithmetic: |avg x n - sum| <= 0.005 x n.
#}
{% test is_trailing_average(model, column_name, of, date_column, days=7) %}

with

windows as (
    select
        later.{{ date_column }} as window_end,
        max(later.{{ column_name }}) as actual_value,
        sum(earlier.{{ of }}) as window_sum,
        count(*) as window_days
    from {{ model }} as later
    inner join {{ model }} as earlier
        on
            earlier.{{ date_column }} <= later.{{ date_column }}
            and earlier.{{ date_column }} >= {{ ecommerce.add_days('later.' ~ date_column, -(days - 1)) }}
    group by later.{{ date_column }}
)

select * from windows
where abs(actual_value * window_days - window_sum) > 0.005 * window_days

{% endtest %}
