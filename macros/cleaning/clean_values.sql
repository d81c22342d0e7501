{#
    Text normalisation shared by every staging model (docs/metrics.md, "Cleaning"): values are trimmed of
    every Unicode space (no-break, thin, ideographic and zero-width spaces and the byte-order mark as well as
    ASCII blanks, tabs and line breaks), empty strings become NULL, ids are upper-cased. Engines' own trim()
    disagree on what a space is, so all of them strip the same explicit set of characters.
#}
{% macro unicode_spaces() -%}
    {{ return(' \t\n\r\x0b\x0c\x85\xa0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff') }}
{%- endmacro %}

{% macro clean_text(column) -%}
    nullif({{ ecommerce.regex_replace_all(column,
        '^[' ~ ecommerce.unicode_spaces() ~ ']+|[' ~ ecommerce.unicode_spaces() ~ ']+$', '') }}, '')
{%- endmacro %}

{% macro clean_id(column) -%}
    upper({{ ecommerce.clean_text(column) }})
{%- endmacro %}
