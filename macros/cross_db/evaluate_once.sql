{#
    Ends the query of a CTE whose computed columns the next query uses several times each.
    PostgreSQL pulls a plain subquery up into its reader and copies each column's expression into every
    place that uses it, so base_transactions' verdicts would run a typed value's regular expressions once
    per mention (about twice as slow at 1 M rows: bench/results.md). `offset 0` keeps the subquery whole,
    so each column is computed once per row. DuckDB and Spark compute it once already.
#}
{% macro evaluate_once() -%}
    {{ return(adapter.dispatch('evaluate_once', 'ecommerce')()) }}
{%- endmacro %}

{% macro default__evaluate_once() -%}
{%- endmacro %}

{% macro postgres__evaluate_once() -%}
    offset 0
{%- endmacro %}
