{#
    Model test: fails on every row that breaks one of the model's not_null or check constraints.
    The constraints are declared once, in the model's contract. DuckDB and PostgreSQL enforce them while
    the table is written (the build stops at that model, before anything is published), so there this test
    is disabled and costs no node. Spark's parquet tables cannot hold constraints: there this test checks
    them, in one query per model, from the same declarations.
#}
{% test contract_constraints_hold(model) %}
{{ config(enabled=target.type not in ['duckdb', 'postgres']) }}

{%- set node = none if not execute else graph.nodes.values()
    | selectattr('resource_type', 'equalto', 'model')
    | selectattr('alias', 'equalto', model.identifier) | first -%}
{%- set broken = [] -%}
{%- for column in (node.columns.values() if node else []) -%}
    {%- for constraint in column.constraints -%}
        {%- if constraint.type == 'not_null' -%}
            {%- do broken.append(column.name ~ ' is null') -%}
        {%- elif constraint.type == 'check' -%}
            {#- A check fails only when its expression is false: NULL passes, as in the database. -#}
            {%- do broken.append('not (' ~ constraint.expression ~ ')') -%}
        {%- endif -%}
    {%- endfor -%}
{%- endfor %}

select *
from {{ model }}
where {{ broken | join('\n    or ') if broken else '1 = 0' }}

{% endtest %}
