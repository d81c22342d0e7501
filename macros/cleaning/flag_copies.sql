{#
    Emits CTEs, the last one named `cte_name`: the rows of `relation` plus two columns that tell duplicates
    from conflicts on `key_column`:
      content_variants  how many different contents share the key (> 1 means a conflicting id);
      copy_number       1 for one row of each key, 2 for the others; when content_variants = 1 those
                        others are exact copies (duplicates). Which identical copy stays clean cannot
                        matter: they are equal.
    Rows are compared on `content_columns` after normalisation, so copies that differ only in stray
    whitespace or case count as duplicates.

    One GROUP BY on the key and one join, on a hash of the content, rather than window functions
    partitioned by every content column: at 10 M transactions the windows needed more memory than DuckDB's
    3 GB cap, while aggregates and joins spill to disk. Each value enters the hash with its length, so
    ('a|b', 'c') and ('a', 'b|c') differ, and NULL differs from every text.

    Usage, among the model's CTEs:
        {{ ecommerce.flag_copies('normalised', 'customer_id', ['customer_name', 'region'], 'flagged') }},
#}
{% macro flag_copies(relation, key_column, content_columns, cte_name) -%}
    {%- set parts = [] -%}
    {%- for column in content_columns -%}
        {%- if not loop.first -%}{%- do parts.append("'|'") -%}{%- endif -%}
        {%- do parts.append(
            "coalesce(" ~ dbt.concat(["cast(length(" ~ column ~ ") as " ~ dbt.type_string() ~ ")", "':'", column])
            ~ ", '-')") -%}
    {%- endfor -%}
{{ cte_name }}_numbered as (
    select
        {{ relation }}.*,
        {{ ecommerce.row_identity() }} as row_identity,
        {{ ecommerce.content_hash(dbt.concat(parts)) }} as content_hash
    from {{ relation }}
),

{{ cte_name }}_keys as (
    select
        {{ key_column }},
        count(distinct content_hash) as content_variants,
        min(row_identity) as kept_row_identity
    from {{ cte_name }}_numbered
    where {{ key_column }} is not null
    group by {{ key_column }}
),

{{ cte_name }} as (
    select
        {{ cte_name }}_numbered.*,
        case
            when {{ cte_name }}_numbered.row_identity = {{ cte_name }}_keys.kept_row_identity then 1 else 2
        end as copy_number,
        coalesce({{ cte_name }}_keys.content_variants, 1) as content_variants
    from {{ cte_name }}_numbered
    left join {{ cte_name }}_keys
        on {{ cte_name }}_numbered.{{ key_column }} = {{ cte_name }}_keys.{{ key_column }}
)
{%- endmacro %}

{#
    A hash of a text that is cheap to group and join on: DuckDB's 64-bit hash(), Spark's xxhash64; md5
    elsewhere. Only rows of the same key are ever compared, so 64 bits leave no practical room for collisions.
#}
{% macro content_hash(expression) -%}
    {{ return(adapter.dispatch('content_hash', 'ecommerce')(expression)) }}
{%- endmacro %}

{% macro default__content_hash(expression) -%}
    {{ dbt.hash(expression) }}
{%- endmacro %}

{% macro duckdb__content_hash(expression) -%}
    hash({{ expression }})
{%- endmacro %}

{% macro spark__content_hash(expression) -%}
    xxhash64({{ expression }})
{%- endmacro %}

{#
    A number unique to each row of a relation within one query, in no particular order (it only picks
    which of several identical rows stays clean). Spark's row_number() demands an ORDER BY, which would
    sort everything in one partition.
#}
{% macro row_identity() -%}
    {{ return(adapter.dispatch('row_identity', 'ecommerce')()) }}
{%- endmacro %}

{% macro default__row_identity() -%}
    row_number() over ()
{%- endmacro %}

{% macro spark__row_identity() -%}
    monotonically_increasing_id()
{%- endmacro %}
