{#
    Fails on every row where `condition` holds but the column is NULL: e.g. a clean row must have parsed
    values, a row judged on its content must have an id.
#}
{% test present_when(model, column_name, condition) %}

select *
from {{ model }}
where ({{ condition }}) and {{ column_name }} is null

{% endtest %}
