-- The quarantine rules (macros/cleaning/quarantine_rules.sql) give the codes the seed declares, in its order
-- of precedence. Returns one row per code that is missing on either side or sits at another position.
{%- set implemented_rules = [] %}
{%- for raw_table in ['customers', 'products', 'transactions'] %}
    {%- for rule in ecommerce.quarantine_rules(raw_table) %}
        {%- do implemented_rules.append({'raw_table': raw_table, 'reason': rule.reason, 'precedence': loop.index}) %}
    {%- endfor %}
{%- endfor %}
with

declared as (
    select
        raw_table,
        reason,
        precedence
    from {{ ref('quarantine_reasons') }}
),

implemented as (
    {%- for rule in implemented_rules %}
        select
            '{{ rule.raw_table }}' as raw_table,
            '{{ rule.reason }}' as reason,
            {{ rule.precedence }} as precedence
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        coalesce(declared.raw_table, implemented.raw_table) as raw_table,
        coalesce(declared.reason, implemented.reason) as reason,
        declared.precedence as declared_precedence,
        implemented.precedence as implemented_precedence
    from declared
    full outer join implemented
        on
            declared.raw_table = implemented.raw_table
            and declared.reason = implemented.reason
    where
        declared.precedence is null
        or implemented.precedence is null
        or declared.precedence <> implemented.precedence
)

select * from final
