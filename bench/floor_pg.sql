-- The PostgreSQL engine floor: bench/floor.sql (the project's whole job: clean, judge, quarantine, every
-- mart) ported to PostgreSQL 15 with the same rules, precedence, reason codes and results as `dbt build` on
-- the postgres target. bench/floor_pg.py runs it (--help) on one connection, after it has
--   * created the schema floor_work (first on the search_path) and COPYed every raw CSV batch into
--     floor_work.raw_customers, raw_products and raw_transactions: the export's columns as text, named in
--     lower case, plus malformed_line (the text of a line that is no row; every other column NULL then);
--   * set the project's vars as settings: floor.min_valid_date, floor.max_valid_date, floor.total_tolerance,
--     floor.pareto_share, floor.active_days, floor.churned_days and floor.as_of_date ('' = the latest
--     clean transaction date).
-- Scratch tables are unlogged tables in floor_work, not temp tables: temp tables live in the session's
-- small local buffers and are never scanned by parallel workers. bench/floor_pg.py drops floor_work after
-- the checks (bench/floor_checks.sql). PostgreSQL keeps no statistics of a table it has just written, so
-- each table a later join reads is analyzed at once, as the build's post-hook does (macros/statistics.sql).
-- tests/integration/test_bench_floor_pg.py checks every table against the build's.

-- ---- the project's cleaning rules, as functions (inlined by the planner: plain SQL, one expression) ----
-- Trim every Unicode space the project strips (macros/cleaning/clean_values.sql), empty -> NULL.
create function clean_text(raw_text text) returns text
language sql immutable parallel safe
return nullif(regexp_replace(
    raw_text,
    '^[ \t\n\r\v\f\u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]+'
    || '|[ \t\n\r\v\f\u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]+$',
    '',
    'g'
), '');

create function clean_id(raw_text text) returns text
language sql immutable parallel safe
return upper(clean_text(raw_text));

-- Validity by pattern, never by the engine's own cast (macros/cleaning/safe_casts.sql).
create function safe_integer(value_text text) returns integer
language sql immutable parallel safe
return case when coalesce(value_text ~ '^[+-]?[0-9]{1,9}$', false) then cast(value_text as integer) end;

create function safe_money(value_text text) returns numeric
language sql immutable parallel safe
return case
    when coalesce(value_text ~ '^[+-]?[0-9]{1,15}([.][0-9]{1,2})?$', false) then cast(value_text as decimal(38, 2))
end;

create function is_valid_timestamp(value_text text) returns boolean
language sql immutable parallel safe
return case
    when value_text ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])( ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9])?$'
        then cast(substr(value_text, 9, 2) as integer) <= case cast(substr(value_text, 6, 2) as integer)
            when 2 then
                case
                    when mod(cast(substr(value_text, 1, 4) as integer), 400) = 0 then 29
                    when mod(cast(substr(value_text, 1, 4) as integer), 100) = 0 then 28
                    when mod(cast(substr(value_text, 1, 4) as integer), 4) = 0 then 29
                    else 28
                end
            when 4 then 30
            when 6 then 30
            when 9 then 30
            when 11 then 30
            else 31
        end
    else false
end;

-- Stable, not immutable: PostgreSQL's casts from text to timestamp and date are (they read DateStyle), and
-- the planner inlines a function only when it is declared no less volatile than its body.
create function safe_timestamp(value_text text) returns timestamp
language sql stable parallel safe
return case when is_valid_timestamp(value_text) then cast(value_text as timestamp) end;

create function safe_date(value_text text) returns date
language sql stable parallel safe
return case when is_valid_timestamp(value_text) and length(value_text) = 10 then cast(value_text as date) end;

-- The vars, read from the settings bench/floor_pg.py made (stable: a setting may change between statements).
create function outside_valid_dates(day date) returns boolean
language sql stable parallel safe
return day < cast(current_setting('floor.min_valid_date') as date)
or day > cast(current_setting('floor.max_valid_date') as date);

create function as_of_date() returns date
language sql stable parallel safe
return cast(nullif(current_setting('floor.as_of_date'), '') as date);

-- amount / count rounded half up to the cent: PostgreSQL divides numerics exactly
-- (macros/cross_db/money_divide.sql, default__money_divide).
create function money_divide(amount numeric, row_count numeric) returns numeric
language sql immutable parallel safe
return round(amount / row_count, 2);

create function growth_pct(current_value numeric, previous_value numeric) returns numeric
language sql immutable parallel safe
return case
    when previous_value is null or previous_value = 0 then null
    else round((current_value - previous_value) * 100 / previous_value, 2)
end;

-- First day of the month / quarter as a date; the cast to timestamp keeps date_trunc off the time zone.
create function month_start(day date) returns date
language sql immutable parallel safe
return cast(date_trunc('month', cast(day as timestamp)) as date);

