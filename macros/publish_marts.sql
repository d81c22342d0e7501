{#
    On-run-end (DuckDB): publish the marts as the serving file BI tools and the notebook read.
    Only a `dbt build` in which every mart was built and no model or test failed publishes; a failed or
    killed build leaves the previous serving file untouched. The marts are copied into a new file (marts
    only, in a storage format DuckDB 1.x clients can open), which is then renamed over the old one:
    readers holding the old file keep their snapshot and never block a build.
    The path comes from ECOMMERCE_SERVING_PATH (default serving/marts.duckdb, next to the working database).
#}
{% macro serving_path() -%}
    {{ return(env_var('ECOMMERCE_SERVING_PATH', 'serving/marts.duckdb')) }}
{%- endmacro %}

{# The oldest storage format that holds every mart type (DECIMAL(38,2), DATE, TIMESTAMP, DOUBLE, BOOLEAN). #}
{% macro serving_storage_version() -%}
    {{ return('v1.0.0') }}
{%- endmacro %}

{% macro sql_text(value) -%}
    '{{ value | replace("'", "''") }}'
{%- endmacro %}

{% macro publish_marts(results) -%}
    {%- if not execute or target.type != 'duckdb' or flags.WHICH != 'build' -%}
        {{ return('select 1 as nothing_to_publish') }}
    {%- endif -%}
    {%- set marts = [] -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.fqn[1] == 'marts' and node.config.enabled -%}
        {%- do marts.append(node) -%}
    {%- endfor -%}
    {%- set built = [] -%}
    {%- set failed = [] -%}
    {%- for result in results -%}
        {%- if result.status in ['error', 'fail', 'skipped', 'runtime error'] -%}
            {%- do failed.append(result.node.name) -%}
        {%- elif result.node.resource_type == 'model' -%}
            {%- do built.append(result.node.unique_id) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set missing = [] -%}
    {%- for node in marts if node.unique_id not in built -%}
        {%- do missing.append(node.name) -%}
    {%- endfor -%}
    {%- if failed or missing -%}
        {%- do log("Serving file " ~ ecommerce.serving_path() ~ " not published: "
            ~ ((failed | length) ~ " nodes failed or were skipped" if failed else "this build did not build "
            ~ missing | join(', ')), info=true) -%}
        {{ return('select 1 as nothing_to_publish') }}
    {%- endif -%}
    {%- set final_path = ecommerce.serving_path() -%}
    {%- set staging_path = final_path ~ '.' ~ invocation_id ~ '.tmp' -%}
    select ecommerce_make_parent_dirs({{ ecommerce.sql_text(staging_path) }});
    attach {{ ecommerce.sql_text(staging_path) }} as ecommerce_serving
        (storage_version '{{ ecommerce.serving_storage_version() }}');
    create schema ecommerce_serving.marts;
    {% for node in marts | sort(attribute='name') -%}
    create table ecommerce_serving.marts.{{ node.alias }} as
        select * from "{{ node.database }}"."{{ node.schema }}"."{{ node.alias }}";
    {% endfor -%}
    detach ecommerce_serving;
    select ecommerce_replace_file({{ ecommerce.sql_text(staging_path) }}, {{ ecommerce.sql_text(final_path) }});
    {%- do log("Published " ~ marts | length ~ " marts to " ~ final_path, info=true) -%}
{%- endmacro %}
