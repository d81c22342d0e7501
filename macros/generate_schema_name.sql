{#
    Layers live in plainly named schemas (raw_sample, staging, intermediate, marts) instead of dbt's default
    `<target_schema>_<custom>`, so BI tools can point at `marts` on every engine. On PostgreSQL, where BI tools
    read the same database, dbt builds the marts in `marts_build` and the publish step
    (macros/publish_marts.sql) swaps a finished copy in as `marts`.
    The `dev` target is a person's own environment on a shared server: every schema it builds is prefixed with
    its target.schema (`dbt_alice_staging`, `dbt_alice_marts`...), so two developers never overwrite each
    other or the plain schemas that `prod` and `ci` build.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif custom_schema_name | trim == 'marts' and target.type == 'postgres' -%}
        {{ ecommerce.schema_prefix() }}marts_build
    {%- else -%}
        {{ ecommerce.schema_prefix() }}{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}

{# The prefix of every schema the current target builds and publishes: `<target.schema>_` on dev, else none. #}
{% macro schema_prefix() -%}
    {{ target.schema ~ '_' if target.name == 'dev' else '' }}
{%- endmacro %}
