{#
    The date recency is measured against: var `as_of_date` when set, otherwise the latest clean
    transaction date, so results are reproducible and never tied to today's clock.
    `transactions_relation` is the relation (or CTE name) holding `transaction_date`.
#}
{% macro as_of_date(transactions_relation) -%}
    {%- if var('as_of_date', none) -%}
        cast('{{ var("as_of_date") }}' as date)
    {%- else -%}
        (select max(transaction_date) from {{ transactions_relation }})
    {%- endif -%}
{%- endmacro %}
