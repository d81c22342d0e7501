{#
    Hooks for the one model that holds the whole transaction file at once (base_transactions): on DuckDB it
    runs on a single thread: at 10 M rows it failed with two threads under the 3 GB memory cap ("failed to
    pin block"), and with one thread the whole build peaked at 3.0 GiB (bench/results.md). The post-hook
    gives the other models all cores back. Other engines manage their own memory: no hook.
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
