{#
    Adds two columns to the rows of `relation` that tell duplicates from conflicts on `key_column`:
      copy_number       1 for the first copy of an identical row, 2.. for later exact copies;
      content_variants  how many different contents share the key (> 1 means a conflicting id).
    Rows are compared on `content_columns` after normalisation, so copies that differ only in stray
    whitespace or case count as duplicates. Which identical copy is "first" cannot matter: they are equal.
#}
{% macro flag_copies(relation, key_column, content_columns) -%}
    {%- set content = content_columns | join(', ') -%}
    select
        ranked.*,
        max(ranked.content_rank) over (partition by ranked.{{ key_column }}) as content_variants
    from (
        select
            {{ relation }}.*,
            dense_rank() over (
                partition by {{ key_column }} order by {{ content }}
            ) as content_rank,
            row_number() over (
                partition by {{ key_column }}, {{ content }} order by {{ key_column }}
            ) as copy_number
        from {{ relation }}
    ) as ranked
{%- endmacro %}
