{#
    Layers live in plainly named schemas (raw, staging, intermediate, marts) instead of dbt's default
    `<target_schema>_<custom>`, so BI tools and grants can point at `marts` on every engine.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