create function quarter_start(day date) returns date
language sql immutable parallel safe
return cast(date_trunc('quarter', cast(day as timestamp)) as date);

create schema staging;
create schema intermediate;
create schema marts;
create schema semantic;

-- ---- customers ----------------------------------------------------------------------------------------
-- Of the copies of a repeated id, the one at the lowest ctid (its place in the table) stays clean when they
-- are exact copies; which one cannot matter, they are equal (macros/cleaning/flag_copies.sql).
create unlogged table customer_rows as
select
    clean_id(customerid) as customer_id,
    clean_text(customername) as customer_name,
    clean_text(region) as region,
    clean_text(signupdate) as signup_date_text
from raw_customers
where malformed_line is null;

analyze customer_rows;

create unlogged table customer_verdicts as
with

repeated_ids as (
    select customer_id
    from customer_rows
    where customer_id is not null
    group by customer_id
    having count(*) > 1
),

-- content compared as a whole row: count(distinct) treats NULL as one more value, as DuckDB's hash() does
repeated as (
    select
        customer_rows.customer_id,
        min(customer_rows.ctid) as kept_row_id,
        count(distinct (customer_rows.customer_name, customer_rows.region, customer_rows.signup_date_text)) > 1
            as is_conflicting
    from customer_rows
    inner join repeated_ids
        on customer_rows.customer_id = repeated_ids.customer_id
    group by customer_rows.customer_id
),

typed as (
    select
        customer_rows.customer_id,
        customer_rows.customer_name,
        customer_rows.region,
        customer_rows.signup_date_text,
        safe_date(customer_rows.signup_date_text) as signup_date,
        repeated.is_conflicting,
        repeated.kept_row_id is not null and customer_rows.ctid <> repeated.kept_row_id as is_later_copy
    from customer_rows
    left join repeated
        on customer_rows.customer_id = repeated.customer_id
)

select
    customer_id,
    customer_name,
    region,
    signup_date_text,
    signup_date,
    case
        when customer_id is null then 'missing_id'
        when is_later_copy and not is_conflicting then 'duplicate'
        when is_conflicting then 'conflicting_id'
        when signup_date is null or outside_valid_dates(signup_date) then 'bad_signup_date'
    end as quarantine_reason
from typed;

create table staging.stg_customers as
select
    customer_id,
    customer_name,
    region,
    signup_date
from customer_verdicts
where quarantine_reason is null;

analyze staging.stg_customers;

-- A line that was no row becomes a malformed_row with its text, as scripts/load_raw.py keeps it.
create table staging.quarantine_customers as
select
    customer_id,
    customer_name,
    region,
    signup_date_text,
    cast(null as text) as malformed_line,
    quarantine_reason
from customer_verdicts
where quarantine_reason is not null
union all
select
    null as customer_id,
    null as customer_name,
    null as region,
    null as signup_date_text,
    malformed_line,
    'malformed_row' as quarantine_reason
from raw_customers
where malformed_line is not null;

-- ---- products -----------------------------------------------------------------------------------------
create unlogged table product_rows as
select
    clean_id(productid) as product_id,
    clean_text(productname) as product_name,
    clean_text(category) as category,
    clean_text(price) as price_text
from raw_products
where malformed_line is null;

analyze product_rows;

create unlogged table product_verdicts as
with

repeated_ids as (
    select product_id
    from product_rows
    where product_id is not null
    group by product_id
    having count(*) > 1
),

repeated as (
    select
        product_rows.product_id,
        min(product_rows.ctid) as kept_row_id,
        count(distinct (product_rows.product_name, product_rows.category, product_rows.price_text)) > 1
            as is_conflicting
    from product_rows
    inner join repeated_ids
        on product_rows.product_id = repeated_ids.product_id
    group by product_rows.product_id
),

typed as (
    select
        product_rows.product_id,
        product_rows.product_name,
        product_rows.category,
        product_rows.price_text,
        safe_money(product_rows.price_text) as price,
        repeated.is_conflicting,
        repeated.kept_row_id is not null and product_rows.ctid <> repeated.kept_row_id as is_later_copy
    from product_rows
    left join repeated
        on product_rows.product_id = repeated.product_id
)

select
    product_id,
    product_name,
    category,
    price_text,
    price,
    case
        when product_id is null then 'missing_id'
        when is_later_copy and not is_conflicting then 'duplicate'
        when is_conflicting then 'conflicting_id'
        when price is null or price <= 0 then 'bad_price'
    end as quarantine_reason
from typed;

create table staging.stg_products as
select
    product_id,
    product_name,
    category,
    price
from product_verdicts
where quarantine_reason is null;

analyze staging.stg_products;

