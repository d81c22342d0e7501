{#
    Telling duplicates from conflicts on a key, in two macros used one after the other among a model's CTEs:

    repeated_keys(keys, key_column, cte_name)
        The CTE `cte_name` (one column, repeated_key): the keys that occur more than once in `keys`, a
        relation with the key of every row. A count per key and nothing else, so `keys` can be a cheap
        relation (base_transactions reads only the normalised id of each raw row for it).

    flag_copies(relation, key_column, content_columns, repeated_keys, cte_name, rows_of_repeated_keys)
        CTEs, the last one named `cte_name`: the rows of `relation` plus two columns,
          content_differs  true when rows sharing the key differ in content (a conflicting id);
          copy_number      1 for one row of each key, 2 or more for the others; when content_differs is
                           false those others are exact copies (duplicates). Which identical copy stays
                           clean cannot matter: they are equal.
        Rows whose key does not repeat pass through untouched (read once, from `relation`). The rows of the
        repeated keys are numbered by a window over a hash of `content_columns`, read from
        `rows_of_repeated_keys` (default: `relation`): a relation with the same columns that holds at least
        every row of the repeated keys. base_transactions passes one that normalises only the raw rows of
        repeated ids, so its 10 M rows are normalised once, not once per read; it may hold other rows, which
        the join to `repeated_keys` drops.
    Rows are compared on `content_columns` after normalisation, so copies that differ only in stray
    whitespace or case count as duplicates. No window or join runs over the whole table (a 3 GB cap), and
    content is compared through min(hash) <> max(hash) rather than count(distinct ...).

    Usage:
        {{ ecommerce.repeated_keys('normalised', 'customer_id', 'repeated_ids') }},
        {{ ecommerce.flag_copies('normalised', 'customer_id', ['customer_name', 'region'], 'repeated_ids', 'flagged') }},
#}
{% macro repeated_keys(keys, key_column, cte_name) -%}
{{ cte_name }} as (
    select {{ key_column }} as repeated_key
    from {{ keys }}
    where {{ key_column }} is not null
    group by {{ key_column }}
    having count(*) > 1
)
{%- endmacro %}

{% macro flag_copies(relation, key_column, content_columns, repeated_keys, cte_name, rows_of_repeated_keys=none) -%}
{%- set repeated_rows = rows_of_repeated_keys or relation -%}
{%- set content_hash = ecommerce.content_hash(content_columns) -%}
{{ cte_name }}_single as (
    select
        {{ relation }}.*,
        1 as copy_number,
        false as content_differs
    from {{ relation }}
    left join {{ repeated_keys }}
        on {{ relation }}.{{ key_column }} = {{ repeated_keys }}.repeated_key
    where {{ repeated_keys }}.repeated_key is null
),

{{ cte_name }}_repeated as (
    select
        {{ repeated_rows }}.*,
        row_number() over (
            partition by {{ repeated_rows }}.{{ key_column }}
            order by {{ content_hash }}
        ) as copy_number,
        min({{ content_hash }}) over (partition by {{ repeated_rows }}.{{ key_column }})
        <> max({{ content_hash }}) over (partition by {{ repeated_rows }}.{{ key_column }}) as content_differs
    from {{ repeated_rows }}
    inner join {{ repeated_keys }}
        on {{ repeated_rows }}.{{ key_column }} = {{ repeated_keys }}.repeated_key
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
