{#
    dbt-spark's `session` method fills seed values into the INSERT by Python string formatting: an empty
    CSV cell (NULL) arrives as the text 'None' and a value with a quote breaks the statement. Raw seeds are
    all text, and a blank key must stay NULL so staging quarantines it as `missing_id`, so on Spark the
    rows are written as escaped SQL literals instead, with NULL kept as NULL.
#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_types = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                (
                {%- for column_name in agate_table.column_names -%}
                    {%- set column_type = column_types.get(
                        column_name, adapter.convert_type(agate_table, loop.index0)) -%}
                    cast({{ ecommerce.spark_literal(row[loop.index0]) }} as {{ column_type }})
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%}
                ){%- if not loop.last %},{% endif %}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.index0 == 0 -%}{%- do statements.append(sql) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{% endmacro %}

{% macro spark_literal(value) -%}
    {%- if value is none -%}
        null
    {%- else -%}
        '{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}
