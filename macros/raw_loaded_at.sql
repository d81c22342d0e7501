{#
    The query `dbt source freshness` runs for a raw table: when its last batch arrived. The loader
    (scripts/load_raw.py) records each batch in raw._loaded_batches with loaded_at in UTC. The committed
    sample (raw_source seeds) has no batches: freshness is about your own loads, so it stops with one line.
    The freshness thresholds are checked here too, because source freshness runs no on-run-start hook.
#}
{% macro raw_loaded_at_query(table_name) -%}
    {%- if execute -%}
        {%- do ecommerce.freshness_thresholds() -%}
        {%- if ecommerce.choice_var('raw_source', ['seeds', 'files']) != 'files' -%}
            {{ exceptions.raise_compiler_error(
                "source freshness measures loaded batches: run it with --vars '{raw_source: files}' after "
                ~ "python -m scripts.load_raw DIR") }}
        {%- endif -%}
    {%- endif -%}
    select max(cast(loaded_at as {{ dbt.type_timestamp() }})) from raw._loaded_batches where table_name = '{{ table_name }}'
{%- endmacro %}
