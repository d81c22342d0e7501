{#
    Spark stops a recursive CTE after 100 levels unless the CTE names a higher limit (`max recursion level`);
    DuckDB and PostgreSQL have no such limit. Place it right after the recursive CTE's name:
    `months{{ ecommerce.recursion_limit() }} as (...)`. The leading space lives in the macro so other
    engines render nothing at all.
#}
{% macro recursion_limit(levels=none) -%}
    {{ return(adapter.dispatch('recursion_limit', 'ecommerce')(levels or ecommerce.int_var('max_recursion_levels', 1))) }}
{%- endmacro %}

{% macro default__recursion_limit(levels) -%}{%- endmacro %}

{% macro spark__recursion_limit(levels) -%}
    {{ ' max recursion level ' ~ levels }}
{%- endmacro %}
