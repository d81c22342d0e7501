{#
    Post-hook for every model: on PostgreSQL, ANALYZE each table right after it is built. The next models
    are planned seconds later, before autovacuum has looked at the new table; without statistics the
    planner chose nested loops over a million-row base table, and a build at 1 M transactions was still
    running after 6 minutes; with this hook it takes 86 s (bench/results.md). DuckDB and Spark keep their
    own statistics as they write.
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
