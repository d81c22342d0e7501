-- The data checks of the engine floor, run by bench/floor.py after bench/floor.sql: one query, one row per
-- failed check (no rows = every check passed). They are the build's six singular tests
-- (tests/singular/*.sql), the grain of every table the floor writes (each key unique and never NULL, the
-- build's unique / one_row_per / unique_combination_of_columns tests) and the declared reason codes of each
-- quarantine table (reason_is_declared). What the build tests beyond these is listed in bench/floor.py.
with

raw_reconciliation as (
    select 'raw rows = clean + quarantined: ' || raw_row_counts.raw_table as failed_check
    from raw_row_counts
    inner join (
        select
            'customers' as raw_table,
            (select count(*) from staging.stg_customers) + (select count(*) from staging.quarantine_customers)
                as judged_rows
        union all
        select
            'products' as raw_table,
            (select count(*) from staging.stg_products) + (select count(*) from staging.quarantine_products)
                as judged_rows
        union all
        select
            'transactions' as raw_table,
            (select count(*) from intermediate.int_transactions_clean) + (select count(*) from staging.quarantine_transactions)
                as judged_rows
    ) as judged
        on raw_row_counts.raw_table = judged.raw_table
    where raw_row_counts.raw_rows <> judged.judged_rows
),

revenue_totals as (
    select
        (select sum(revenue) from marts.fct_transactions) as fact_revenue,
        (select sum(revenue) from marts.revenue_daily) as daily_revenue,
        (select sum(revenue) from marts.revenue_monthly) as monthly_revenue,
        (select sum(revenue) from marts.revenue_category_quarterly) as category_quarterly_revenue,
        (select sum(total_revenue) from marts.customer_lifetime_value) as lifetime_value_revenue,
        (select sum(total_revenue) from marts.dim_customers) as dim_customers_revenue,
        (select sum(revenue) from marts.dim_products) as dim_products_revenue,
        (select sum(revenue) from marts.cohort_revenue) as cohort_revenue
),

revenue_disagreements as (
    select 'revenue totals agree across marts' as failed_check
    from revenue_totals
    where
        coalesce(daily_revenue, 0) <> coalesce(fact_revenue, 0)
        or coalesce(monthly_revenue, 0) <> coalesce(fact_revenue, 0)
        or coalesce(category_quarterly_revenue, 0) <> coalesce(fact_revenue, 0)
        or coalesce(lifetime_value_revenue, 0) <> coalesce(fact_revenue, 0)
        or coalesce(dim_customers_revenue, 0) <> coalesce(fact_revenue, 0)
        or coalesce(dim_products_revenue, 0) <> coalesce(fact_revenue, 0)
        or coalesce(cohort_revenue, 0) <> coalesce(fact_revenue, 0)
),

customer_counts as (
    select
        (select count(*) from staging.stg_customers) as clean_customers,
        (select count(*) from marts.customer_segments) as segmented_customers,
        (select count(*) from marts.customer_segments where segment <> 'Never purchased') as segment_buyers,
        (select count(*) from marts.customer_lifetime_value) as lifetime_value_buyers,
        (select coalesce(sum(transactions), 0) from marts.customer_lifetime_value) as lifetime_value_transactions,
        (select count(*) from marts.customer_favorite_category) as favorite_category_buyers,
        (select count(distinct customer_id) from marts.fct_transactions) as fact_buyers,
        (select count(*) from marts.fct_transactions) as fact_transactions,
        (select coalesce(sum(transactions), 0) from marts.revenue_daily) as daily_transactions
),

customer_count_disagreements as (
    select 'customer and transaction counts agree across marts' as failed_check
    from customer_counts
    where
        segmented_customers <> clean_customers
        or segment_buyers <> fact_buyers
        or lifetime_value_buyers <> fact_buyers
        or favorite_category_buyers <> fact_buyers
        or lifetime_value_transactions <> fact_transactions
        or daily_transactions <> fact_transactions
),

new_plus_returning as (
    select 'new + returning = monthly revenue and buyers: ' || coalesce(
        cast(customer_activity_monthly.revenue_month as varchar), cast(revenue_monthly.revenue_month as varchar)
    ) as failed_check
    from marts.customer_activity_monthly
    full outer join marts.revenue_monthly
        on customer_activity_monthly.revenue_month = revenue_monthly.revenue_month
    where
        customer_activity_monthly.revenue_month is null
        or revenue_monthly.revenue_month is null
        or customer_activity_monthly.new_customer_revenue + customer_activity_monthly.returning_customer_revenue
        <> revenue_monthly.revenue
        or customer_activity_monthly.active_customers <> revenue_monthly.customers
),

cohort_grids as (
    select 'cohort_revenue has the rows and cohort sizes of customer_cohorts' as failed_check
    from marts.cohort_revenue
    full outer join marts.customer_cohorts
        on
            cohort_revenue.cohort_month = customer_cohorts.cohort_month
            and cohort_revenue.months_since_first_purchase = customer_cohorts.months_since_first_purchase
    where
        cohort_revenue.cohort_month is null
        or customer_cohorts.cohort_month is null
        or cohort_revenue.cohort_size <> customer_cohorts.cohort_size
),

-- tests/singular/assert_rfm_scores_follow_their_measures.sql, in the same linear form.
rfm_measures as (
    select
        'r' as score_kind,
        -recency_days as measure,
        r_score as score
    from marts.customer_rfm
    union all
    select
        'f' as score_kind,
        frequency as measure,
        f_score as score
    from marts.customer_rfm
    union all
    select
        'm' as score_kind,
        monetary as measure,
        m_score as score
    from marts.customer_rfm
),

rfm_ties_split as (
    select 'equal ' || score_kind || ' measures share a score' as failed_check
    from rfm_measures
    group by score_kind, measure
    having min(score) <> max(score)
),

rfm_ranges as (
    select
        score_kind,
        min(measure) as lowest_measure,
        lag(max(measure)) over (partition by score_kind order by score) as highest_measure_below
    from rfm_measures
    group by score_kind, score
),

rfm_out_of_order as (
    select 'a higher ' || score_kind || ' measure never scores lower' as failed_check
    from rfm_ranges
    where lowest_measure <= highest_measure_below
),

rfm_in_dim_customers as (
    select 'dim_customers carries the RFM scores of customer_rfm' as failed_check
    from marts.customer_rfm
    left join marts.dim_customers
        on customer_rfm.customer_id = dim_customers.customer_id
    where
        dim_customers.customer_id is null
        or dim_customers.r_score <> customer_rfm.r_score
        or dim_customers.f_score <> customer_rfm.f_score
        or dim_customers.m_score <> customer_rfm.m_score
        or dim_customers.rfm_cell <> customer_rfm.rfm_cell
        or dim_customers.rfm_segment <> customer_rfm.rfm_segment
),

-- The grain of every table: one row per key, the key never NULL.
grains as (
    select
        'stg_customers' as table_name,
        count(*) as key_rows,
        count(distinct customer_id) as distinct_keys,
        count(customer_id) as present_keys
    from staging.stg_customers
    union all
    select 'stg_products', count(*), count(distinct product_id), count(product_id) from staging.stg_products
    union all
    select 'int_transactions_clean', count(*), count(distinct transaction_id), count(transaction_id)
    from intermediate.int_transactions_clean
    union all
    select 'fct_transactions', count(*), count(distinct transaction_id), count(transaction_id)
    from marts.fct_transactions
    union all
    select 'dim_customers', count(*), count(distinct customer_id), count(customer_id) from marts.dim_customers
    union all
    select 'dim_products', count(*), count(distinct product_id), count(product_id) from marts.dim_products
    union all
    select 'revenue_daily', count(*), count(distinct revenue_date), count(revenue_date) from marts.revenue_daily
    union all
    select 'revenue_monthly', count(*), count(distinct revenue_month), count(revenue_month)
    from marts.revenue_monthly
    union all
    select
        'revenue_category_quarterly',
        count(*),
        count(distinct (category, revenue_quarter)),
        count(*) filter (where category is not null and revenue_quarter is not null)
    from marts.revenue_category_quarterly
    union all
    select 'customer_lifetime_value', count(*), count(distinct customer_id), count(customer_id)
    from marts.customer_lifetime_value
    union all
    select 'customer_segments', count(*), count(distinct customer_id), count(customer_id)
    from marts.customer_segments
    union all
    select 'customer_favorite_category', count(*), count(distinct customer_id), count(customer_id)
    from marts.customer_favorite_category
    union all
    select 'customer_rfm', count(*), count(distinct customer_id), count(customer_id) from marts.customer_rfm
    union all
    select 'customer_activity_monthly', count(*), count(distinct revenue_month), count(revenue_month)
    from marts.customer_activity_monthly
    union all
    select
        'customer_cohorts',
        count(*),
        count(distinct (cohort_month, months_since_first_purchase)),
        count(*) filter (where cohort_month is not null and months_since_first_purchase is not null)
    from marts.customer_cohorts
    union all
    select
        'cohort_revenue',
        count(*),
        count(distinct (cohort_month, months_since_first_purchase)),
        count(*) filter (where cohort_month is not null and months_since_first_purchase is not null)
    from marts.cohort_revenue
    union all
    select 'metricflow_time_spine', count(*), count(distinct date_day), count(date_day)
    from semantic.metricflow_time_spine
),

grain_violations as (
    select 'one row per key, never NULL: ' || table_name as failed_check
    from grains
    where distinct_keys <> key_rows or present_keys <> key_rows
),

undeclared_reasons as (
    select 'declared reason codes: ' || quarantine_table || ' ' || quarantine_reason as failed_check
    from (
        select
            'quarantine_customers' as quarantine_table,
            quarantine_reason
        from staging.quarantine_customers
        where quarantine_reason not in (
            'malformed_row', 'missing_id', 'duplicate', 'conflicting_id', 'bad_signup_date'
        )
        union all
        select
            'quarantine_products',
            quarantine_reason
        from staging.quarantine_products
        where quarantine_reason not in ('malformed_row', 'missing_id', 'duplicate', 'conflicting_id', 'bad_price')
        union all
        select
            'quarantine_transactions',
            quarantine_reason
        from staging.quarantine_transactions
        where quarantine_reason not in (
            'malformed_row', 'missing_id', 'duplicate', 'conflicting_id', 'bad_timestamp', 'unknown_customer',
            'unknown_product', 'bad_quantity', 'bad_price', 'total_mismatch'
        )
    ) as quarantined
)

select distinct failed_check from raw_reconciliation
union all
select failed_check from revenue_disagreements
union all
select failed_check from customer_count_disagreements
union all
select failed_check from new_plus_returning
union all
select distinct failed_check from cohort_grids
union all
select distinct failed_check from rfm_ties_split
union all
select distinct failed_check from rfm_out_of_order
union all
select distinct failed_check from rfm_in_dim_customers
union all
select failed_check from grain_violations
union all
select distinct failed_check from undeclared_reasons