create table staging.quarantine_products as
select
    product_id,
    product_name,
    category,
    price_text,
    cast(null as text) as malformed_line,
    quarantine_reason
from product_verdicts
where quarantine_reason is not null
union all
select
    null as product_id,
    null as product_name,
    null as category,
    null as price_text,
    malformed_line,
    'malformed_row' as quarantine_reason
from raw_products
where malformed_line is not null;

-- ---- transactions -------------------------------------------------------------------------------------
-- Each raw value normalised once, then typed once, in two passes: PostgreSQL inlines a CTE's columns into
-- every expression that uses them, so a value typed in the same query as its normalisation would run the
-- regular expressions again at each use. The verdicts a row reaches on its own (missing id, bad timestamp,
-- the value checks) are read from the typed values in judged_transactions. Only ids seen more than once
-- and the clean customer / product lists are consulted afterwards.
create unlogged table transaction_texts as
select
    clean_id(transactionid) as transaction_id,
    clean_id(customerid) as customer_id,
    clean_id(productid) as product_id,
    clean_text(transactiondate) as transaction_date_text,
    clean_text(quantity) as quantity_text,
    clean_text(totalvalue) as total_value_text,
    clean_text(price) as price_text
from raw_transactions
where malformed_line is null;

create unlogged table transaction_rows as
select
    transaction_id,
    customer_id,
    product_id,
    transaction_date_text,
    quantity_text,
    total_value_text,
    price_text,
    safe_timestamp(transaction_date_text) as transaction_at,
    safe_integer(quantity_text) as quantity,
    safe_money(price_text) as unit_price,
    safe_money(total_value_text) as total_value
from transaction_texts;

drop table transaction_texts;

analyze transaction_rows;

-- Ids seen more than once: a count-only aggregate over every id, then content compared for those alone.
create unlogged table repeated_transactions as
with

repeated_ids as (
    select transaction_id
    from transaction_rows
    where transaction_id is not null
    group by transaction_id
    having count(*) > 1
)

select
    transaction_rows.transaction_id,
    min(transaction_rows.ctid) as kept_row_id,
    count(distinct (
        transaction_rows.customer_id, transaction_rows.product_id, transaction_rows.transaction_date_text,
        transaction_rows.quantity_text, transaction_rows.total_value_text, transaction_rows.price_text
    )) > 1 as is_conflicting
from transaction_rows
inner join repeated_ids
    on transaction_rows.transaction_id = repeated_ids.transaction_id
group by transaction_rows.transaction_id;

analyze repeated_transactions;

-- Every row's final verdict, first match wins (seeds/quarantine_reasons.csv): missing_id, duplicate,
-- conflicting_id, bad_timestamp, unknown_customer, unknown_product, then the value checks. A table, not a
-- view: the clean and the quarantined rows are then two scans of it rather than two runs of its joins.
create unlogged table judged_transactions as
select
    transaction_rows.transaction_id,
    transaction_rows.customer_id,
    transaction_rows.product_id,
    transaction_rows.transaction_date_text,
    transaction_rows.quantity_text,
    transaction_rows.total_value_text,
    transaction_rows.price_text,
    transaction_rows.transaction_at,
    transaction_rows.quantity,
    transaction_rows.unit_price,
    transaction_rows.total_value,
    case
        when
            transaction_rows.transaction_id is null
            or transaction_rows.customer_id is null
            or transaction_rows.product_id is null
            then 'missing_id'
        when transaction_rows.ctid <> repeated_transactions.kept_row_id
            and not repeated_transactions.is_conflicting then 'duplicate'
        when repeated_transactions.is_conflicting then 'conflicting_id'
        when
            transaction_rows.transaction_at is null
            or outside_valid_dates(cast(transaction_rows.transaction_at as date))
            then 'bad_timestamp'
        when stg_customers.customer_id is null then 'unknown_customer'
        when stg_products.product_id is null then 'unknown_product'
        when transaction_rows.quantity is null or transaction_rows.quantity <= 0 then 'bad_quantity'
        when transaction_rows.unit_price is null or transaction_rows.unit_price <= 0 then 'bad_price'
        when
            transaction_rows.total_value is null
            or abs(transaction_rows.total_value - transaction_rows.quantity * transaction_rows.unit_price)
            > cast(current_setting('floor.total_tolerance') as numeric)
            then 'total_mismatch'
    end as quarantine_reason
from transaction_rows
left join repeated_transactions
    on transaction_rows.transaction_id = repeated_transactions.transaction_id
left join staging.stg_customers
    on transaction_rows.customer_id = stg_customers.customer_id
left join staging.stg_products
    on transaction_rows.product_id = stg_products.product_id;

