{#
    The as-of date: var `as_of_date` when set (validated, re-emitted as a literal built here), otherwise the
    latest transaction date in `transactions_relation` (a relation or CTE holding clean transactions with
    `transaction_date`), so results are reproducible and never tied to today's clock.
#}
{% macro as_of_date(transactions_relation) -%}
    {%- set as_of = ecommerce.date_var('as_of_date', allow_null=true) -%}
    {%- if as_of is not none -%}
        cast('{{ as_of }}' as date)
    {%- else -%}
        (select max(transaction_date) from {{ transactions_relation }})
    {%- endif -%}
{%- endmacro %}
