{#
    The one way staging reads raw rows: source('raw', table_name), checked before anything is built from it.
    The committed sample's seed is referenced too, so `dbt build` loads it before staging reads it; with
    raw_source files that seed is still built (it is small) but staging reads what scripts/load_raw.py loaded.
#}
{% macro raw_table(table_name) -%}
    {%- set relation = source('raw', table_name) -%}
    {%- do ref(table_name) -%}
    {#- The `lint` target (sqlfluff) compiles against an empty database: nothing there to check. -#}
    {%- if execute and model.resource_type == 'model' and target.name != 'lint' -%}
        {%- do ecommerce.check_raw_table(relation, table_name) -%}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}

{#
    Stop the run with one line when a raw table is missing, has other columns than the export declares
    (any order is fine: staging reads columns by name), or holds no rows.
#}
{% macro check_raw_table(relation, table_name) -%}
    {%- set origin = "seeds/" ~ table_name ~ ".csv (loaded by dbt seed)" if var('raw_source') == 'seeds'
        else "raw table " ~ relation ~ " (loaded by python -m scripts.load_raw DIR)" -%}
    {%- set columns = adapter.get_columns_in_relation(relation) -%}
    {%- if columns | length == 0 -%}
        {{ exceptions.raise_compiler_error(origin ~ ": not loaded; run `dbt seed` (raw_source seeds) or "
            ~ "`python -m scripts.load_raw DIR` (raw_source files) first") }}
    {%- endif -%}
    {%- set expected = [] -%}
    {%- for name in graph.sources['source.ecommerce.raw.' ~ table_name].columns -%}
        {%- do expected.append(name | lower) -%}
    {%- endfor -%}
    {%- set found = [] -%}
    {%- for column in columns if not column.name.startswith('_') -%}
        {%- do found.append(column.name | lower) -%}
    {%- endfor -%}
    {%- if found | sort != expected | sort -%}
        {{ exceptions.raise_compiler_error(origin ~ ": wrong columns " ~ found | join(',') ~ "; expected "
            ~ expected | join(',') ~ " in any order") }}
    {%- endif -%}
    {#- `dbt run --empty` renders every source as an empty query: there is nothing to count then -#}
    {%- set row_count = run_query("select count(*) from " ~ relation).columns[0].values()[0] -%}
    {%- if row_count == 0 and relation.limit != 0 -%}
        {{ exceptions.raise_compiler_error(origin ~ ": no rows (the file is empty or holds only its header)") }}
    {%- endif -%}
{%- endmacro %}

{#
    The raw text of a line the loader could not parse as a row (NULL for parsed rows). Only
    scripts/load_raw.py keeps such lines; `dbt seed` refuses a malformed file outright, and
    scripts/check_raw_files.py (run by `make run`) names the line first.
#}
{% macro raw_malformed_line() -%}
    {%- if var('raw_source') == 'files' -%}
        _malformed
    {%- else -%}
        cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}