create table intermediate.int_transactions_clean as
select
    transaction_id,
    customer_id,
    product_id,
    transaction_at,
    cast(transaction_at as date) as transaction_date,
    quantity,
    -- the build's int_transactions_judged contract types its amounts as decimal(38, 2)
    cast(unit_price as decimal(38, 2)) as unit_price,
    cast(total_value as decimal(38, 2)) as total_value
from judged_transactions
where quarantine_reason is null;

analyze intermediate.int_transactions_clean;

create table staging.quarantine_transactions as
select
    transaction_id,
    customer_id,
    product_id,
    transaction_date_text,
    quantity_text,
    total_value_text,
    price_text,
    cast(null as text) as malformed_line,
    quarantine_reason
from judged_transactions
where quarantine_reason is not null
union all
select
    null as transaction_id,
    null as customer_id,
    null as product_id,
    null as transaction_date_text,
    null as quantity_text,
    null as total_value_text,
    null as price_text,
    malformed_line,
    'malformed_row' as quarantine_reason
from raw_transactions
where malformed_line is not null;

-- What the build's reconciliation test counts as raw rows: every parsed row and every malformed line.
create unlogged table raw_row_counts as
select
    'customers' as raw_table,
    (select count(*) from raw_customers) as raw_rows
union all
select
    'products' as raw_table,
    (select count(*) from raw_products) as raw_rows
union all
select
    'transactions' as raw_table,
    (select count(*) from raw_transactions) as raw_rows;

drop table judged_transactions;
drop table transaction_rows;
drop table repeated_transactions;

-- ---- the shop as of the as-of date ------------------------------------------------------------------
select set_config(
    'floor.as_of_date',
    coalesce(
        nullif(current_setting('floor.as_of_date'), ''),
        (select cast(max(transaction_date) as text) from intermediate.int_transactions_clean),
        ''
    ),
    false
);

-- Every clean sale is of a clean product and customer, so these joins only add category and region.
create table marts.fct_transactions as
select
    int_transactions_clean.transaction_id,
    int_transactions_clean.customer_id,
    int_transactions_clean.product_id,
    coalesce(stg_products.category, 'Uncategorised') as category,
    coalesce(stg_customers.region, 'Unknown') as region,
    int_transactions_clean.transaction_at,
    int_transactions_clean.transaction_date,
    int_transactions_clean.quantity,
    cast(int_transactions_clean.unit_price as decimal(38, 2)) as unit_price,
    cast(int_transactions_clean.total_value as decimal(38, 2)) as revenue
from intermediate.int_transactions_clean
inner join staging.stg_products
    on int_transactions_clean.product_id = stg_products.product_id
inner join staging.stg_customers
    on int_transactions_clean.customer_id = stg_customers.customer_id
where int_transactions_clean.transaction_date <= as_of_date();

analyze marts.fct_transactions;

-- The two small tables most marts read: one row per buyer, one per buyer and month.
create unlogged table purchases as
select
    customer_id,
    sum(revenue) as total_revenue,
    count(*) as transactions,
    sum(quantity) as units,
    min(transaction_date) as first_purchase_date,
    max(transaction_date) as last_purchase_date
from marts.fct_transactions
group by customer_id;

analyze purchases;

create unlogged table customer_months as
select
    fct_transactions.customer_id,
    month_start(fct_transactions.transaction_date) as activity_month,
    month_start(purchases.first_purchase_date) as cohort_month,
    sum(fct_transactions.revenue) as revenue
from marts.fct_transactions
inner join purchases
    on fct_transactions.customer_id = purchases.customer_id
group by fct_transactions.customer_id, 2, 3;

analyze customer_months;

-- Every month from the first to the last month with a clean sale.
create unlogged table calendar_months as
select cast(months.calendar_month as date) as calendar_month
from (
    select
        month_start(min(first_purchase_date)) as first_month,
        month_start(max(last_purchase_date)) as last_month
    from purchases
) as bounds,
    generate_series(
        cast(bounds.first_month as timestamp), cast(bounds.last_month as timestamp), interval '1 month'
    ) as months (calendar_month)
where bounds.first_month is not null;

-- ---- revenue marts --------------------------------------------------------------------------------
create table marts.revenue_daily as
with

sales_per_day as (
    select
        transaction_date,
        sum(revenue) as revenue,
        count(*) as transactions,
        sum(quantity) as units,
        count(distinct customer_id) as customers
    from marts.fct_transactions
    group by transaction_date
),

calendar as (
    select cast(days.revenue_date as date) as revenue_date
    from (
        select
            min(transaction_date) as first_date,
            max(transaction_date) as last_date
        from sales_per_day
    ) as bounds,
        generate_series(
            cast(bounds.first_date as timestamp), cast(bounds.last_date as timestamp), interval '1 day'
        ) as days (revenue_date)
    where bounds.first_date is not null
),

