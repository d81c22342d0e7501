{#
    Hooks for the one model that holds the whole transaction file at once (base_transactions): on DuckDB it
    runs on a single thread, because each extra thread keeps its own hash tables and at 10 M rows two
    threads broke the 3 GB memory cap ("failed to pin block") where one thread stays under it. The
    post-hook gives the other models all cores back. Other engines manage their own memory: no hook.
#}
{% macro single_thread_on_duckdb() -%}
    {{ return(adapter.dispatch('single_thread_on_duckdb', 'ecommerce')()) }}
{%- endmacro %}

{% macro default__single_thread_on_duckdb() -%}{%- endmacro %}

{% macro duckdb__single_thread_on_duckdb() -%}
    set threads = 1
{%- endmacro %}

{% macro all_threads_on_duckdb() -%}
    {{ return(adapter.dispatch('all_threads_on_duckdb', 'ecommerce')()) }}
{%- endmacro %}

{% macro default__all_threads_on_duckdb() -%}{%- endmacro %}

{% macro duckdb__all_threads_on_duckdb() -%}
    reset threads
{%- endmacro %}
