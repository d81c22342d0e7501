{#
    On-run-end: publish the marts where BI tools and the notebook read them, all from one build.
    Only a `dbt build` in which every mart was built and no model or test failed publishes; a failed or
    killed build leaves the previously published marts untouched.
      DuckDB      the marts are copied into a new file (marts only, in a storage format DuckDB 1.x clients
                  can open), which is then renamed over the serving file (ECOMMERCE_SERVING_PATH, default
                  serving/ecommerce_marts.duckdb): readers holding the old file keep their snapshot, never block a build.
      PostgreSQL  dbt builds the marts in schema marts_build; one transaction copies them into a fresh schema
                  and swaps it in as `marts`, readable by the BI role and nothing else. Readers see the old
                  marts or the new ones, never a mix.
#}
{# Not `marts.duckdb`: DuckDB names a database after its file, and a catalog `marts` would make `marts.x` ambiguous. #}
{% macro serving_path() -%}
    {{ return(env_var('ECOMMERCE_SERVING_PATH', 'serving/ecommerce_marts.duckdb')) }}
{%- endmacro %}

{# The oldest storage format that holds every mart type (DECIMAL(38,2), DATE, TIMESTAMP, DOUBLE, BOOLEAN). #}
{% macro serving_storage_version() -%}
    {{ return('v1.0.0') }}
{%- endmacro %}

{% macro sql_text(value) -%}
    '{{ value | replace("'", "''") }}'
{%- endmacro %}

{% macro publish_marts(results) -%}
    {%- if not execute or flags.WHICH != 'build' -%}
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
        {%- do log("Marts not published: "
            ~ ((failed | length) ~ " nodes failed or were skipped" if failed else "this build did not build "
            ~ missing | join(', ')), info=true) -%}
        {{ return('select 1 as nothing_to_publish') }}
    {%- endif -%}
    {{ return(adapter.dispatch('publish_built_marts', 'ecommerce')(marts | sort(attribute='name'))) }}
{%- endmacro %}

{% macro default__publish_built_marts(marts) -%}
    select 1 as nothing_to_publish
{%- endmacro %}

{% macro duckdb__publish_built_marts(marts) -%}
    {%- set final_path = ecommerce.serving_path() -%}
    {%- set staging_path = final_path ~ '.' ~ invocation_id ~ '.tmp' -%}
    select ecommerce_make_parent_dirs({{ ecommerce.sql_text(staging_path) }});
    attach {{ ecommerce.sql_text(staging_path) }} as ecommerce_serving
        (storage_version '{{ ecommerce.serving_storage_version() }}');
    create schema ecommerce_serving.marts;
    {% for node in marts -%}
    create table ecommerce_serving.marts.{{ node.alias }} as
        select * from "{{ node.database }}"."{{ node.schema }}"."{{ node.alias }}";
    {% endfor -%}
    detach ecommerce_serving;
    select ecommerce_replace_file({{ ecommerce.sql_text(staging_path) }}, {{ ecommerce.sql_text(final_path) }});
    {%- do log("Published " ~ marts | length ~ " marts to " ~ final_path, info=true) -%}
{%- endmacro %}

{% macro postgres__publish_built_marts(marts) -%}
    {%- set role = ecommerce.bi_role() -%}
    {#- The dev target publishes to its own `<prefix>marts`, never the shared one (macros/generate_schema_name.sql). -#}
    {%- set published = adapter.quote(ecommerce.schema_prefix() ~ 'marts') -%}
    {%- set next = adapter.quote(ecommerce.schema_prefix() ~ 'marts_next') -%}
    begin;
    drop schema if exists {{ next }} cascade;
    create schema {{ next }};
    {% for node in marts -%}
    create table {{ next }}.{{ node.alias }} as select * from "{{ node.schema }}"."{{ node.alias }}";
    {% endfor -%}
    drop schema if exists {{ published }} cascade;
    alter schema {{ next }} rename to {{ published }};
    grant usage on schema {{ published }} to {{ role }};
    grant select on all tables in schema {{ published }} to {{ role }};
    commit;
    {%- for node in marts %}
    analyze {{ published }}.{{ node.alias }};
    {%- endfor %}
    {%- do log("Published " ~ marts | length ~ " marts to schema " ~ ecommerce.schema_prefix() ~ "marts", info=true) -%}
{%- endmacro %}
