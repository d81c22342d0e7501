"""Own files the way shops really export them, through the loader, on DuckDB and PostgreSQL alike:
columns in another order, malformed lines, a far-future date, amounts near the top of what a price may be."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

from scripts.generate_data import generate
from scripts.project_copy import REPO_ROOT
from scripts.raw_files import count_data_records
from tests.integration import reference
from tests.integration.conftest import postgres_project
from tests.integration.dbt_project import DbtProject
from tests.integration.mart_specs import CLEAN_TABLES

HUGE = Decimal("999999999999999.99")  # 15 digits before the point: the largest valid price
HUGE_ROWS = 11  # their sum no longer fits decimal(18, 2)
MALFORMED = [
    "TM0001,C0001,P001,2024-05-01 10:00:00,1,10.00,10.00,surplus field",
    "TM0002,C0001,P001",
]
UNTERMINATED = 'TM0003,C0001,P001,"2024-05-01 10:00:00,1,10.00,10.00'  # broken quoting: the last line


def shop_export(raw_dir: Path) -> None:
    """A clean generated export, then reshaped and extended with the edge cases."""
    generate(raw_dir, seed=5, customers=30, products=10, transactions=200, dirty_rate=0.0)
    (raw_dir / "defects.csv").unlink()
    with (raw_dir / "customers.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    with (raw_dir / "customers.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([row[2], row[3], row[1], row[0]] for row in rows)
    with (raw_dir / "transactions.csv").open("a", encoding="utf-8", newline="") as handle:
        for number in range(HUGE_ROWS):
            handle.write(f"TH{number:04d},C0001,P001,2024-06-01 12:00:00,1,{HUGE},{HUGE}\n")
        handle.write("TF0001,C0001,P001,9999-12-31 23:00:00,1,10.00,10.00\n")
        handle.write("\n".join(MALFORMED) + "\n" + UNTERMINATED + "\n")


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def edge_build(request, tmp_path_factory: pytest.TempPathFactory):
    original = tmp_path_factory.mktemp("shop_original")
    generate(original, seed=5, customers=30, products=10, transactions=200, dirty_rate=0.0)
    raw_dir = tmp_path_factory.mktemp("shop_export")
    shop_export(raw_dir)
    root = tmp_path_factory.mktemp(f"edges_{request.param}")
    if request.param == "postgres":
        project = postgres_project(root, REPO_ROOT / "seeds", request.getfixturevalue("pg_server"), "edges")
    else:
        project = DbtProject.copy_of_repo(root)
    project.load_raw(raw_dir)
    project.dbt("build", "--vars", json.dumps({"raw_source": "files"}))
    return project, raw_dir, reference.clean_raw(original)


def test_every_line_ends_clean_or_quarantined(edge_build) -> None:
    project, raw_dir, _ = edge_build
    for table in ("customers", "products", "transactions"):
        clean = project.query(f"select count(*) as n from {CLEAN_TABLES[table]}").n[0]
        refused = project.query(f"select count(*) as n from staging.quarantine_{table}").n[0]
        assert clean + refused == count_data_records(raw_dir / f"{table}.csv"), table


def test_malformed_lines_are_quarantined_with_their_text(edge_build) -> None:
    project, _, _ = edge_build
    rows = project.query(
        "select malformed_line from staging.quarantine_transactions "
        "where quarantine_reason = 'malformed_row' order by malformed_line"
    )
    assert list(rows.malformed_line) == sorted([*MALFORMED, UNTERMINATED])


def test_columns_are_matched_by_name(edge_build) -> None:
    project, _, original = edge_build
    actual = project.query("select customer_id, customer_name, region from staging.stg_customers order by 1")
    expected = original.customers.sort_values("customer_id")
    assert list(actual.customer_name) == list(expected.customer_name)
    assert list(actual.region) == list(expected.region)


def test_far_future_date_is_quarantined_and_never_moves_the_as_of_date(edge_build) -> None:
    project, _, original = edge_build
    reason = project.query(
        "select quarantine_reason from staging.quarantine_transactions where transaction_id = 'TF0001'"
    )
    assert list(reason.quarantine_reason) == ["bad_timestamp"]
    as_of = project.query("select distinct cast(as_of_date as varchar) as d from marts.customer_segments").d
    assert list(as_of) == [original.transactions.transaction_date.max().isoformat()]


def test_huge_amounts_sum_exactly(edge_build) -> None:
    project, _, original = edge_build
    expected = sum(original.transactions.revenue, Decimal(0)) + HUGE * HUGE_ROWS
    totals = project.query("""
        select cast((select sum(revenue) from marts.revenue_monthly) as varchar) as monthly,
               cast((select max(cumulative_revenue) from marts.revenue_daily) as varchar) as daily,
               cast((select sum(total_revenue) from marts.customer_lifetime_value) as varchar) as clv,
               cast((select sum(revenue) from marts.dim_products) as varchar) as products""")
    for column in totals.columns:
        assert Decimal(totals[column][0]) == expected, column
