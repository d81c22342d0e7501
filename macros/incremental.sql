{#
    Post-hook for incremental models: delete target rows whose key no longer exists in `source_relation`.
    A later raw row can turn a clean transaction into a conflicting one; merging new rows alone would
    keep the stale copy, so the incremental result would drift from a full refresh.
#}
{% macro delete_rows_no_longer_in(target_relation, source_relation, key_column) -%}
    {%- if is_incremental() -%}
        delete from {{ target_relation }}
        where {{ key_column }} not in (select {{ key_column }} from {{ source_relation }})
    {%- endif -%}
{%- endmacro %}
