{#
    Text normalisation shared by every staging model (docs/metrics.md, "Cleaning"):
    values are trimmed, empty strings become NULL, ids are upper-cased.
#}
{% macro clean_text(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}

{% macro clean_id(column) -%}
    upper(nullif(trim({{ column }}), ''))
{%- endmacro %}
