"""The semantic layer answers like the marts: `mf validate-configs` passes and `mf query` of every metric by
month equals the pandas reference (tests/integration/reference.py), on DuckDB and PostgreSQL."""

from __future__ import annotations

import csv
import math
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from tests.integration.dbt_project import DbtProject

MF = Path(sys.executable).parent / "mf"
Expected = dict[date, float | None]


def run_mf(project: DbtProject, *args: str) -> subprocess.CompletedProcess:
    assert MF.exists(), f"{MF} is missing: install requirements/metrics.txt (dbt-metricflow)"
    env = {
        **os.environ,
        **project.env,
        "DBT_PROFILES_DIR": str(project.root),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    result = subprocess.run([str(MF), *args], cwd=project.root, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"mf {' '.join(args)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}"
    return result


def mf_by(project: DbtProject, metric: str, grain: str, out_dir: Path) -> Expected:
    """`mf query --metrics <metric> --group-by metric_time__<grain>`, as {period start: value}."""
    out = out_dir / f"{metric}_{grain}.csv"
    column = f"metric_time__{grain}"
    run_mf(project, "query", "--metrics", metric, "--group-by", column, "--csv", str(out), "--quiet")
    with out.open() as handle:
        return {
            date.fromisoformat(row[column][:10]): float(row[metric]) if row[metric] else None
            for row in csv.DictReader(handle)
        }


def as_float(value: object) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def column_by_month(frame: pd.DataFrame, month_column: str, column: str) -> Expected:
    return {month: as_float(value) for month, value in zip(frame[month_column], frame[column])}


def with_sales(values: Expected) -> Expected:
    """Metrics that do not join the time spine have no row for a month without sales."""
    return {month: value for month, value in values.items() if value}


def ratio(numerators: Expected, denominators: Expected) -> Expected:
    return {m: numerators[m] / denominators[m] if denominators[m] else None for m in numerators}


def window_sums(daily: pd.DataFrame) -> Expected:
    """Revenue of the 7 days ending on each day of the reference's revenue_daily; days before it count as 0."""
    by_day = dict(zip(daily.revenue_date, daily.revenue))
    return {day: float(sum(by_day.get(day - timedelta(days=back), 0) for back in range(7))) for day in by_day}


def first_days(values: Expected) -> Expected:
    """A cumulative metric by month is its value on the month's first day (period_agg: first)."""
    return {day: value for day, value in values.items() if day.day == 1}


def expected_by_metric(marts: dict[str, pd.DataFrame]) -> dict[str, Expected]:
    monthly, activity, daily = marts["revenue_monthly"], marts["customer_activity_monthly"], marts["revenue_daily"]
    units = daily.assign(month=daily.revenue_date.map(lambda d: d.replace(day=1))).groupby("month").units.sum()
    revenue = column_by_month(monthly, "revenue_month", "revenue")
    orders = column_by_month(monthly, "revenue_month", "transactions")
    new_revenue = column_by_month(activity, "revenue_month", "new_customer_revenue")
    returning_revenue = column_by_month(activity, "revenue_month", "returning_customer_revenue")
    seven_day_sum = first_days(window_sums(daily))
    return {
        "revenue": revenue,
        "orders": with_sales(orders),
        "units": with_sales({month: float(value) for month, value in units.items()}),
        "customers": with_sales(column_by_month(monthly, "revenue_month", "customers")),
        "average_order_value": ratio(revenue, orders),
        "revenue_7d_sum": seven_day_sum,
        "revenue_7d_avg": first_days(column_by_month(daily, "revenue_date", "revenue_7d_avg")),
        "mom_revenue_growth_pct": column_by_month(monthly, "revenue_month", "mom_growth_pct"),
        "new_customers": column_by_month(activity, "revenue_month", "new_customers"),
        "returning_customers": column_by_month(activity, "revenue_month", "returning_customers"),
        "new_customer_revenue": new_revenue,
        "returning_customer_revenue": returning_revenue,
        "returning_customer_revenue_share": ratio(
            returning_revenue, {m: new_revenue[m] + returning_revenue[m] for m in new_revenue}
        ),
    }


METRICS = [
    "revenue",
    "orders",
    "units",
    "customers",
    "average_order_value",
    "revenue_7d_sum",
    "revenue_7d_avg",
    "mom_revenue_growth_pct",
    "new_customers",
    "returning_customers",
    "new_customer_revenue",
    "returning_customer_revenue",
    "returning_customer_revenue_share",
]
# Cumulative metrics by month are the window on the month's first day: compared on the months whose first day
# is a day of revenue_daily (the time spine starts on the first of the first month, the mart on the first sale).
FIRST_DAY_METRICS = {"revenue_7d_sum", "revenue_7d_avg"}
# Rounded like their mart column: equal to the cent, not merely close.
ROUNDED_METRICS = {"revenue_7d_avg", "mom_revenue_growth_pct"}


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def semantic_build(request: pytest.FixtureRequest) -> DbtProject:
    return request.getfixturevalue(f"{request.param}_build")


def test_metricflow_configs_validate_against_the_warehouse(semantic_build: DbtProject) -> None:
    result = run_mf(semantic_build, "validate-configs")
    assert "ERRORS: 0" in result.stdout and "ERRORS: 1" not in result.stdout, result.stdout[-3000:]


def test_every_metric_is_tested_here(semantic_build: DbtProject) -> None:
    import json

    manifest = json.loads((semantic_build.root / "target" / "semantic_manifest.json").read_text())
    assert sorted(metric["name"] for metric in manifest["metrics"]) == sorted(METRICS)


@pytest.mark.parametrize("metric", METRICS)
def test_metric_by_month_equals_the_reference(
    semantic_build: DbtProject, reference_marts: dict, metric: str, tmp_path: Path
) -> None:
    expected = expected_by_metric(reference_marts)[metric]
    actual = mf_by(semantic_build, metric, "month", tmp_path)
    if metric in FIRST_DAY_METRICS:
        assert len(expected) >= 6, "too few first days of months to compare"
        actual = {month: value for month, value in actual.items() if month in expected}
    assert sorted(actual) == sorted(expected), f"{metric}: months {sorted(actual)} != {sorted(expected)}"
    tolerance = 0.005 if metric in {"revenue", "new_customer_revenue", "returning_customer_revenue"} else 0.01
    if metric in ROUNDED_METRICS:
        tolerance = 1e-6
    wrong = {
        month: (actual[month], value)
        for month, value in expected.items()
        if (actual[month] is None) != (value is None)
        or (value is not None and not math.isclose(actual[month], value, abs_tol=tolerance))
    }
    assert not wrong, f"{metric}: (mf, reference) differ in {len(wrong)} months: {dict(list(wrong.items())[:4])}"


@pytest.mark.parametrize("metric", sorted(FIRST_DAY_METRICS))
def test_seven_day_metric_by_day_equals_revenue_daily_on_every_day(
    semantic_build: DbtProject, reference_marts: dict, metric: str, tmp_path: Path
) -> None:
    """Every day of revenue_daily, the first six (partial windows, divided by 7 all the same) included."""
    daily = reference_marts["revenue_daily"]
    expected = (
        window_sums(daily) if metric == "revenue_7d_sum" else column_by_month(daily, "revenue_date", "revenue_7d_avg")
    )
    actual = mf_by(semantic_build, metric, "day", tmp_path)
    missing = sorted(set(expected) - set(actual))
    assert not missing, f"{metric}: mf has no row for {len(missing)} days of revenue_daily, first {missing[:3]}"
    wrong = {
        day: (actual[day], value)
        for day, value in expected.items()
        if actual[day] is None or not math.isclose(actual[day], value, abs_tol=1e-6)
    }
    assert not wrong, f"{metric}: (mf, revenue_daily) differ on {len(wrong)} days: {dict(sorted(wrong.items())[:4])}"
