{#
    BI tools connect as the read-only role `ECOMMERCE_BI_ROLE` (default `bi_reader`). dbt's `grants` config (dbt_project.yml, marts only)
    grants SELECT on each mart inside the build transaction; the role also needs USAGE on the marts schema,
    and on nothing else, so raw and staging stay invisible to it.
#}
{% macro grant_marts_schema_usage() -%}
    {{ return(adapter.dispatch('grant_marts_schema_usage', 'ecommerce')()) }}
{%- endmacro %}

{% macro default__grant_marts_schema_usage() -%}
    select 1 as no_roles_on_this_engine
{%- endmacro %}

{% macro postgres__grant_marts_schema_usage() -%}
    create schema if not exists marts;
    grant usage on schema marts to {{ env_var('ECOMMERCE_BI_ROLE', 'bi_reader') }}
{%- endmacro %}

{#
    The marts' grants config is empty off PostgreSQL, but dbt-spark still asks the engine for the current
    grants (`show grants on ...`), which a local Spark session cannot parse. Nothing to grant: skip it.
#}
{% macro spark__apply_grants(relation, grant_config, should_revoke=True) -%}
    {{ log("grants are not applied on Spark: " ~ relation, info=False) }}
{%- endmacro %}
