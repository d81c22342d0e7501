"""The PostgreSQL engine floor (bench/floor_pg.sql) is the project on PostgreSQL: same tables, columns,
PostgreSQL types and rows as `dbt build` on the postgres target, on the committed sample and on the dirty
data set, so the bench compares equal work."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from bench import floor_pg
from scripts.pg_server import ServerInfo, create_database
from tests.integration.dbt_project import DbtProject
from tests.integration.mart_specs import TableSpec, assert_table_matches
from tests.integration.test_bench_floor import TABLES

pytestmark = pytest.mark.postgres
REPO_ROOT = Path(__file__).resolve().parents[2]
COLUMNS_SQL = (
    "select column_name, data_type, numeric_precision, numeric_scale from information_schema.columns "
    "where table_schema = '{schema}' and table_name = '{name}' order by ordinal_position"
)


def floor_project(server: ServerInfo, database: str) -> DbtProject:
    """A database of its own; a DbtProject only to read it (DbtProject.query)."""
    info = create_database(server, database)
    return DbtProject(root=REPO_ROOT, env={**info.env(), "DBT_TARGET": "postgres"})


def run_floor(raw_dir: Path, database: DbtProject, floor_sql: str | None = None) -> list[str]:
    """The PostgreSQL floor on `raw_dir` into `database`; returns its failed data checks."""
    return floor_pg.build_floor(floor_pg.parse_args([str(raw_dir), "--replace"]), floor_sql, database.env)


def read_table(database: DbtProject, spec: TableSpec, marts_schema: str = "marts") -> tuple[pd.DataFrame, list[tuple]]:
    """A table's rows and its (column, type, precision, scale) list."""
    schema = marts_schema if spec.schema == "marts" else spec.schema
    columns = database.query(COLUMNS_SQL.format(schema=schema, name=spec.name))
    return database.query(f"select * from {schema}.{spec.name}"), list(columns.itertuples(index=False))


def assert_same_table(
    floor_db: DbtProject, dbt_db: DbtProject, spec: TableSpec, label: str, dbt_marts: str = "marts"
) -> None:
    actual, actual_columns = read_table(floor_db, spec)
    expected, expected_columns = read_table(dbt_db, spec, dbt_marts)
    assert actual_columns == expected_columns, f"{label} {spec.name}: columns differ"
    assert_table_matches(actual, expected, spec, f"{label} {spec.name}")


