{#
    On-run-end: publish the marts where BI tools and the notebook read them, all from one build.
    Only a `dbt build` in which every mart was built and no model or test failed publishes; a failed or
    killed build leaves the previously published marts untouched.
      DuckDB      the marts are copied into a new file (marts only, in a storage format DuckDB 1.x clients
                  can open), which is then renamed over the serving file (ECOMMERCE_SERVING_PATH, default
                  serving/ecommerce_marts.duckdb): readers holding the old file keep their snapshot, never block a build.
      PostgreSQL  dbt builds the marts in schema marts_build; one transaction copies them into schema
                  marts_next, readable by the BI role, and moves them into `marts` in place of the old ones.
                  Readers see the old marts or the new ones, never a mix.
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

{#
    On-run-start of a `dbt build`: refuse a serving path that would destroy something (the working
    database, a folder, a file that is not a DuckDB database), before any model runs; then remove the
    unfinished copies a killed or failed publish of this working database left behind.
#}
{% macro prepare_publish() -%}
    {%- if execute and flags.WHICH == 'build' -%}
        {%- do adapter.dispatch('prepare_publish', 'ecommerce')() -%}
    {%- endif -%}
    select 1 as publish_prepared
{%- endmacro %}

{% macro default__prepare_publish() -%}
{%- endmacro %}

{% macro duckdb__prepare_publish() -%}
    {%- set checked = run_query(
        "select ecommerce_check_serving_path(" ~ ecommerce.sql_text(ecommerce.serving_path())
        ~ ", (select list(path) from duckdb_databases() where path is not null))") -%}
    {%- set problem = checked.columns[0].values()[0] -%}
    {%- if problem -%}
        {{ exceptions.raise_compiler_error("Nothing built, nothing published: " ~ problem) }}
    {%- endif -%}
    {%- do run_query("select ecommerce_remove_stale_copies("
        ~ ecommerce.sql_text(ecommerce.serving_copy_prefix()) ~ ")") -%}
{%- endmacro %}

{# Unfinished copies are named after the working database, so a build only ever removes its own leftovers. #}
{% macro serving_copy_prefix() -%}
    {{ return(ecommerce.serving_path() ~ '.' ~ local_md5(target.path | string)[:8] ~ '.') }}
{%- endmacro %}

{% macro not_published(reason) -%}
    {%- do log("Marts not published: " ~ reason ~ ". BI tools keep reading the previous marts; "
        ~ "`dbt run-operation publish` publishes the marts as they are in the working database.", info=true) -%}
    {{ return('select 1 as nothing_to_publish') }}
{%- endmacro %}

{% macro first_names(names, limit=5) -%}
    {{ return(names[:limit] | join(', ') ~ (' and ' ~ (names | length - limit) ~ ' more' if names | length > limit else '')) }}
{%- endmacro %}

{% macro mart_nodes() -%}
    {%- set marts = [] -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.fqn[1] == 'marts' and node.config.enabled -%}
        {%- do marts.append(node) -%}
    {%- endfor -%}
    {{ return(marts | sort(attribute='name')) }}
{%- endmacro %}

{% macro publish_marts(results) -%}
    {%- if not execute -%}
        {{ return('select 1 as nothing_to_publish') }}
    {%- endif -%}
    {%- if flags.WHICH == 'run' -%}
        {{ return(ecommerce.not_published("`dbt run` does not run the tests; `dbt build` publishes after they pass")) }}
    {%- endif -%}
    {%- if flags.WHICH != 'build' -%}
        {{ return('select 1 as nothing_to_publish') }}
    {%- endif -%}
    {%- set marts = ecommerce.mart_nodes() -%}
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
    {%- if failed -%}
        {{ return(ecommerce.not_published((failed | length) ~ " nodes failed or were skipped ("
            ~ ecommerce.first_names(failed) ~ ")")) }}
    {%- endif -%}
    {%- if missing -%}
        {{ return(ecommerce.not_published("this build did not build " ~ ecommerce.first_names(missing))) }}
    {%- endif -%}
    {{ return(ecommerce.publish_built_marts(marts)) }}
{%- endmacro %}

{#
    `dbt run-operation publish`: publish the marts as they are in the working database, after a partial
    build (`dbt build -s customer_rfm`, slim CI) that the on-run-end hook does not publish. Every mart must
    exist; the same checks and the same atomic replacement as after a full build.
#}
{% macro publish() -%}
    {%- set marts = ecommerce.mart_nodes() -%}
    {%- set absent = [] -%}
    {%- for node in marts
        if adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias) is none -%}
        {%- do absent.append(node.name) -%}
    {%- endfor -%}
    {%- if absent -%}
        {{ exceptions.raise_compiler_error("Nothing published: the working database has no "
            ~ ecommerce.first_names(absent) ~ "; run `dbt build` first") }}
    {%- endif -%}
    {%- do adapter.dispatch('prepare_publish', 'ecommerce')() -%}
    {#- Like the on-run-end hook, the publish SQL runs outside dbt's transaction: it attaches, writes and
        renames a file (DuckDB) or manages its own transaction (PostgreSQL). run_query left one open. -#}
    {%- do run_query('select 1 as publish_begins') -%}
    {%- do adapter.commit() -%}
    {%- do adapter.execute(ecommerce.publish_built_marts(marts), auto_begin=false) -%}
    {%- do log("Published " ~ marts | length ~ " marts", info=true) -%}
{%- endmacro %}

{% macro publish_built_marts(marts) -%}
    {{ return(adapter.dispatch('publish_built_marts', 'ecommerce')(marts)) }}
{%- endmacro %}

{% macro default__publish_built_marts(marts) -%}
    select 1 as nothing_to_publish
{%- endmacro %}

{% macro duckdb__publish_built_marts(marts) -%}
    {%- set final_path = ecommerce.serving_path() -%}
    {%- set staging_path = ecommerce.serving_copy_prefix() ~ invocation_id ~ '.tmp' -%}
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
    {#- logged while the hook renders, before its SQL runs: the hook's own OK or ERROR line says how it ended -#}
    {%- do log("Publishing " ~ marts | length ~ " marts to " ~ final_path, info=true) -%}
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
    {#- Grants follow the tables into `marts`: granted before the move, they keep the swap short. #}
    grant select on all tables in schema {{ next }} to {{ role }};
    create schema if not exists {{ published }};
    grant usage on schema {{ published }} to {{ role }};
    {{ ecommerce.postgres_swap_in_marts_next(ecommerce.schema_prefix() ~ 'marts', ecommerce.schema_prefix() ~ 'marts_next') }}
    commit;
    {%- for node in marts %}
    analyze {{ published }}.{{ node.alias }};
    {%- endfor %}
    {#- Logged before the hook runs this SQL: the hook's own OK or ERROR line says whether the swap happened. -#}
    {%- do log("Publishing " ~ marts | length ~ " marts to schema " ~ ecommerce.schema_prefix() ~ "marts", info=true) -%}
{%- endmacro %}