days_filled as (
    select
        calendar.revenue_date,
        coalesce(sales_per_day.revenue, 0) as revenue,
        coalesce(sales_per_day.transactions, 0) as transactions,
        coalesce(sales_per_day.units, 0) as units,
        coalesce(sales_per_day.customers, 0) as customers
    from calendar
    left join sales_per_day
        on calendar.revenue_date = sales_per_day.transaction_date
)

select
    revenue_date,
    cast(revenue as decimal(38, 2)) as revenue,
    cast(transactions as bigint) as transactions,
    cast(units as bigint) as units,
    cast(customers as bigint) as customers,
    cast(money_divide(
        sum(revenue) over (order by revenue_date rows between 6 preceding and current row),
        7
    ) as decimal(38, 2)) as revenue_7d_avg,
    cast(sum(revenue) over (order by revenue_date rows between unbounded preceding and current row)
        as decimal(38, 2)) as cumulative_revenue
from days_filled;

-- Each day against the same weekday of the weeks before it (the project's defaults: anomaly_weeks 12,
-- anomaly_min_weeks 6, anomaly_threshold 3.5); modified z-score of ln(1 + revenue) with median and MAD.
create table marts.revenue_anomalies as
with

daily as (
    select
        revenue_date,
        revenue,
        ln(1 + cast(revenue as double precision)) as log_revenue
    from marts.revenue_daily
),

window_days as (
    select
        this_day.revenue_date,
        earlier_day.log_revenue
    from daily as this_day
    inner join daily as earlier_day
        on
            earlier_day.revenue_date < this_day.revenue_date
            and earlier_day.revenue_date >= this_day.revenue_date - 7 * 12
            and (this_day.revenue_date - earlier_day.revenue_date) % 7 = 0
),

medians as (
    select
        revenue_date,
        count(*) as window_weeks,
        percentile_cont(0.5) within group (order by log_revenue) as window_median
    from window_days
    group by revenue_date
),

deviations as (
    select
        window_days.revenue_date,
        percentile_cont(0.5) within group (order by abs(window_days.log_revenue - medians.window_median))
            as window_mad
    from window_days
    inner join medians
        on window_days.revenue_date = medians.revenue_date
    group by window_days.revenue_date
),

scored as (
    select
        daily.revenue_date,
        daily.revenue,
        daily.log_revenue,
        coalesce(medians.window_weeks, 0) as window_weeks,
        medians.window_median,
        deviations.window_mad,
        case
            when medians.window_weeks >= 6 and deviations.window_mad > 0
                then round(cast(0.6745 * (daily.log_revenue - medians.window_median) / deviations.window_mad
                    as decimal(38, 12)), 2)
        end as anomaly_score
    from daily
    left join medians
        on daily.revenue_date = medians.revenue_date
    left join deviations
        on daily.revenue_date = deviations.revenue_date
)

select
    revenue_date,
    revenue,
    log_revenue,
    cast(window_weeks as bigint) as window_weeks,
    window_median as window_median_log_revenue,
    window_mad as window_mad_log_revenue,
    exp(window_median) - 1 as typical_revenue,
    cast(anomaly_score as decimal(18, 2)) as anomaly_score,
    coalesce(abs(anomaly_score) >= 3.5, false) as is_anomaly
from scored;

create table marts.revenue_monthly as
with

sales_per_month as (
    select
        month_start(transaction_date) as revenue_month,
        sum(revenue) as revenue,
        count(*) as transactions,
        count(distinct customer_id) as customers
    from marts.fct_transactions
    group by 1
),

months_filled as (
    select
        calendar_months.calendar_month as revenue_month,
        coalesce(sales_per_month.revenue, 0) as revenue,
        coalesce(sales_per_month.transactions, 0) as transactions,
        coalesce(sales_per_month.customers, 0) as customers
    from calendar_months
    left join sales_per_month
        on calendar_months.calendar_month = sales_per_month.revenue_month
),

with_previous as (
    select
        revenue_month,
        revenue,
        transactions,
        customers,
        lag(revenue) over (order by revenue_month) as prev_month_revenue
    from months_filled
)

select
    revenue_month,
    cast(revenue as decimal(38, 2)) as revenue,
    cast(transactions as bigint) as transactions,
    cast(customers as bigint) as customers,
    cast(prev_month_revenue as decimal(38, 2)) as prev_month_revenue,
    cast(growth_pct(revenue, prev_month_revenue) as decimal(38, 2)) as mom_growth_pct
from with_previous;

create table marts.revenue_category_quarterly as
with

sales_per_category_quarter as (
    select
        category,
        quarter_start(transaction_date) as revenue_quarter,
        sum(revenue) as revenue
    from marts.fct_transactions
    group by 1, 2
),

