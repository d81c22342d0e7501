{#
    Emits CTEs, the last one named `cte_name`: the rows of `relation` plus two columns that tell duplicates
    from conflicts on `key_column`:
      content_differs  true when rows sharing the key differ in content (a conflicting id);
      copy_number      1 for one row of each key, 2 or more for the others; when content_differs is false
                       those others are exact copies (duplicates). Which identical copy stays clean cannot
                       matter: they are equal.
    Rows are compared on `content_columns` after normalisation, so copies that differ only in stray
    whitespace or case count as duplicates.

    Built for 10 M-row exports under a 3 GB cap: one GROUP BY on the key keeps only the keys that repeat
    (a small table), the rows of those keys alone are numbered by a window, and every other row passes
    through untouched. No window or join runs over the whole table, and the content is compared through
    min(hash) <> max(hash) rather than count(distinct ...).

    Usage, among the model's CTEs:
        {{ ecommerce.flag_copies('normalised', 'customer_id', ['customer_name', 'region'], 'flagged') }},
#}
{% macro flag_copies(relation, key_column, content_columns, cte_name) -%}
{{ cte_name }}_hashed as (
    select
        {{ relation }}.*,
        {{ ecommerce.content_hash(content_columns) }} as content_hash
    from {{ relation }}
),

{{ cte_name }}_repeated_keys as (
    select
        {{ key_column }} as repeated_key,
        min(content_hash) <> max(content_hash) as content_differs
    from {{ cte_name }}_hashed
    where {{ key_column }} is not null
    group by {{ key_column }}
    having count(*) > 1
),

{{ cte_name }}_single as (
    select
        {{ cte_name }}_hashed.*,
        1 as copy_number,
        false as content_differs
    from {{ cte_name }}_hashed
    left join {{ cte_name }}_repeated_keys
        on {{ cte_name }}_hashed.{{ key_column }} = {{ cte_name }}_repeated_keys.repeated_key
    where {{ cte_name }}_repeated_keys.repeated_key is null
),

{{ cte_name }}_repeated as (
    select
        {{ cte_name }}_hashed.*,
        row_number() over (
            partition by {{ cte_name }}_hashed.{{ key_column }}
            order by {{ cte_name }}_hashed.content_hash
        ) as copy_number,
        {{ cte_name }}_repeated_keys.content_differs
    from {{ cte_name }}_hashed
    inner join {{ cte_name }}_repeated_keys
        on {{ cte_name }}_hashed.{{ key_column }} = {{ cte_name }}_repeated_keys.repeated_key
),

{{ cte_name }} as (
    select * from {{ cte_name }}_single
    union all
    select * from {{ cte_name }}_repeated
)
{%- endmacro %}

{#
    A hash of a row's content columns that is cheap to group on. DuckDB hashes the values themselves
    (its multi-argument hash() tells ('a|b', 'c') from ('a', 'b|c') and NULL from every text, without
    building a string). Elsewhere each value enters one string with its length, so those cases differ
    too, and the string is hashed: md5, or Spark's xxhash64 (whose multi-argument form skips NULLs, so
    (NULL, 'a') and ('a', NULL) would collide). Only rows of the same key are ever compared, so 64 bits
    leave no practical room for collisions.
#}
{% macro content_hash(columns) -%}
    {{ return(adapter.dispatch('content_hash', 'ecommerce')(columns)) }}
{%- endmacro %}

{% macro duckdb__content_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{% macro default__content_hash(columns) -%}
    {{ dbt.hash(ecommerce.length_prefixed(columns)) }}
{%- endmacro %}

{% macro spark__content_hash(columns) -%}
    xxhash64({{ ecommerce.length_prefixed(columns) }})
{%- endmacro %}

{% macro length_prefixed(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- if not loop.first -%}{%- do parts.append("'|'") -%}{%- endif -%}
        {%- do parts.append(
            "coalesce(" ~ dbt.concat(["cast(length(" ~ column ~ ") as " ~ dbt.type_string() ~ ")", "':'", column])
            ~ ", '-')") -%}
    {%- endfor -%}
    {{ return(dbt.concat(parts)) }}
{%- endmacro %}
