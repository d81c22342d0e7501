{#
    dbt-duckdb's fast seed load, with the file path quoted as a SQL string: the adapter's own macro pastes it
    between quotes unescaped, so a project folder with an apostrophe in its path could not be seeded.
#}
{% macro duckdb__load_csv_rows(model, agate_table) %}
    {%- set seed_file_path = adapter.get_seed_file_path(model) -%}
    {%- set delimiter = config.get('delimiter', ',') -%}
    {% set sql %}
        copy {{ this.render() }} from {{ ecommerce.sql_text(seed_file_path) }}
            (format csv, header true, delimiter {{ ecommerce.sql_text(delimiter) }})
    {% endset %}
    {% do adapter.add_query(sql, abridge_sql_log=True) %}
    {{ return(sql) }}
{% endmacro %}
