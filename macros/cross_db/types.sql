{# Exact money type: two decimals, no floating-point drift; valid on DuckDB, PostgreSQL and Spark alike. #}
{% macro type_money() -%}
    decimal(18, 2)
{%- endmacro %}
