{#
    Period-over-period growth in percent, rounded to 2 decimals; NULL for the first period and whenever
    the previous period's value is 0 (growth from nothing is undefined, not infinite).
#}
{% macro growth_pct(current_value, previous_value) -%}
    case
        when {{ previous_value }} is null or {{ previous_value }} = 0 then null
        else round(({{ current_value }} - {{ previous_value }}) * 100 / {{ previous_value }}, 2)
    end
{%- endmacro %}
