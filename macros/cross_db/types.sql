{#
    Exact money type: two decimals, no floating-point drift; valid on DuckDB, PostgreSQL and Spark alike.
    38 digits, the widest every engine has, so no sum or running total of valid amounts can overflow.
#}
{% macro type_money() -%}
    decimal(38, 2)
{%- endmacro %}

{# 8-byte float. dbt's type_float() is a 4-byte REAL on DuckDB, too coarse for revenue shares. #}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'ecommerce')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}
