{#
    Fails on every row where the column is NULL while `condition` does not hold, or set while it holds:
    e.g. `malformed_line` is set on exactly the rows quarantined as malformed_row.
#}
{% test null_exactly_when(model, column_name, condition) %}

select *
from {{ model }}
where ({{ column_name }} is null) <> coalesce(({{ condition }}), false)

{% endtest %}
