"""The committed Superset dashboard computes only what the dbt definitions allow (bi/dashboard_rules.py), and the
exposure `revenue_dashboard` lists exactly the marts it reads. No Superset needed: these read the files.

Each breaking case starts from the committed bundle and changes one thing, as an edit in Superset's UI
exported with `make bi-export` would.
"""

from __future__ import annotations

import copy

import pytest

from bi.dashboard_rules import Definitions, Kind, bundle_problems, read_definitions
from bi.superset_bundle import Bundle, read_bundle


@pytest.fixture(scope="module")
def definitions() -> Definitions:
    return read_definitions()


@pytest.fixture
def bundle() -> Bundle:
    return copy.deepcopy(read_bundle())


def dataset(bundle: Bundle, table: str) -> dict:
    return next(d for d in bundle.datasets().values() if d["table_name"] == table)


def chart(bundle: Bundle, name: str) -> dict:
    return next(c for c in bundle.charts().values() if c["slice_name"] == name)


def set_metric(bundle: Bundle, table: str, metric: str, expression: str) -> None:
    next(m for m in dataset(bundle, table)["metrics"] if m["metric_name"] == metric)["expression"] = expression


def test_the_committed_dashboard_keeps_the_rules(bundle: Bundle, definitions: Definitions) -> None:
    assert bundle_problems(bundle, definitions) == []


def test_additivity_comes_from_the_semantic_layer(definitions: Definitions) -> None:
    daily = definitions.marts["revenue_daily"]
    # measure revenue and units: agg sum; customers: count_distinct; no measure for the 7-day average.
    assert (daily["revenue"], daily["units"]) == (Kind.ADDITIVE, Kind.ADDITIVE)
    assert (daily["customers"], daily["revenue_7d_avg"], daily["cumulative_revenue"]) == (Kind.VALUE,) * 3
    assert definitions.marts["revenue_monthly"]["mom_growth_pct"] == Kind.VALUE
    assert definitions.marts["customer_lifetime_value"]["is_top_80pct"] == Kind.DIMENSION
    # A prediction per customer adds up over customers (measure predicted_clv_12m); a probability does not.
    predicted = definitions.marts["customer_predicted_value"]
    assert (predicted["predicted_clv_12m"], predicted["probability_alive"]) == (Kind.ADDITIVE, Kind.VALUE)


@pytest.mark.parametrize(
    "table, metric, expression",
    [
        ("revenue_daily", "revenue_7d_avg", "sum(revenue_7d_avg)"),  # the dashboard's metric before the rules
        ("revenue_monthly", "mom_growth_pct", "max(mom_growth_pct)"),  # likewise
        ("revenue_monthly", "mom_growth_pct", "avg(mom_growth_pct)"),
        ("revenue_daily", "revenue", "sum(customers)"),  # distinct customers per day do not add up over days
        ("revenue_daily", "revenue", "sum(cumulative_revenue)"),
    ],
)
def test_a_metric_aggregating_a_non_additive_column_is_refused(
    bundle: Bundle, definitions: Definitions, table: str, metric: str, expression: str
) -> None:
    set_metric(bundle, table, metric, expression)
    problems = bundle_problems(bundle, definitions)
    column = expression.split("(")[1].rstrip(")")
    assert len(problems) == 1
    assert f"metric {metric}: {expression} aggregates {column}, which is not additive" in problems[0]


def test_an_ad_hoc_metric_made_in_a_chart_is_checked_too(bundle: Bundle, definitions: Definitions) -> None:
    chart(bundle, "Monthly revenue and MoM growth")["params"]["metrics_b"] = [
        {
            "expressionType": "SIMPLE",
            "aggregate": "AVG",
            "label": "AVG(mom_growth_pct)",
            "column": {"column_name": "mom_growth_pct"},
        }
    ]
    problems = bundle_problems(bundle, definitions)
    assert len(problems) == 1
    assert "chart 'Monthly revenue and MoM growth', metric AVG(mom_growth_pct): avg(mom_growth_pct)" in problems[0]


def test_a_rolling_window_over_a_non_additive_metric_is_refused(bundle: Bundle, definitions: Definitions) -> None:
    chart(bundle, "Daily revenue and 7-day average")["params"].update(rolling_type="mean", rolling_periods=7)
    problems = bundle_problems(bundle, definitions)
    assert problems == [problems[0]] and "applies rolling_type to a metric that is not a sum" in problems[0]


