{#
    `amount / count` rounded half-up to the cent, exactly. DuckDB divides decimals in floating point, so
    543.505 would round down to 543.50 there and up to 543.51 on PostgreSQL; integer cents keep every
    engine on the exact answer. `amount` is a non-negative money value, `count` a positive integer.
#}
{% macro money_divide(amount, count) -%}
    {{ return(adapter.dispatch('money_divide', 'ecommerce')(amount, count)) }}
{%- endmacro %}

{% macro default__money_divide(amount, count) -%}
    round({{ amount }} / {{ count }}, 2)
{%- endmacro %}

{% macro duckdb__money_divide(amount, count) -%}
    (cast((cast({{ amount }} * 100 as hugeint) * 2 + {{ count }}) // (2 * {{ count }}) as decimal(38, 0)) * 0.01)
{%- endmacro %}