quarters as (
    select distinct quarter_start(calendar_month) as revenue_quarter
    from calendar_months
),

categories as (
    select distinct category
    from sales_per_category_quarter
),

quarters_filled as (
    select
        categories.category,
        quarters.revenue_quarter,
        coalesce(sales_per_category_quarter.revenue, 0) as revenue
    from categories
    cross join quarters
    left join sales_per_category_quarter
        on
            categories.category = sales_per_category_quarter.category
            and quarters.revenue_quarter = sales_per_category_quarter.revenue_quarter
),

with_previous as (
    select
        category,
        revenue_quarter,
        revenue,
        lag(revenue) over (partition by category order by revenue_quarter) as prev_quarter_revenue
    from quarters_filled
)

select
    category,
    revenue_quarter,
    cast(revenue as decimal(38, 2)) as revenue,
    cast(prev_quarter_revenue as decimal(38, 2)) as prev_quarter_revenue,
    cast(growth_pct(revenue, prev_quarter_revenue) as decimal(38, 2)) as qoq_growth_pct
from with_previous;

-- ---- customer marts -------------------------------------------------------------------------------
create table marts.customer_lifetime_value as
with

running_totals as (
    select
        customer_id,
        total_revenue,
        transactions,
        units,
        first_purchase_date,
        last_purchase_date,
        row_number() over by_revenue as revenue_rank,
        sum(total_revenue) over by_revenue as cumulative_revenue,
        sum(total_revenue) over () as all_revenue
    from purchases
    window by_revenue as (
        order by total_revenue desc, customer_id asc rows between unbounded preceding and current row
    )
)

select
    customer_id,
    cast(total_revenue as decimal(38, 2)) as total_revenue,
    cast(transactions as bigint) as transactions,
    cast(units as bigint) as units,
    cast(money_divide(total_revenue, transactions) as decimal(38, 2)) as avg_order_value,
    first_purchase_date,
    last_purchase_date,
    cast(revenue_rank as bigint) as revenue_rank,
    cast(cumulative_revenue as double precision) / cast(all_revenue as double precision)
        as cumulative_revenue_share,
    -- exact decimals decide the Pareto cut: the customers ranked before this one hold < pareto_share
    (cumulative_revenue - total_revenue) < cast(current_setting('floor.pareto_share') as numeric) * all_revenue
        as is_top_80pct
from running_totals;

create table marts.customer_segments as
with

recency as (
    select
        stg_customers.customer_id,
        purchases.last_purchase_date,
        as_of_date() - purchases.last_purchase_date as recency_days
    from staging.stg_customers
    left join purchases
        on stg_customers.customer_id = purchases.customer_id
)

select
    customer_id,
    last_purchase_date,
    cast(recency_days as integer) as recency_days,
    case
        when last_purchase_date is null then 'Never purchased'
        when recency_days < cast(current_setting('floor.active_days') as integer) then 'Active'
        when recency_days <= cast(current_setting('floor.churned_days') as integer) then 'Dormant'
        else 'Churned'
    end as segment,
    as_of_date() as as_of_date
from recency;

create table marts.customer_favorite_category as
with

revenue_per_category as (
    select
        customer_id,
        category,
        sum(revenue) as category_revenue,
        count(*) as category_transactions
    from marts.fct_transactions
    group by customer_id, category
),

ranked as (
    select
        customer_id,
        category,
        category_revenue,
        category_transactions,
        row_number() over (
            partition by customer_id
            order by category_revenue desc, category_transactions desc, category asc
        ) as category_rank
    from revenue_per_category
)

select
    ranked.customer_id,
    ranked.category as favorite_category,
    cast(ranked.category_revenue as decimal(38, 2)) as category_revenue,
    cast(ranked.category_transactions as bigint) as category_transactions,
    cast(ranked.category_revenue as double precision) / cast(purchases.total_revenue as double precision)
        as share_of_customer_revenue
from ranked
inner join purchases
    on ranked.customer_id = purchases.customer_id
where ranked.category_rank = 1;

-- Scores share ties: 1 + floor(5 * (rank - 1) / buyers), rank() giving tied buyers the lowest rank.
create table marts.customer_rfm as
with

rfm_values as (
    select
        customer_id,
        last_purchase_date,
        as_of_date() - last_purchase_date as recency_days,
        transactions as frequency,
        total_revenue as monetary
    from purchases
),

scored as (
    select
        customer_id,
        last_purchase_date,
        recency_days,
        frequency,
        monetary,
        cast(1 + floor(5.0 * (rank() over (order by recency_days desc) - 1) / count(*) over ()) as integer)
            as r_score,
        cast(1 + floor(5.0 * (rank() over (order by frequency asc) - 1) / count(*) over ()) as integer) as f_score,
        cast(1 + floor(5.0 * (rank() over (order by monetary asc) - 1) / count(*) over ()) as integer) as m_score
    from rfm_values
)

