{#
    Every documented var is read through one of these macros. Each parses the value in Jinja and returns a
    value it built itself (a date text it formatted, an int, a number text), or stops the run with one line
    naming the var and what it accepts. No var value is ever pasted into SQL as it came.
    `validate_vars()` runs them all at the start of every invocation (on-run-start), so a bad value fails
    before anything is built or replaced.
#}

{% macro var_error(name, value, expected) -%}
    {{ exceptions.raise_compiler_error(
        "var " ~ name ~ " must be " ~ expected ~ "; got " ~ ((value | string)[:60]) ~ "") }}
{%- endmacro %}

{# An ISO date YYYY-MM-DD naming a real day, returned as normalised text; none when unset and allowed. #}
{% macro date_var(name, allow_null=false) -%}
    {%- set value = var(name, none) -%}
    {%- if value is none and allow_null -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set expected = "an ISO date YYYY-MM-DD" ~ (" or null" if allow_null else "") -%}
    {%- set match = modules.re.match('^([0-9]{4})-([0-9]{2})-([0-9]{2})$', value | string) -%}
    {%- if value is none or not match -%}
        {{ ecommerce.var_error(name, value, expected) }}
    {%- endif -%}
    {%- set year = match.group(1) | int -%}
    {%- set month = match.group(2) | int -%}
    {%- set day = match.group(3) | int -%}
    {%- set leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 -%}
    {%- set month_days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
    {%- if year < 1 or month < 1 or month > 12 or day < 1 or day > month_days[month - 1] -%}
        {{ ecommerce.var_error(name, value, expected) }}
    {%- endif -%}
    {{ return(modules.datetime.date(year, month, day).isoformat()) }}
{%- endmacro %}

{# A whole number >= `minimum` (YAML int, or text of digits), returned as an int. #}
{% macro int_var(name, minimum) -%}
    {%- set value = var(name, none) -%}
    {%- set expected = "a whole number >= " ~ minimum -%}
    {%- if value is integer and value is not boolean -%}
        {%- set number = value -%}
    {%- elif value is string and modules.re.match('^[0-9]{1,9}$', value) -%}
        {%- set number = value | int -%}
    {%- else -%}
        {{ ecommerce.var_error(name, value, expected) }}
    {%- endif -%}
    {%- if number < minimum -%}
        {{ ecommerce.var_error(name, value, expected) }}
    {%- endif -%}
    {{ return(number) }}
{%- endmacro %}

{#
    A number in [minimum, maximum] (exclusive where asked), at most 6 decimals; returned as decimal text
    built from the parsed float, e.g. 0.800000, which every engine reads as an exact numeric literal.
#}
{% macro number_var(name, minimum, maximum=none, exclusive=false) -%}
    {%- set value = var(name, none) -%}
    {%- if exclusive -%}
        {%- set expected = "a number strictly between " ~ minimum ~ " and " ~ maximum -%}
    {%- elif maximum is none -%}
        {%- set expected = "a number >= " ~ minimum -%}
    {%- else -%}
        {%- set expected = "a number between " ~ minimum ~ " and " ~ maximum -%}
    {%- endif -%}
    {%- if value is number and value is not boolean -%}
        {%- set number = value | float -%}
    {%- elif value is string and modules.re.match('^[0-9]{1,9}([.][0-9]{1,6})?$', value) -%}
        {%- set number = value | float -%}
    {%- else -%}
        {{ ecommerce.var_error(name, value, expected) }}
    {%- endif -%}
    {%- set too_low = number <= minimum if exclusive else number < minimum -%}
    {%- set too_high = maximum is not none and (number >= maximum if exclusive else number > maximum) -%}
    {%- if too_low or too_high or number != number -%}
        {{ ecommerce.var_error(name, value, expected) }}
    {%- endif -%}
    {{ return('%.6f' | format(number)) }}
{%- endmacro %}

{# One of a fixed set of words. #}
{% macro choice_var(name, choices) -%}
    {%- set value = var(name, none) -%}
    {%- if value not in choices -%}
        {{ ecommerce.var_error(name, value, "one of " ~ choices | join(', ')) }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{# The segment thresholds, checked together: 0 < active_days < churned_days. #}
{% macro segment_thresholds() -%}
    {%- set active_days = ecommerce.int_var('active_days', 1) -%}
    {%- set churned_days = ecommerce.int_var('churned_days', 1) -%}
    {%- if active_days >= churned_days -%}
        {{ exceptions.raise_compiler_error(
            "var active_days (" ~ active_days ~ ") must be smaller than churned_days (" ~ churned_days ~ ")") }}
    {%- endif -%}
    {{ return({'active_days': active_days, 'churned_days': churned_days}) }}
{%- endmacro %}

{# The plausible window for transaction and signup dates; dates outside it are quarantined. #}
{% macro valid_date_window() -%}
    {%- set first = ecommerce.date_var('min_valid_date') -%}
    {%- set last = ecommerce.date_var('max_valid_date') -%}
    {%- if first >= last -%}
        {{ exceptions.raise_compiler_error(
            "var min_valid_date (" ~ first ~ ") must be earlier than max_valid_date (" ~ last ~ ")") }}
    {%- endif -%}
    {{ return({'first': first, 'last': last}) }}
{%- endmacro %}

{# The revenue anomaly settings, checked together: 1 <= anomaly_min_weeks <= anomaly_weeks. #}
{% macro anomaly_settings() -%}
    {%- set weeks = ecommerce.int_var('anomaly_weeks', 1) -%}
    {%- set min_weeks = ecommerce.int_var('anomaly_min_weeks', 1) -%}
    {%- set threshold = ecommerce.number_var('anomaly_threshold', 0) -%}
    {%- if min_weeks > weeks -%}
        {{ exceptions.raise_compiler_error(
            "var anomaly_min_weeks (" ~ min_weeks ~ ") must not exceed anomaly_weeks (" ~ weeks ~ ")") }}
    {%- endif -%}
    {{ return({'weeks': weeks, 'min_weeks': min_weeks, 'threshold': threshold}) }}
{%- endmacro %}

{# The source freshness thresholds in hours, checked together: 1 <= warn < error. #}
{% macro freshness_thresholds() -%}
    {%- set warn_hours = ecommerce.int_var('freshness_warn_hours', 1) -%}
    {%- set error_hours = ecommerce.int_var('freshness_error_hours', 1) -%}
    {%- if warn_hours >= error_hours -%}
        {{ exceptions.raise_compiler_error(
            "var freshness_warn_hours (" ~ warn_hours ~ ") must be smaller than freshness_error_hours ("
            ~ error_hours ~ ")") }}
    {%- endif -%}
    {{ return({'warn_hours': warn_hours, 'error_hours': error_hours}) }}
{%- endmacro %}

{# Vars of earlier versions that no longer do anything: say so instead of silently ignoring them. #}
{% macro retired_vars() -%}
    {{ return({
        'raw_dir': "load files with `python -m scripts.load_raw DIR` and build with --vars '{raw_source: files}'",
        'raw_format': "scripts.load_raw reads .csv and .parquet batches by their extension",
        'incremental_lookback_days': "every run includes every new or changed row, however old",
    }) }}
{%- endmacro %}

{% macro validate_vars() -%}
    {%- for name, advice in ecommerce.retired_vars().items() -%}
        {%- if var(name, none) is not none -%}
            {{ exceptions.raise_compiler_error("var " ~ name ~ " is no longer used: " ~ advice) }}
        {%- endif -%}
    {%- endfor -%}
    {%- do ecommerce.choice_var('raw_source', ['seeds', 'files']) -%}
    {%- do ecommerce.date_var('as_of_date', allow_null=true) -%}
    {%- do ecommerce.valid_date_window() -%}
    {%- do ecommerce.segment_thresholds() -%}
    {%- do ecommerce.number_var('pareto_share', 0, 1, exclusive=true) -%}
    {%- do ecommerce.number_var('total_tolerance', 0) -%}
    {%- do ecommerce.int_var('max_recursion_levels', 1) -%}
    {#- not a var, but read by the publish step at the end: a bad value should stop the build before it starts -#}
    {%- do ecommerce.publish_retry_settings() -%}
    {%- do ecommerce.anomaly_settings() -%}
    {%- do ecommerce.freshness_thresholds() -%}
    {#- a hook must render to SQL; this one only checks -#}
    select 1 as vars_are_valid
{%- endmacro %}
