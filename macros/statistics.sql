{#
    Post-hook for every model: on PostgreSQL, ANALYZE each table right after it is built. The next models
    are planned seconds later, before autovacuum has looked at the new table; without statistics the
    planner took nested loops over a million-row base table and one build at 1 M transactions ran for
    minutes instead of seconds. DuckDB and Spark keep their own statistics as they write.
#}
{% macro refresh_statistics() -%}
    {{ return(adapter.dispatch('refresh_statistics', 'ecommerce')()) }}
{%- endmacro %}

{% macro default__refresh_statistics() -%}{%- endmacro %}

{% macro postgres__refresh_statistics() -%}
    {%- if model.config.materialized in ('table', 'incremental') -%}
        analyze {{ this }}
    {%- endif -%}
{%- endmacro %}
