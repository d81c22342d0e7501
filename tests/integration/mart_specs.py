"""Keys and column kinds of every mart and staging table, for row-by-row comparisons.

`money` holds every column rounded to the cent (amounts, growth and retention percentages, averages):
compared exactly. `approx` holds the 0-1 shares (doubles): compared with a relative tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TableSpec:
    schema: str
    name: str
    key: list[str]
    money: list[str] = field(default_factory=list)
    approx: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    ints: list[str] = field(default_factory=list)


MARTS = [
    TableSpec(
        "marts",
        "fct_transactions",
        ["transaction_id"],
        money=["unit_price", "revenue"],
        dates=["transaction_date"],
        ints=["quantity"],
    ),
    TableSpec(
        "marts",
        "dim_customers",
        ["customer_id"],
        money=["total_revenue", "avg_order_value", "favorite_category_revenue"],
        approx=["cumulative_revenue_share", "favorite_category_share"],
        dates=["signup_date", "first_purchase_date", "last_purchase_date", "as_of_date"],
        ints=[
            "transactions",
            "units",
            "revenue_rank",
            "recency_days",
            "favorite_category_transactions",
            "r_score",
            "f_score",
            "m_score",
        ],
    ),
    TableSpec("marts", "dim_products", ["product_id"], money=["price", "revenue"], ints=["transactions", "units_sold"]),
    TableSpec(
        "marts",
        "revenue_daily",
        ["revenue_date"],
        money=["revenue", "cumulative_revenue", "revenue_7d_avg"],
        dates=["revenue_date"],
        ints=["transactions", "units", "customers"],
    ),
    TableSpec(
        "marts",
        "revenue_anomalies",
        ["revenue_date"],
        money=["revenue", "anomaly_score"],
        approx=["log_revenue", "window_median_log_revenue", "window_mad_log_revenue", "typical_revenue"],
        dates=["revenue_date"],
        ints=["window_weeks"],
    ),
    TableSpec(
        "marts",
        "revenue_monthly",
        ["revenue_month"],
        money=["revenue", "prev_month_revenue", "mom_growth_pct"],
        dates=["revenue_month"],
        ints=["transactions", "customers"],
    ),
    TableSpec(
        "marts",
        "revenue_category_quarterly",
        ["category", "revenue_quarter"],
        money=["revenue", "prev_quarter_revenue", "qoq_growth_pct"],
        dates=["revenue_quarter"],
    ),
    TableSpec(
        "marts",
        "customer_lifetime_value",
        ["customer_id"],
        money=["total_revenue", "avg_order_value"],
        approx=["cumulative_revenue_share"],
        dates=["first_purchase_date", "last_purchase_date"],
        ints=["transactions", "units", "revenue_rank"],
    ),
    TableSpec(
        "marts", "customer_segments", ["customer_id"], dates=["last_purchase_date", "as_of_date"], ints=["recency_days"]
    ),
    TableSpec(
        "marts",
        "customer_favorite_category",
        ["customer_id"],
        money=["category_revenue"],
        approx=["share_of_customer_revenue"],
        ints=["category_transactions"],
    ),
    TableSpec(
        "marts",
        "customer_cohorts",
        ["cohort_month", "months_since_first_purchase"],
        money=["retention_pct"],
        dates=["cohort_month"],
        ints=["months_since_first_purchase", "cohort_size", "active_customers"],
    ),
    TableSpec(
        "marts",
        "customer_rfm",
        ["customer_id"],
        money=["monetary"],
        dates=["last_purchase_date", "as_of_date"],
        ints=["recency_days", "frequency", "r_score", "f_score", "m_score"],
    ),
    TableSpec(
        "marts",
        "customer_rfm_summary",
        ["customer_id"],
        money=["avg_repeat_order_value"],
        dates=["first_purchase_date", "last_purchase_date", "as_of_date"],
        ints=["frequency", "recency_days", "tenure_days"],
    ),
    TableSpec(
        "marts",
        "customer_activity_monthly",
        ["revenue_month"],
        money=["new_customer_revenue", "returning_customer_revenue"],
        approx=["returning_customer_rate"],
        dates=["revenue_month"],
        ints=["active_customers", "new_customers", "returning_customers", "cumulative_customers"],
    ),
    TableSpec(
        "marts",
        "cohort_revenue",
        ["cohort_month", "months_since_first_purchase"],
        money=["revenue", "cumulative_revenue", "cumulative_revenue_per_customer"],
        dates=["cohort_month"],
        ints=["months_since_first_purchase", "cohort_size"],
    ),
]

# Filled from the fit of `make predict` (empty in a plain build): in the serving file and the marts schema,
# but compared by tests/integration/test_clv.py rather than with the pandas reference.
PREDICTED_MARTS = ["customer_predicted_value", "clv_model_parameters", "clv_calibration"]

QUARANTINE = [
    TableSpec(
        "staging", "quarantine_customers", ["customer_id", "customer_name", "signup_date_text", "quarantine_reason"]
    ),
    TableSpec("staging", "quarantine_products", ["product_id", "product_name", "price_text", "quarantine_reason"]),
    TableSpec(
        "staging",
        "quarantine_transactions",
        ["transaction_id", "customer_id", "transaction_date_text", "quantity_text", "price_text", "quarantine_reason"],
    ),
]

# Where each raw table's clean rows are: staging judges customers and products on their own; a transaction
# is judged against the clean customers and products one layer later.
CLEAN_TABLES = {
    "customers": "staging.stg_customers",
    "products": "staging.stg_products",
    "transactions": "intermediate.int_transactions_clean",
}

# Every quarantined row's key and reason: what another engine's staging must reproduce exactly.
QUARANTINE_REASONS = [
    TableSpec("staging", f"quarantine_{table}", [f"{table[:-1]}_id", "quarantine_reason"])
    for table in ("customers", "products", "transactions")
]


def assert_table_matches(actual, expected, spec: TableSpec, label: str) -> None:
    """One engine's copy of a table (`actual`) equals the reference copy (`expected`): same columns in order,
    same rows. A spec keyed on `["*"]` (a table without a key) sorts the rows on every column."""
    from tests.integration.compare import assert_frames_match

    assert list(actual.columns) == list(expected.columns), f"{label}: same columns in the same order"
    key = list(expected.columns) if spec.key == ["*"] else spec.key
    assert_frames_match(
        actual, expected, key, money=spec.money, approx=spec.approx, dates=spec.dates, ints=spec.ints, label=label
    )


def key_columns_sql(spec: TableSpec) -> str:
    return f"select {', '.join(spec.key)} from {spec.schema}.{spec.name}"
