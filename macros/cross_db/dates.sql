{#
    Date arithmetic that every engine spells differently. Defaults are PostgreSQL (and DuckDB) syntax;
    Spark gets its own where it differs. All of them take and return DATE values.
#}

{% macro add_days(date_expression, days) -%}
    {{ return(adapter.dispatch('add_days', 'ecommerce')(date_expression, days)) }}
{%- endmacro %}

{% macro default__add_days(date_expression, days) -%}
    cast({{ date_expression }} + {{ days }} as date)
{%- endmacro %}

{% macro spark__add_days(date_expression, days) -%}
    date_add({{ date_expression }}, {{ days }})
{%- endmacro %}


{% macro add_months(date_expression, months) -%}
    {{ return(adapter.dispatch('add_months', 'ecommerce')(date_expression, months)) }}
{%- endmacro %}

{% macro default__add_months(date_expression, months) -%}
    cast({{ date_expression }} + ({{ months }}) * interval '1 month' as date)
{%- endmacro %}

{% macro spark__add_months(date_expression, months) -%}
    add_months({{ date_expression }}, {{ months }})
{%- endmacro %}


{# Whole days from `start_date` to `end_date` (positive when end is later). #}
{% macro days_between(start_date, end_date) -%}
    {{ return(adapter.dispatch('days_between', 'ecommerce')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__days_between(start_date, end_date) -%}
    ({{ end_date }} - {{ start_date }})
{%- endmacro %}

{% macro spark__days_between(start_date, end_date) -%}
    datediff({{ end_date }}, {{ start_date }})
{%- endmacro %}


{# First day of the month / quarter, as a DATE (date_trunc returns a timestamp on most engines). #}
{% macro month_start(date_expression) -%}
    cast({{ dbt.date_trunc('month', date_expression) }} as date)
{%- endmacro %}

{% macro quarter_start(date_expression) -%}
    cast({{ dbt.date_trunc('quarter', date_expression) }} as date)
{%- endmacro %}

{# Calendar months from `start_month` to `end_month`; portable because extract() is standard SQL. #}
{% macro months_between(start_month, end_month) -%}
    ((extract(year from {{ end_month }}) - extract(year from {{ start_month }})) * 12 + extract(month from {{ end_month }}) - extract(month from {{ start_month }}))
{%- endmacro %}
