"""PostgreSQL is a first-class engine: same models, identical results, marts-only BI role, clear errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

from tests.integration.compare import assert_frames_match
from tests.integration.dbt_project import DbtProject
from tests.integration.mart_specs import MARTS, PREDICTED_MARTS, QUARANTINE, TableSpec

pytestmark = pytest.mark.postgres
REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("spec", MARTS + QUARANTINE, ids=lambda spec: spec.name)
def test_postgres_table_equals_duckdb_table(
    duckdb_build: DbtProject, postgres_build: DbtProject, spec: TableSpec
) -> None:
    duckdb_rows = duckdb_build.query(f"select * from {spec.schema}.{spec.name}")
    postgres_rows = postgres_build.query(f"select * from {spec.schema}.{spec.name}")
    assert list(postgres_rows.columns) == list(duckdb_rows.columns)
    assert_frames_match(
        postgres_rows,
        duckdb_rows,
        spec.key,
        money=spec.money,
        approx=spec.approx,
        dates=spec.dates,
        ints=spec.ints,
        label=f"postgres {spec.name}",
    )


def test_layers_live_in_separate_schemas(postgres_build: DbtProject) -> None:
    tables = postgres_build.query(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema in ('raw_sample', 'staging', 'intermediate', 'marts_build', 'marts')"
    )
    by_schema = tables.groupby("table_schema").table_name.agg(set).to_dict()
    assert {"customers", "products", "transactions"} <= by_schema["raw_sample"]
    assert "quarantine_transactions" in by_schema["staging"]
    assert {"int_transactions_clean", "int_transactions_enriched"} <= by_schema["intermediate"]
    marts = {spec.name for spec in MARTS} | set(PREDICTED_MARTS)
    assert marts == by_schema["marts"] == by_schema["marts_build"]


def test_only_rebuildable_tables_skip_the_write_ahead_log(postgres_build: DbtProject) -> None:
    """Base and intermediate tables are unlogged (rebuilt from raw by every run, so not worth the WAL); the
    raw tables, the seeds and every mart, working or published, are logged: a crash must not empty them."""
    tables = postgres_build.query(
        "select n.nspname as table_schema, c.relname as table_name, c.relpersistence as persistence "
        "from pg_class c join pg_namespace n on n.oid = c.relnamespace "
        "where c.relkind = 'r' and n.nspname in ('raw_sample', 'staging', 'intermediate', 'marts_build', 'marts')"
    )
    unlogged = set(tables[tables.persistence == "u"].table_name)
    assert {"base_transactions", "base_customers", "base_products", "int_transactions_judged"} <= unlogged
    assert unlogged == set(
        tables[tables.table_schema.eq("intermediate") | tables.table_name.str.startswith("base_")].table_name
    )
    assert set(tables.persistence) == {"u", "p"}


def bi_connection(build: DbtProject):
    connection = psycopg2.connect(
        host=build.env["PGHOST"],
        port=build.env["PGPORT"],
        user="bi_reader",
        password=build.env["BI_READER_PASSWORD"],
        dbname=build.env["PGDATABASE"],
    )
    connection.autocommit = True
    return connection


@pytest.mark.parametrize("spec", MARTS, ids=lambda spec: spec.name)
def test_bi_reader_can_read_every_mart(postgres_build: DbtProject, spec: TableSpec) -> None:
    with bi_connection(postgres_build) as connection, connection.cursor() as cursor:
        cursor.execute(f"select count(*) from marts.{spec.name}")
        assert cursor.fetchone()[0] > 0


@pytest.mark.parametrize(
    "statement",
    [
        "select count(*) from raw_sample.transactions",
        "select count(*) from marts_build.fct_transactions",
        "select count(*) from intermediate.int_transactions_clean",
        "select count(*) from staging.quarantine_transactions",
        "select count(*) from intermediate.int_transactions_enriched",
        "create table marts.bi_scratch (id int)",
        "create table public.bi_scratch (id int)",
        "create temporary table bi_scratch (id int)",
        "insert into marts.dim_products (product_id) values ('P999')",
        "update marts.dim_products set price = 0",
        "delete from marts.fct_transactions",
        "drop table marts.revenue_daily",
        "create schema bi_scratch",
    ],
)
def test_bi_reader_is_refused_everything_else(postgres_build: DbtProject, statement: str) -> None:
    connection = bi_connection(postgres_build)
    try:
        with connection.cursor() as cursor, pytest.raises(psycopg2.errors.InsufficientPrivilege):
            cursor.execute(statement)
    finally:
        connection.close()


def run_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "pg_server.py"), "check"], env=env, capture_output=True, text=True
    )


def test_check_passes_with_good_settings(postgres_build: DbtProject) -> None:
    result = run_check({"PATH": "/usr/bin:/bin", **postgres_build.env})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: connected")


@pytest.mark.parametrize(
    "change, message",
    [
        ({"PGPASSWORD": "not-the-password"}, "authentication failed for user postgres — check PGPASSWORD"),
        ({"PGDATABASE": "no_such_db"}, 'database "no_such_db" does not exist — create it or set PGDATABASE'),
        ({"PGPORT": "1"}, "cannot reach PostgreSQL at 127.0.0.1:1 — is the server running?"),
    ],
)
def test_bad_connection_settings_give_one_readable_line(
    postgres_build: DbtProject, change: dict[str, str], message: str
) -> None:
    result = run_check({"PATH": "/usr/bin:/bin", **postgres_build.env, **change})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), result.stderr
    assert "Traceback" not in result.stderr


def test_make_target_stops_with_the_same_line_when_the_server_is_down(postgres_build: DbtProject) -> None:
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", **postgres_build.env, "PGPORT": "1"}
    result = subprocess.run(
        ["make", "--no-print-directory", "pg-build", f"VENV={Path(sys.executable).parents[1]}"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "cannot reach PostgreSQL at 127.0.0.1:1" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
