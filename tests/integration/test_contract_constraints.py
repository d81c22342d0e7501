"""A mart's not_null and range rules, its checks across columns and its grain (primary key) are contract
constraints, declared once in the model's YAML.

DuckDB and PostgreSQL enforce them while the table is written, so a row that breaks one stops the build at
that model and nothing is published. Spark's parquet tables cannot hold constraints: there the model test
`contract_constraints_hold` checks the same declarations (test_spark.py runs it). Here its SQL is shown to
catch what it must, on a copy of a mart written without constraints.
"""

from __future__ import annotations

import duckdb
import pytest

from tests.integration.dbt_project import DbtProject

GENERIC_TEST = "tests/generic/contract_constraints_hold.sql"
ENABLED_WHERE_NOT_ENFORCED = "{{ config(enabled=target.type not in ['duckdb', 'postgres']) }}"


@pytest.fixture(scope="module")
def daily(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    """The sample built up to revenue_daily and published once."""
    project = DbtProject.copy_of_repo(tmp_path_factory.mktemp("constraints"))
    project.dbt("seed")
    project.dbt("build")
    return project


BROKEN_REVENUE_DAILY = {
    # A row that breaks a check constraint: a day with -1 transactions.
    "check": (
        "select * from final where false\nunion all\n"
        "select revenue_date, revenue, -1, units, customers, revenue_7d_avg, cumulative_revenue from final",
        ("CHECK constraint failed", "transactions >= 0"),
    ),
    # A row that breaks a check across columns, declared on the model: more customers than transactions.
    "model-level check": (
        "select * from final where false\nunion all\n"
        "select revenue_date, revenue, transactions, units, transactions + 1, revenue_7d_avg, cumulative_revenue "
        "from final",
        ("CHECK constraint failed", "customers <= transactions"),
    ),
    # A repeated key: the grain, revenue_date, is the primary key, so no unique data test is needed.
    "primary key": (
        "select * from final\nunion all\n(select * from final order by revenue_date desc limit 1)",
        ("Constraint Error", "duplicate key"),
    ),
}


@pytest.mark.parametrize("broken", BROKEN_REVENUE_DAILY)
def test_a_row_breaking_a_constraint_stops_the_build_before_publishing(daily: DbtProject, broken: str) -> None:
    query, messages = BROKEN_REVENUE_DAILY[broken]
    model = daily.root / "models" / "marts" / "revenue_daily.sql"
    original = model.read_text(encoding="utf-8")
    published_before = daily.serving_path.stat().st_mtime_ns
    model.write_text(original.replace("select * from final", query, 1), encoding="utf-8")
    try:
        result = daily.dbt("build", "-s", "revenue_daily", "--exclude", "test_type:unit", check=False)
    finally:
        model.write_text(original, encoding="utf-8")
    assert result.returncode != 0
    assert all(message in result.stdout for message in messages), result.stdout[-3000:]
    assert "Marts not published: " in result.stdout
    assert daily.serving_path.stat().st_mtime_ns == published_before


def test_the_spark_side_test_finds_every_row_that_breaks_a_declared_constraint(daily: DbtProject) -> None:
    generic = daily.root / GENERIC_TEST
    source = generic.read_text(encoding="utf-8")
    assert source.count(ENABLED_WHERE_NOT_ENFORCED) == 1
    generic.write_text(source.replace(ENABLED_WHERE_NOT_ENFORCED, "{{ config(enabled=true) }}"), encoding="utf-8")
    with duckdb.connect(str(daily.duckdb_path)) as connection:
        # Copies without constraints, as parquet tables on Spark are.
        for mart in ("revenue_daily", "revenue_monthly", "customer_cohorts"):
            connection.execute(f"create or replace table marts.{mart} as select * from marts.{mart}")
        connection.execute("""
            update marts.revenue_daily set
                revenue = case when revenue_date = (select min(revenue_date) from marts.revenue_daily)
                    then null else revenue end,
                transactions = case when revenue_date = (select max(revenue_date) from marts.revenue_daily)
                    then -1 else transactions end
        """)
        connection.execute("""
            update marts.revenue_daily set customers = -5
            where revenue_date in (select revenue_date from marts.revenue_daily order by revenue_date limit 3 offset 1)
        """)
        # A sixth day with more customers than transactions breaks only the model's own check.
        connection.execute("""
            update marts.revenue_daily set customers = transactions + 1
            where revenue_date = (select revenue_date from marts.revenue_daily order by revenue_date limit 1 offset 5)
        """)
        # Two copies of a fifth day: its key, revenue_date, is no longer unique.
        connection.execute("""
            insert into marts.revenue_daily
            select * from marts.revenue_daily order by revenue_date limit 1 offset 4
        """)
        # customer_cohorts' key has two columns: one row repeated whole breaks it; a row that shares only
        # the cohort month does not.
        connection.execute("""
            insert into marts.customer_cohorts
            select * from marts.customer_cohorts where months_since_first_purchase = 0 order by cohort_month limit 1
        """)
        connection.execute("""
            insert into marts.customer_cohorts
            select cohort_month, 1000, cohort_size, active_customers, retention_pct
            from marts.customer_cohorts where months_since_first_purchase = 0 order by cohort_month limit 1
        """)
        first_month_growth = connection.execute(
            "select mom_growth_pct from marts.revenue_monthly order by revenue_month limit 1"
        ).fetchone()[0]
    # A changed test definition is not re-read by partial parsing: parse afresh.
    result = daily.dbt(
        "test",
        "--no-partial-parse",
        "-s",
        "test_name:contract_constraints_hold,revenue_daily",
        "test_name:contract_constraints_hold,revenue_monthly",
        "test_name:contract_constraints_hold,customer_cohorts",
        check=False,
    )
    assert result.returncode != 0, result.stdout[-3000:]
    # The first day's revenue is NULL (not_null), the last day's transactions -1 and three days' customers -5
    # (column checks), a sixth day's customers above its transactions (the model's check): six rows; and both
    # copies of the repeated day (primary key): eight.
    assert "FAIL 8 contract_constraints_hold_revenue_daily_" in result.stdout, result.stdout[-3000:]
    assert "FAIL 2 contract_constraints_hold_customer_cohorts_" in result.stdout, result.stdout[-3000:]
    # A check passes on NULL, as in the database: the first month has no growth and is not a failure.
    assert first_month_growth is None
    assert "PASS contract_constraints_hold_revenue_monthly_" in result.stdout, result.stdout[-3000:]
