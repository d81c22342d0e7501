"""scripts.fit_input, the step of `make predict` that copies the fit's input out of the warehouse: what it copies,
in what order, and one readable line when there is nothing to copy. (The copy from PostgreSQL, fitted and
compared with DuckDB's fit, is tests/integration/test_clv.py.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb

from scripts.project_copy import REPO_ROOT


def fit_input(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scripts.fit_input", *args], cwd=REPO_ROOT, capture_output=True, text=True
    )


def test_it_copies_the_two_marts_in_a_fixed_order_with_only_what_the_fit_reads(tmp_path: Path) -> None:
    serving = tmp_path / "exports [2024]" / "marts file.duckdb"
    serving.parent.mkdir()
    with duckdb.connect(str(serving)) as connection:
        connection.execute("create schema marts")
        connection.execute(
            "create table marts.customer_rfm_summary as "
            "select * from (values ('C2', 1), ('C1', 0)) t(customer_id, frequency)"
        )
        connection.execute(
            "create table marts.fct_transactions as select * from (values "
            "('C2', date '2024-01-02', 5.00, 'T2'), ('C1', date '2024-01-03', 7.00, 'T3'), "
            "('C2', date '2024-01-01', 3.00, 'T1')) t(customer_id, transaction_date, revenue, transaction_id)"
        )
    out = tmp_path / "fit input" / "fit_input.duckdb"
    result = fit_input(str(out), "--target", "duckdb", "--serving", str(serving))
    assert result.returncode == 0, result.stderr
    with duckdb.connect(str(out), read_only=True) as connection:
        assert connection.sql("select customer_id from marts.customer_rfm_summary").fetchall() == [("C1",), ("C2",)]
        lines = connection.sql("select * from marts.fct_transactions")
        assert lines.columns == ["customer_id", "transaction_date", "revenue"]
        ordered = [(row[0], str(row[1])[:10]) for row in lines.fetchall()]
        assert ordered == [("C1", "2024-01-03"), ("C2", "2024-01-01"), ("C2", "2024-01-02")]


def test_no_published_marts_gives_one_line_naming_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "serving" / "ecommerce_marts.duckdb"
    result = fit_input(str(tmp_path / "out.duckdb"), "--target", "duckdb", "--serving", str(missing))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"fit_input: {missing}: no published marts; run `make run` (or dbt build) first"
    ]
    assert not (tmp_path / "out.duckdb").exists()


def test_a_postgres_target_without_a_build_gives_one_line_naming_the_manifest(tmp_path: Path) -> None:
    manifest = tmp_path / "target" / "manifest.json"
    result = fit_input(str(tmp_path / "out.duckdb"), "--target", "dev", "--manifest", str(manifest))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"fit_input: {manifest}: no dbt manifest; run `dbt build` first"]
