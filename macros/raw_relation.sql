{#
    The one place that knows where raw rows live. Staging reads raw tables only through this macro,
    so switching `raw_source` never touches a model.
      seeds: the CSVs under seeds/, loaded by `dbt seed` (the default sample).
#}
{% macro raw_relation(table_name) -%}
    {%- set raw_source = var('raw_source', 'seeds') -%}
    {%- if raw_source == 'seeds' -%}
        {{ return(ref(table_name)) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "var raw_source must be 'seeds', got '" ~ raw_source ~ "'") }}
    {%- endif -%}
{%- endmacro %}
