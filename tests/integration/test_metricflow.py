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
    env = {**os.environ, **project.env, "DBT_PROFILES_DIR": str(project.root),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    result = subprocess.run([str(MF), *args], cwd=project.root, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"mf {' '.join(args)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}"
    return result


def mf_by_month(project: DbtProject, metric: str, out_dir: Path) -> Expected:
    """`mf query --metrics <metric> --group-by metric_time__month`, as {month: value}."""
    out = out_dir / f"{metric}.csv"
    run_mf(project, "query", "--metrics", metric, "--group-by", "metric_time__month", "--csv", str(out), "--quiet")
    with out.open() as handle:
        return {date.fromisoformat(row["metric_time__month"][:10]): float(row[metric]) if row[metric] else None
                for row in csv.DictReader(handle)}


def as_float(value: object) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def column_by_month(frame: pd.DataFrame, month_column: str, column: str) -> Expected:
    return {month: as_float(value) for month, value in zip(frame[month_column], frame[column])}


def with_sales(values: Expected) -> Expected:
    """Metrics that do not join the time spine have no row for a month without sales."""
    return {month: value for month, value in values.items() if value}


def ratio(numerators: Expected, denominators: Expected) -> Expected:
    return {m: numerators[m] / denominators[m] if denominators[m] else None for m in numerators}


def first_day_window_sums(daily: pd.DataFrame) -> Expected:
    """Revenue of the 7 days ending on the first day of each month whose full window lies inside the data."""
    by_day = dict(zip(daily.revenue_date, daily.revenue))
    first = min(by_day)
    return {day: float(sum(by_day[day - timedelta(days=back)] for back in range(7)))
            for day in by_day if day.day == 1 and day - timedelta(days=6) >= first}


def expected_by_metric(marts: dict[str, pd.DataFrame]) -> dict[str, Expected]:
    monthly, activity, daily = marts["revenue_monthly"], marts["customer_activity_monthly"], marts["revenue_daily"]
    units = daily.assign(month=daily.revenue_date.map(lambda d: d.replace(day=1))).groupby("month").units.sum()
    revenue = column_by_month(monthly, "revenue_month", "revenue")
    orders = column_by_month(monthly, "revenue_month", "transactions")
    new_revenue = column_by_month(activity, "revenue_month", "new_customer_revenue")
    returning_revenue = column_by_month(activity, "revenue_month", "returning_customer_revenue")
    seven_day_sum = first_day_window_sums(daily)
    return {
        "revenue": revenue,
        "orders": with_sales(orders),
        "units": with_sales({month: float(value) for month, value in units.items()}),
        "customers": with_sales(column_by_month(monthly, "revenue_month", "customers")),
        "average_order_value": ratio(revenue, orders),
        "revenue_7d_sum": seven_day_sum,
        "revenue_7d_avg": {day: value / 7 for day, value in seven_day_sum.items()},
        "mom_revenue_growth_pct": column_by_month(monthly, "revenue_month", "mom_growth_pct"),
        "new_customers": column_by_month(activity, "revenue_month", "new_customers"),
        "returning_customers": column_by_month(activity, "revenue_month", "returning_customers"),
        "new_customer_revenue": new_revenue,
        "returning_customer_revenue": returning_revenue,
        "returning_customer_revenue_share": ratio(returning_revenue,
                                                  {m: new_revenue[m] + returning_revenue[m] for m in new_revenue}),
    }


METRICS = ["revenue", "orders", "units", "customers", "average_order_value", "revenue_7d_sum", "revenue_7d_avg",
           "mom_revenue_growth_pct", "new_customers", "returning_customers", "new_customer_revenue",
           "returning_customer_revenue", "returning_customer_revenue_share"]
# Cumulative metrics by month are the window on the month's first day; only full windows are compared.
FIRST_DAY_METRICS = {"revenue_7d_sum", "revenue_7d_avg"}


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
def test_metric_by_month_equals_the_reference(semantic_build: DbtProject, reference_marts: dict, metric: str,
                                             tmp_path: Path) -> None:
    expected = expected_by_metric(reference_marts)[metric]
    actual = mf_by_month(semantic_build, metric, tmp_path)
    if metric in FIRST_DAY_METRICS:
        assert len(expected) >= 6, "too few full 7-day windows on first days of months to compare"
        actual = {month: value for month, value in actual.items() if month in expected}
    assert sorted(actual) == sorted(expected), f"{metric}: months {sorted(actual)} != {sorted(expected)}"
    tolerance = 0.005 if metric in {"revenue", "new_customer_revenue", "returning_customer_revenue"} else 0.01
    wrong = {month: (actual[month], value) for month, value in expected.items()
             if (actual[month] is None) != (value is None)
             or (value is not None and not math.isclose(actual[month], value, abs_tol=tolerance))}
    assert not wrong, f"{metric}: (mf, reference) differ in {len(wrong)} months: {dict(list(wrong.items())[:4])}"
