{#
    The one home of the quarantine rules: for each raw table, its checks in order of precedence (the first
    that matches gives the row's reason), each with its reason code and its condition over the columns the
    judging model has typed. The codes and their order are the ones seeds/quarantine_reasons.csv declares:
    the data test assert_quarantine_rules_follow_the_seed fails on every build, on every engine, when they
    differ, so a new rule is one entry here and one row in the seed.

    Transactions are judged in three stages: `identity` and `value` in base_transactions (what the row and
    the rows sharing its id say), `cross_table` in int_transactions_judged (whether its customer and product
    are clean). The final reason is the first verdict of identity, then cross_table, then value, so the
    stages must follow each other in that order here; quarantine_reason() refuses any other order.
#}
{% macro quarantine_rules(raw_table) -%}
    {%- set window = ecommerce.valid_date_window() -%}
    {%- set tolerance = ecommerce.number_var('total_tolerance', 0) -%}
    {%- set rules = {
        'customers': [
            {'reason': 'malformed_row', 'when': 'malformed_line is not null'},
            {'reason': 'missing_id', 'when': 'customer_id is null'},
            {'reason': 'duplicate', 'when': 'copy_number > 1 and not content_differs'},
            {'reason': 'conflicting_id', 'when': 'content_differs'},
            {'reason': 'bad_signup_date', 'when': 'signup_date is null'
                ~ " or signup_date < cast('" ~ window.first ~ "' as date)"
                ~ " or signup_date > cast('" ~ window.last ~ "' as date)"},
        ],
        'products': [
            {'reason': 'malformed_row', 'when': 'malformed_line is not null'},
            {'reason': 'missing_id', 'when': 'product_id is null'},
            {'reason': 'duplicate', 'when': 'copy_number > 1 and not content_differs'},
            {'reason': 'conflicting_id', 'when': 'content_differs'},
            {'reason': 'bad_price', 'when': 'price is null or price <= 0'},
        ],
        'transactions': [
            {'reason': 'malformed_row', 'stage': 'identity', 'when': 'malformed_line is not null'},
            {'reason': 'missing_id', 'stage': 'identity',
                'when': 'transaction_id is null or customer_id is null or product_id is null'},
            {'reason': 'duplicate', 'stage': 'identity', 'when': 'copy_number > 1 and not content_differs'},
            {'reason': 'conflicting_id', 'stage': 'identity', 'when': 'content_differs'},
            {'reason': 'bad_timestamp', 'stage': 'identity', 'when': 'transaction_at is null'
                ~ " or cast(transaction_at as date) < cast('" ~ window.first ~ "' as date)"
                ~ " or cast(transaction_at as date) > cast('" ~ window.last ~ "' as date)"},
            {'reason': 'unknown_customer', 'stage': 'cross_table', 'when': 'clean_customers.customer_id is null'},
            {'reason': 'unknown_product', 'stage': 'cross_table', 'when': 'clean_products.product_id is null'},
            {'reason': 'bad_quantity', 'stage': 'value', 'when': 'quantity is null or quantity <= 0'},
            {'reason': 'bad_price', 'stage': 'value', 'when': 'unit_price is null or unit_price <= 0'},
            {'reason': 'total_mismatch', 'stage': 'value',
                'when': 'total_value is null or abs(total_value - quantity * unit_price) > ' ~ tolerance},
        ],
    } -%}
    {%- if raw_table not in rules -%}
        {{ exceptions.raise_compiler_error("quarantine_rules: no rules for raw table '" ~ raw_table ~ "'") }}
    {%- endif -%}
    {{ return(rules[raw_table]) }}
{%- endmacro %}

{#
    The reason a row gets from the rules of `raw_table` (only those of `stage`, when given): a CASE in the
    rules' order, null when none matches.
#}
{% macro quarantine_reason(raw_table, stage=none) -%}
    {%- set stage_order = {'identity': 1, 'cross_table': 2, 'value': 3} -%}
    {%- set rules = ecommerce.quarantine_rules(raw_table) -%}
    {%- set seen = namespace(last=0) -%}
    {%- for rule in rules if rule.stage is defined -%}
        {%- set position = stage_order[rule.stage] -%}
        {%- if position < seen.last -%}
            {{ exceptions.raise_compiler_error("quarantine_rules('" ~ raw_table ~ "'): rule " ~ rule.reason
                ~ " of stage " ~ rule.stage ~ " comes after a later stage (order: identity, cross_table, value)") }}
        {%- endif -%}
        {%- set seen.last = position -%}
    {%- endfor -%}
    case
    {%- for rule in rules if stage is none or rule.stage == stage %}
        when {{ rule.when }} then '{{ rule.reason }}'
    {%- endfor %}
    end
{%- endmacro %}