select
    customer_id,
    last_purchase_date,
    cast(recency_days as integer) as recency_days,
    cast(frequency as bigint) as frequency,
    cast(monetary as decimal(38, 2)) as monetary,
    r_score,
    f_score,
    m_score,
    cast(r_score as text) || cast(f_score as text) || cast(m_score as text) as rfm_cell,
    -- first match wins: the order of these branches is the definition
    case
        when r_score >= 4 and f_score >= 4 and m_score >= 4 then 'Champions'
        when r_score <= 2 and f_score >= 3 then 'At risk'
        when f_score >= 4 then 'Loyal'
        when r_score >= 4 and f_score = 1 then 'New'
        when r_score >= 4 then 'Promising'
        when r_score <= 2 then 'Hibernating'
        else 'Needs attention'
    end as rfm_segment,
    as_of_date() as as_of_date
from scored;

create table marts.dim_customers as
select
    stg_customers.customer_id,
    stg_customers.customer_name,
    stg_customers.region,
    stg_customers.signup_date,
    cast(coalesce(customer_lifetime_value.total_revenue, 0) as decimal(38, 2)) as total_revenue,
    cast(coalesce(customer_lifetime_value.transactions, 0) as bigint) as transactions,
    cast(coalesce(customer_lifetime_value.units, 0) as bigint) as units,
    customer_lifetime_value.avg_order_value,
    customer_lifetime_value.first_purchase_date,
    customer_lifetime_value.last_purchase_date,
    customer_lifetime_value.revenue_rank,
    customer_lifetime_value.cumulative_revenue_share,
    coalesce(customer_lifetime_value.is_top_80pct, false) as is_top_80pct,
    customer_segments.recency_days,
    customer_segments.segment,
    customer_segments.as_of_date,
    customer_favorite_category.favorite_category,
    customer_favorite_category.category_revenue as favorite_category_revenue,
    customer_favorite_category.category_transactions as favorite_category_transactions,
    customer_favorite_category.share_of_customer_revenue as favorite_category_share,
    customer_rfm.r_score,
    customer_rfm.f_score,
    customer_rfm.m_score,
    customer_rfm.rfm_cell,
    coalesce(customer_rfm.rfm_segment, 'Never purchased') as rfm_segment
from staging.stg_customers
left join marts.customer_lifetime_value
    on stg_customers.customer_id = customer_lifetime_value.customer_id
left join marts.customer_segments
    on stg_customers.customer_id = customer_segments.customer_id
left join marts.customer_favorite_category
    on stg_customers.customer_id = customer_favorite_category.customer_id
left join marts.customer_rfm
    on stg_customers.customer_id = customer_rfm.customer_id;

create table marts.dim_products as
with

sales_per_product as (
    select
        product_id,
        count(*) as transactions,
        sum(quantity) as units_sold,
        sum(revenue) as revenue
    from marts.fct_transactions
    group by product_id
)

select
    stg_products.product_id,
    stg_products.product_name,
    stg_products.category,
    cast(stg_products.price as decimal(38, 2)) as price,
    cast(coalesce(sales_per_product.transactions, 0) as bigint) as transactions,
    cast(coalesce(sales_per_product.units_sold, 0) as bigint) as units_sold,
    cast(coalesce(sales_per_product.revenue, 0) as decimal(38, 2)) as revenue
from staging.stg_products
left join sales_per_product
    on stg_products.product_id = sales_per_product.product_id;

-- ---- monthly customer activity and cohorts: all three from customer_months ---------------------------
-- One purchase occasion per customer and day; the rfm_summary of pymc-marketing / lifetimes, daily.
create table marts.customer_rfm_summary as
with

occasions as (
    select
        customer_id,
        transaction_date,
        sum(revenue) as occasion_revenue
    from marts.fct_transactions
    group by customer_id, transaction_date
),

numbered_occasions as (
    select
        customer_id,
        transaction_date,
        occasion_revenue,
        row_number() over (partition by customer_id order by transaction_date) as occasion_number
    from occasions
),

per_customer as (
    select
        customer_id,
        count(*) - 1 as frequency,
        min(transaction_date) as first_purchase_date,
        max(transaction_date) as last_purchase_date,
        sum(occasion_revenue) filter (where occasion_number > 1) as repeat_revenue
    from numbered_occasions
    group by customer_id
)

select
    customer_id,
    cast(frequency as bigint) as frequency,
    cast(last_purchase_date - first_purchase_date as integer) as recency_days,
    cast(as_of_date() - first_purchase_date as integer) as tenure_days,
    cast(case when frequency > 0 then money_divide(repeat_revenue, frequency) end as decimal(38, 2))
        as avg_repeat_order_value,
    first_purchase_date,
    last_purchase_date,
    as_of_date() as as_of_date
