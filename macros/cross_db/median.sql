{#
    The exact median of a numeric expression in an aggregate query (the mean of the two middle values when
    the count is even). Each engine spells it differently; none of them is an approximation.
#}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median', 'ecommerce')(expression)) }}
{%- endmacro %}

{% macro default__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__median(expression) -%}
    median({{ expression }})
{%- endmacro %}

{# percentile() is Spark's exact percentile; percentile_approx would trade exactness for memory. #}
{% macro spark__median(expression) -%}
    percentile({{ expression }}, 0.5)
{%- endmacro %}