@pytest.mark.parametrize(
    "expression",
    [
        "sum(revenue)",
        "count(*)",
        "count(distinct customers)",
        "sum(revenue) / nullif(count(*), 0)",
        "case when count(*) = 1 then max(revenue_7d_avg) end",
        "case when count(*) = 1 then min(customers) end",
    ],
)
def test_additive_sums_counts_ratios_of_them_and_grain_locked_values_pass(
    bundle: Bundle, definitions: Definitions, expression: str
) -> None:
    set_metric(bundle, "revenue_daily", "revenue_7d_avg", expression)
    assert bundle_problems(bundle, definitions) == []


@pytest.mark.parametrize(
    "expression, passes",
    [
        ("sum(case when is_anomaly then revenue end)", True),  # the revenue of the flagged days
        ("sum(case when is_anomaly then typical_revenue end)", False),  # a value of its day, filtered or not
        ("sum(case when anomaly_score > 3 then revenue end)", False),  # a condition on a value: not a filter
        ("sum(case when is_anomaly then revenue else 0 end)", True),
        ("sum(case when is_anomaly then revenue else log_revenue end)", False),
    ],
)
def test_a_filtered_sum_passes_only_for_an_additive_column_and_a_non_numeric_condition(
    bundle: Bundle, definitions: Definitions, expression: str, passes: bool
) -> None:
    set_metric(bundle, "revenue_anomalies", "flagged_revenue", expression)
    assert (bundle_problems(bundle, definitions) == []) is passes


@pytest.mark.parametrize(
    "expression",
    [
        "case when count(*) = 2 then max(revenue_7d_avg) end",  # two rows: not the mart's grain
        "case when count(*) = 1 then max(revenue_7d_avg) else 0 end",
        "case when count(*) = 1 then sum(revenue_7d_avg) end + sum(revenue_7d_avg)",
    ],
)
def test_a_lock_that_is_not_exactly_one_mart_row_is_refused(
    bundle: Bundle, definitions: Definitions, expression: str
) -> None:
    set_metric(bundle, "revenue_daily", "revenue_7d_avg", expression)
    assert any("revenue_7d_avg, which is not additive" in problem for problem in bundle_problems(bundle, definitions))


def test_a_dataset_must_be_a_mart_with_its_columns(bundle: Bundle, definitions: Definitions) -> None:
    dataset(bundle, "customer_rfm")["sql"] = "select * from marts.customer_rfm"
    dataset(bundle, "revenue_daily")["columns"].pop()
    problems = bundle_problems(bundle, definitions)
    assert any("dataset customer_rfm is a SQL query; the dashboard reads marts only" in p for p in problems)
    assert any("revenue_daily.yaml: columns" in p and "differ from the mart's" in p for p in problems)


def test_a_chart_naming_a_metric_its_dataset_lacks_is_refused(bundle: Bundle, definitions: Definitions) -> None:
    chart(bundle, "Total revenue")["params"]["metric"] = "revenue_total"
    assert [p for p in bundle_problems(bundle, definitions) if "uses metric 'revenue_total'" in p]


def test_the_exposure_lists_exactly_the_marts_the_dashboard_reads(bundle: Bundle, definitions: Definitions) -> None:
    url, listed = definitions.exposures["revenue_dashboard"]
    assert url.endswith("/superset/dashboard/ecommerce-marts/")
    assert listed == {d["table_name"] for d in bundle.datasets().values()}

    drifted = Definitions(
        definitions.marts, {"revenue_dashboard": (url, listed - {"revenue_category_quarterly"} | {"dim_customers"})}
    )
    assert bundle_problems(bundle, drifted) == [
        "exposure revenue_dashboard lists customer_lifetime_value, customer_predicted_value, customer_rfm, "
        "customer_segments, dim_customers, revenue_anomalies, revenue_daily, revenue_monthly but dashboard "
        "ecommerce-marts reads customer_lifetime_value, customer_predicted_value, customer_rfm, customer_segments, "
        "revenue_anomalies, revenue_category_quarterly, revenue_daily, revenue_monthly: make its depends_on "
        "exactly the marts the dashboard reads"
    ]