@pytest.fixture(scope="module")
def sample_postgres_build(pg_server: ServerInfo, tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    """The committed sample (seeds/*.csv) built on PostgreSQL the bench's way: the COPY loader, then the
    models from the loaded files. One dbt command, `run`: the tests are not needed to compare, and without
    the publish of a `build` the marts stay in marts_build (the published marts are a copy of them)."""
    info = create_database(pg_server, "floor_pg_sample_build")
    project = DbtProject.copy_of_repo(tmp_path_factory.mktemp("floor_pg_sample_build"))
    project.env.update({**info.env(), "DBT_TARGET": "postgres"})
    project.load_raw(REPO_ROOT / "seeds", "--full-refresh")
    project.dbt("run", "--vars", json.dumps({"raw_source": "files"}))
    return project


@pytest.fixture(scope="module")
def sample_floor(pg_server: ServerInfo) -> DbtProject:
    database = floor_project(pg_server, "floor_pg_sample")
    assert run_floor(REPO_ROOT / "seeds", database) == []
    return database


@pytest.fixture(scope="module")
def dirty_floor(pg_server: ServerInfo, dirty_raw_dir: Path) -> DbtProject:
    database = floor_project(pg_server, "floor_pg_dirty")
    assert run_floor(dirty_raw_dir, database) == []
    return database


@pytest.mark.parametrize("spec", TABLES, ids=[spec.name for spec in TABLES])
def test_pg_floor_equals_the_build_on_the_committed_sample(
    sample_floor: DbtProject, sample_postgres_build: DbtProject, spec: TableSpec
) -> None:
    assert_same_table(sample_floor, sample_postgres_build, spec, "sample", dbt_marts="marts_build")


@pytest.mark.parametrize("spec", TABLES, ids=[spec.name for spec in TABLES])
def test_pg_floor_equals_the_build_on_the_dirty_data_set(
    dirty_floor: DbtProject, postgres_build: DbtProject, spec: TableSpec
) -> None:
    assert_same_table(dirty_floor, postgres_build, spec, "dirty")


def test_the_dirty_data_set_reaches_every_reason_the_pg_floor_writes(dirty_floor: DbtProject) -> None:
    """The comparison only means something when every verdict occurs in the data."""
    reasons = set(dirty_floor.query("select quarantine_reason from staging.quarantine_transactions").quarantine_reason)
    assert reasons >= {
        "missing_id",
        "duplicate",
        "conflicting_id",
        "bad_timestamp",
        "unknown_customer",
        "unknown_product",
        "bad_quantity",
        "bad_price",
        "total_mismatch",
    }


def test_a_line_copy_refuses_is_quarantined_with_its_text(pg_server: ServerInfo, tmp_path: Path) -> None:
    """COPY stops at a malformed line; the floor keeps the file's rows and the line, as scripts/load_raw.py."""
    for table in floor_pg.RAW_TABLES:
        (tmp_path / f"{table}.csv").write_bytes((REPO_ROOT / "seeds" / f"{table}.csv").read_bytes())
    sample_rows = len(pd.read_csv(tmp_path / "transactions.csv", dtype=str))
    bad_lines = ["T-BROKEN,C1,P1", 'T-QUOTE,"C1,P1,2024-01-01,1,1.00,1.00']
    with (tmp_path / "transactions_2024-12-31.csv").open("w", encoding="utf-8") as batch:
        batch.write("TransactionID,CustomerID,ProductID,TransactionDate,Quantity,TotalValue,Price\n")
        batch.write("".join(f"{line}\n" for line in bad_lines))
        batch.write("T-LAST,C1,P1,2024-01-02 10:00:00,1,1.00,1.00\n")
    database = floor_project(pg_server, "floor_pg_malformed")
    assert run_floor(tmp_path, database) == []
    malformed = database.query(
        "select malformed_line from staging.quarantine_transactions where quarantine_reason = 'malformed_row'"
    )
    assert sorted(malformed.malformed_line) == sorted(bad_lines)
    judged = database.query(
        "select (select count(*) from intermediate.int_transactions_clean)"
        " + (select count(*) from staging.quarantine_transactions) as judged"
    )
    assert judged.judged[0] == sample_rows + len(bad_lines) + 1


def test_a_failed_data_check_is_reported(pg_server: ServerInfo) -> None:
    """bench/floor_checks.sql runs on PostgreSQL too: a mart that loses a day's revenue fails a check."""
    floor_sql = floor_pg.FLOOR_PG_SQL.read_text(encoding="utf-8") + "\ndelete from marts.revenue_daily;\n"
    database = floor_project(pg_server, "floor_pg_failed_check")
    assert "revenue totals agree across marts" in run_floor(REPO_ROOT / "seeds", database, floor_sql)


# One wrong rule each: the comparison with the build must notice.
WRONG_RULES = {
    "the first six days averaged over the days that exist": (
        "6 preceding and current row),\n        7\n",
        "6 preceding and current row),\n        least(row_number() over (order by revenue_date), 7)\n",
    ),
    "conflict before duplicate is lost": (
        "when is_later_copy and not is_conflicting then 'duplicate'\n        when is_conflicting then 'conflicting_id'",
        "when is_later_copy then 'duplicate'\n        when is_conflicting then 'conflicting_id'",
    ),
    "ids not upper-cased": ("return upper(clean_text(raw_text));", "return clean_text(raw_text);"),
}


@pytest.mark.parametrize("wrong_rule", list(WRONG_RULES))
def test_a_wrong_pg_floor_rule_makes_the_comparison_fail(
    wrong_rule: str, pg_server: ServerInfo, dirty_raw_dir: Path, postgres_build: DbtProject
) -> None:
    right, wrong = WRONG_RULES[wrong_rule]
    floor_sql = floor_pg.FLOOR_PG_SQL.read_text(encoding="utf-8")
    assert right in floor_sql, "the rule this test breaks is no longer spelled this way in bench/floor_pg.sql"
    database = floor_project(pg_server, "floor_pg_wrong")
    run_floor(dirty_raw_dir, database, floor_sql.replace(right, wrong))
    with pytest.raises(AssertionError):
        for spec in TABLES:
            assert_same_table(database, postgres_build, spec, wrong_rule)


def test_pg_floor_refuses_a_database_that_holds_its_schemas(sample_floor: DbtProject) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench.floor_pg", str(REPO_ROOT / "seeds")],
        cwd=REPO_ROOT,
        env={"PATH": "/usr/bin:/bin", **sample_floor.env},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: the database already holds the schemas intermediate, marts")
    assert len(result.stderr.strip().splitlines()) == 1


def test_pg_floor_cli_help_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        floor_pg.main(["--help"])
    assert exit_info.value.code == 0
    assert "--replace" in capsys.readouterr().out
