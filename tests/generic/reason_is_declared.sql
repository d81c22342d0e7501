{#
    Fails on every row whose reason code is not declared for `raw_table` in the seed quarantine_reasons,
    the one home of the reason codes (code, table, precedence, meaning).
#}
{% test reason_is_declared(model, column_name, raw_table) %}

select checked.*
from {{ model }} as checked
left join {{ ref('quarantine_reasons') }} as declared
    on checked.{{ column_name }} = declared.reason
    and declared.raw_table = {{ ecommerce.sql_text(raw_table) }}
where checked.{{ column_name }} is not null and declared.reason is null

{% endtest %}
