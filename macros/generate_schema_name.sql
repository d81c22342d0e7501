{#
    Layers live in plainly named schemas (raw, staging, intermediate, marts) instead of dbt's default
    `<target_schema>_<custom>`, so BI tools can point at `marts` on every engine. On PostgreSQL, where BI tools
    read the same database, dbt builds the marts in `marts_build` and the publish step
    (macros/publish_marts.sql) swaps a finished copy in as `marts`.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif custom_schema_name | trim == 'marts' and target.type == 'postgres' -%}
        marts_build
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
