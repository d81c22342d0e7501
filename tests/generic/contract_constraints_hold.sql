{#
    Model test: fails on every row that breaks one of the model's contract constraints: not_null, check,
    and the grain (primary_key, unique), declared on a column or on the model (a key of several columns, a
    check across columns).
    The constraints are declared once, in the model's contract. DuckDB and PostgreSQL enforce them while
    the table is written (the build stops at that model, before anything is published), so there this test
    is disabled and costs no node. Spark's parquet tables cannot hold constraints, and no engine applies
    them to a view: there this test checks them, in one query per model, from the same declarations.
    A row whose key is shared with another row breaks it: every copy is reported. The key columns are
    renamed in the join so that a check's unqualified column names still mean the model's own columns.
#}
{% test contract_constraints_hold(model) %}
{{ config(enabled=target.type not in ['duckdb', 'postgres']) }}

{%- set node = none if not execute else graph.nodes.values()
    | selectattr('resource_type', 'equalto', 'model')
    | selectattr('alias', 'equalto', model.identifier) | first -%}
{%- set broken = [] -%}
{%- set keys = [] -%}
{%- for column in (node.columns.values() if node else []) -%}
    {%- for constraint in column.constraints -%}
        {%- if constraint.type in ('not_null', 'primary_key') -%}
            {%- do broken.append(column.name ~ ' is null') -%}
        {%- endif -%}
        {%- if constraint.type in ('primary_key', 'unique') -%}
            {%- do keys.append([column.name]) -%}
        {%- elif constraint.type == 'check' -%}
            {#- A check fails only when its expression is false: NULL passes, as in the database. -#}
            {%- do broken.append('not (' ~ constraint.expression ~ ')') -%}
        {%- endif -%}
    {%- endfor -%}
{%- endfor -%}
{%- for constraint in (node.constraints if node else []) -%}
    {%- if constraint.type == 'primary_key' -%}
        {%- for column in constraint.columns -%}
            {%- do broken.append(column ~ ' is null') -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if constraint.type in ('primary_key', 'unique') -%}
        {%- do keys.append(constraint.columns) -%}
    {%- elif constraint.type == 'check' -%}
        {%- do broken.append('not (' ~ constraint.expression ~ ')') -%}
    {%- endif -%}
{%- endfor -%}
{%- for key in keys -%}
    {%- do broken.append('coalesce(repeated_key_' ~ loop.index ~ '.is_repeated, false)') -%}
{%- endfor %}

with

checked_rows as (
    select * from {{ model }}
){% for key in keys %},

{#- A key with a NULL part is not compared, as a database's unique constraint does not compare it. #}
repeated_key_{{ loop.index }} as (
    select
        {% for column in key %}{{ column }} as key_part_{{ loop.index }},
        {% endfor %}true as is_repeated
    from checked_rows
    where {{ key | join(' is not null and ') }} is not null
    group by {{ key | join(', ') }}
    having count(*) > 1
){% endfor %}

select checked_rows.*
from checked_rows
{%- for key in keys %}
{%- set key_index = loop.index %}
left join repeated_key_{{ key_index }}
    on {% for column in key %}{{ 'and ' if not loop.first }}checked_rows.{{ column }} = repeated_key_{{ key_index }}.key_part_{{ loop.index }}{{ '\n    ' if not loop.last }}{% endfor %}
{%- endfor %}
where {{ broken | join('\n    or ') if broken else '1 = 0' }}

{% endtest %}