from per_customer;

create table marts.customer_activity_monthly as
with

activity_per_month as (
    select
        activity_month,
        count(*) as active_customers,
        count(*) filter (where activity_month = cohort_month) as new_customers,
        coalesce(sum(revenue) filter (where activity_month = cohort_month), 0) as new_customer_revenue,
        coalesce(sum(revenue) filter (where activity_month > cohort_month), 0) as returning_customer_revenue
    from customer_months
    group by activity_month
),

months_filled as (
    select
        calendar_months.calendar_month as revenue_month,
        coalesce(activity_per_month.active_customers, 0) as active_customers,
        coalesce(activity_per_month.new_customers, 0) as new_customers,
        coalesce(activity_per_month.new_customer_revenue, 0) as new_customer_revenue,
        coalesce(activity_per_month.returning_customer_revenue, 0) as returning_customer_revenue
    from calendar_months
    left join activity_per_month
        on calendar_months.calendar_month = activity_per_month.activity_month
)

select
    revenue_month,
    cast(active_customers as bigint) as active_customers,
    cast(new_customers as bigint) as new_customers,
    cast(active_customers - new_customers as bigint) as returning_customers,
    cast(new_customer_revenue as decimal(38, 2)) as new_customer_revenue,
    cast(returning_customer_revenue as decimal(38, 2)) as returning_customer_revenue,
    case
        when active_customers > 0
            then cast(active_customers - new_customers as double precision)
            / cast(active_customers as double precision)
    end as returning_customer_rate,
    cast(sum(new_customers) over (order by revenue_month rows between unbounded preceding and current row)
        as bigint) as cumulative_customers
from months_filled;

-- One row per cohort x month since its first purchase, up to the last calendar month, for both cohort marts.
create unlogged table cohort_grid as
with

per_cohort_month as (
    select
        cohort_month,
        activity_month,
        count(*) as active_customers,
        sum(revenue) as revenue
    from customer_months
    group by cohort_month, activity_month
),

cohort_sizes as (
    select
        cohort_month,
        count(*) as cohort_size
    from customer_months
    where activity_month = cohort_month
    group by cohort_month
)

select
    cohort_sizes.cohort_month,
    cast(
        (extract(year from calendar_months.calendar_month) - extract(year from cohort_sizes.cohort_month)) * 12
        + extract(month from calendar_months.calendar_month) - extract(month from cohort_sizes.cohort_month)
        as integer
    ) as months_since_first_purchase,
    cohort_sizes.cohort_size,
    coalesce(per_cohort_month.active_customers, 0) as active_customers,
    coalesce(per_cohort_month.revenue, 0) as revenue
from cohort_sizes
inner join calendar_months
    on cohort_sizes.cohort_month <= calendar_months.calendar_month
left join per_cohort_month
    on
        cohort_sizes.cohort_month = per_cohort_month.cohort_month
        and calendar_months.calendar_month = per_cohort_month.activity_month;

create table marts.customer_cohorts as
select
    cohort_month,
    months_since_first_purchase,
    cast(cohort_size as bigint) as cohort_size,
    cast(active_customers as bigint) as active_customers,
    cast(round(active_customers * 100.0 / cohort_size, 2) as decimal(38, 2)) as retention_pct
from cohort_grid;

create table marts.cohort_revenue as
with

running_totals as (
    select
        cohort_month,
        months_since_first_purchase,
        cohort_size,
        cast(revenue as decimal(38, 2)) as revenue,
        sum(cast(revenue as decimal(38, 2))) over (
            partition by cohort_month
            order by months_since_first_purchase
            rows between unbounded preceding and current row
        ) as cumulative_revenue
    from cohort_grid
)

select
    cohort_month,
    months_since_first_purchase,
    cast(cohort_size as bigint) as cohort_size,
    revenue,
    cast(cumulative_revenue as decimal(38, 2)) as cumulative_revenue,
    cast(money_divide(cumulative_revenue, cohort_size) as decimal(38, 2)) as cumulative_revenue_per_customer
from running_totals;

-- MetricFlow's day spine: every day of every calendar month (models/semantic/metricflow_time_spine.sql).
create table semantic.metricflow_time_spine as
select cast(days.date_day as date) as date_day
from (
    select
        min(calendar_month) as first_month,
        max(calendar_month) as last_month
    from calendar_months
) as bounds,
    generate_series(
        cast(bounds.first_month as timestamp),
        cast(bounds.last_month as timestamp) + interval '1 month' - interval '1 day',
        interval '1 day'
    ) as days (date_day)
where bounds.first_month is not null;
