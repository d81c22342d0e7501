{#
    Fails on every row where `expression` is not true (NULL counts as a failure).
    A small stand-in for dbt_utils.expression_is_true, which needs the dbt hub.
#}
{% test expression_is_true(model, expression) %}

select *
from {{ model }}
where not coalesce({{ expression }}, false)

{% endtest %}
