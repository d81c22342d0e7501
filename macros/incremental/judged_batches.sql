{#
    Judging only new batches (base_transactions). With raw_source files the loader appends each export file
    as a batch and tags its rows with `_batch` (file name and content hash). A verdict depends only on the
    row itself, the rows sharing its transaction id and the rules below, so a daily run judges the rows of
    new batches together with the earlier rows of the ids they touch, and leaves every other verdict as it
    was. The committed sample (raw_source seeds) is small and replaced whole by `dbt seed`: rebuilt in full.
#}
{% macro judges_new_batches_only() -%}
    {{ return(var('raw_source', 'seeds') == 'files' and target.type in ['duckdb', 'postgres']) }}
{%- endmacro %}

{# The batch a raw row came in (NULL for seeds, which carry no lineage). #}
{% macro raw_batch() -%}
    {%- if var('raw_source', 'seeds') == 'files' -%}
        _batch
    {%- else -%}
        cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}

{#
    The rules a stored verdict was reached under, as one text kept on every row: where the raw rows came from
    and the vars the transaction checks read. When any of them changes, every stored verdict is stale.
#}
{% macro transaction_rules() -%}
    {%- set window = ecommerce.valid_date_window() -%}
    {{ return(ecommerce.sql_text(
        'raw_source=' ~ var('raw_source', 'seeds')
        ~ ';valid_dates=' ~ window.first ~ '..' ~ window.last
        ~ ';total_tolerance=' ~ ecommerce.number_var('total_tolerance', 0))) }}
{%- endmacro %}

{#
    Pre-hook of an incrementally judged model: forget every stored verdict when it can no longer be trusted,
    so the run judges all raw rows again, as a full refresh would (always with raw_source seeds):
      - the rules changed (another raw_source, valid-date window or tolerance);
      - a batch judged before is gone from the raw table (`scripts/load_raw.py --full-refresh` reloaded it,
        or with other content).
    A change to the project's own rules (a new release) needs `dbt build --full-refresh` once (CHANGELOG).
#}
{% macro forget_stale_judgements(raw_relation) -%}
    {%- set stored_columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list
        if is_incremental() else [] -%}
    {%- if is_incremental() and 'judged_with' not in stored_columns -%}
        {{ exceptions.raise_compiler_error(this ~ " was built by an earlier version of the project, which did "
            ~ "not record its batches: run `dbt build --full-refresh` once") }}
    {%- endif -%}
    {%- if is_incremental() and not ecommerce.judges_new_batches_only() -%}
        delete from {{ this }}
    {%- elif is_incremental() -%}
        delete from {{ this }}
        where judged_with <> {{ ecommerce.transaction_rules() }}
            or exists (
                select 1
                from (select distinct raw_batch from {{ this }}) as judged_batches
                where judged_batches.raw_batch not in (select distinct _batch from {{ raw_relation }})
            )
    {%- endif -%}
{%- endmacro %}
