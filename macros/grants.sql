{#
    BI tools connect to PostgreSQL as the read-only role ECOMMERCE_BI_ROLE (default `bi_reader`). It may read the
    published marts (schema `marts`, granted by the publish step, macros/publish_marts.sql) and nothing else:
    raw, staging, intermediate and the working schema marts_build stay invisible to it. The name is checked
    because it is pasted into GRANT statements.
#}
{% macro bi_role() -%}
    {%- set role = env_var('ECOMMERCE_BI_ROLE', 'bi_reader') -%}
    {%- if not modules.re.match('^[a-z_][a-z0-9_]{0,62}$', role) -%}
        {{ exceptions.raise_compiler_error("ECOMMERCE_BI_ROLE must be a lower-case role name (letters, digits, _); got " ~ role[:60]) }}
    {%- endif -%}
    {{ return(role) }}
{%- endmacro %}

{#
    dbt-spark still asks the engine for the current grants (`show grants on ...`), which a local Spark session
    cannot parse. The project grants nothing through dbt's grants config: skip it.
#}
{% macro spark__apply_grants(relation, grant_config, should_revoke=True) -%}
    {{ log("grants are not applied on Spark: " ~ relation, info=False) }}
{%- endmacro %}
