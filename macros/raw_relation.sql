{#
    The one place that knows where raw rows live. Staging reads raw tables only through this macro, so
    switching `raw_source` never touches a model:
      seeds  the CSVs under seeds/, loaded by `dbt seed` (the committed sample);
      files  the generator's / shop's export files in var `raw_dir` (format var `raw_format`: csv | parquet):
             DuckDB reads them in place, every column as text; PostgreSQL and Spark read the tables that
             `scripts/load_raw.py` bulk-loaded into the `raw` schema.
    The base_* staging models are tables, so each raw file is read once per build.
#}
{% macro raw_relation(table_name) -%}
    {%- set raw_source = var('raw_source', 'seeds') -%}
    {%- if raw_source == 'seeds' -%}
        {{ return(ref(table_name)) }}
    {%- elif raw_source == 'files' -%}
        {%- set loaded_table = source('raw_files', table_name) -%}
        {{ return(adapter.dispatch('raw_files_relation', 'ecommerce')(table_name, loaded_table)) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "var raw_source must be 'seeds' or 'files', got '" ~ raw_source ~ "'") }}
    {%- endif -%}
{%- endmacro %}

{% macro default__raw_files_relation(table_name, loaded_table) -%}
    {{ return(loaded_table) }}
{%- endmacro %}

{% macro duckdb__raw_files_relation(table_name, loaded_table) -%}
    {%- set raw_dir = var('raw_dir', 'data/raw') -%}
    {%- set raw_format = var('raw_format', 'csv') -%}
    {%- if raw_format == 'csv' -%}
        {{ return("read_csv('" ~ raw_dir ~ "/" ~ table_name ~ ".csv', header = true, delim = ',', quote = '\"', "
            ~ "escape = '\"', all_varchar = true, auto_detect = false, "
            ~ "columns = " ~ ecommerce.raw_columns_struct(table_name) ~ ")") }}
    {%- elif raw_format == 'parquet' -%}
        {{ return("read_parquet('" ~ raw_dir ~ "/" ~ table_name ~ ".parquet')") }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("var raw_format must be 'csv' or 'parquet', got '" ~ raw_format ~ "'") }}
    {%- endif -%}
{%- endmacro %}

{# The raw export's header, column by column; every column is read as text (staging does the typing). #}
{% macro raw_columns(table_name) -%}
    {%- set headers = {
        'customers': ['CustomerID', 'CustomerName', 'Region', 'SignupDate'],
        'products': ['ProductID', 'ProductName', 'Category', 'Price'],
        'transactions': ['TransactionID', 'CustomerID', 'ProductID', 'TransactionDate', 'Quantity',
                         'TotalValue', 'Price'],
    } -%}
    {{ return(headers[table_name]) }}
{%- endmacro %}

{% macro raw_columns_struct(table_name) -%}
    {%- set fields = [] -%}
    {%- for column in ecommerce.raw_columns(table_name) -%}
        {%- do fields.append("'" ~ column ~ "': 'VARCHAR'") -%}
    {%- endfor -%}
    {{ return('{' ~ fields | join(', ') ~ '}') }}
{%- endmacro %}
