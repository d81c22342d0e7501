{#
    Rows of a table that a step outside dbt fills (the predictions of `make predict`), or no rows with the
    same typed columns while that step has never run: a plain `dbt build` must not depend on the model venv.
    `columns` maps each column name to its SQL type.
#}
{% macro loaded_or_empty(relation, columns) -%}
    {%- set existing = load_relation(relation) if execute else none -%}
    {%- if existing is not none -%}
        select {{ columns.keys() | join(', ') }} from {{ relation }}
    {%- else -%}
        select
        {%- for name, data_type in columns.items() %}
            cast(null as {{ data_type }}) as {{ name }}{{ ',' if not loop.last }}
        {%- endfor %}
        where 1 = 0
    {%- endif -%}
{%- endmacro %}
