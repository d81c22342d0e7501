"""The benchmark's engine floor (bench/floor.sql) is the project: same tables, columns, types and rows as
`dbt build`, on the committed sample and on the dirty data set, so the bench compares equal work."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from bench import floor
from tests.integration.dbt_project import DbtProject
from tests.integration.mart_specs import MARTS, QUARANTINE, TableSpec, assert_table_matches

REPO_ROOT = Path(__file__).resolve().parents[2]
# Staging tables are compared on every column, so rows that share an id still sort the same way on both sides.
STAGING = [
    TableSpec("staging", "stg_customers", ["customer_id"], dates=["signup_date"]),
    TableSpec("staging", "stg_products", ["product_id"], money=["price"]),
    TableSpec(
        "intermediate",
        "int_transactions_clean",
        ["transaction_id"],
        money=["unit_price", "total_value"],
        dates=["transaction_date"],
        ints=["quantity"],
    ),
    *[TableSpec(spec.schema, spec.name, ["*"]) for spec in QUARANTINE],
    TableSpec("semantic", "metricflow_time_spine", ["date_day"], dates=["date_day"]),
]
TABLES = [*MARTS, *STAGING]


def run_floor(raw_dir: Path, out: Path, floor_sql: str | None = None) -> list[str]:
    """The floor on `raw_dir`, one thread and a small memory cap; returns its failed data checks."""
    return floor.build_floor(
        floor.parse_args([str(raw_dir), "--out", str(out), "--threads", "1", "--memory-limit", "1GB"]), floor_sql
    )


def read_table(path: Path, spec: TableSpec) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """A table's rows and its (column, type) list."""
    with duckdb.connect(str(path), read_only=True) as connection:
        rows = connection.sql(f"select * from {spec.schema}.{spec.name}").df()
        columns = connection.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [spec.schema, spec.name],
        ).fetchall()
    return rows, columns


def assert_same_table(floor_db: Path, dbt_db: Path, spec: TableSpec, label: str) -> None:
    actual, actual_columns = read_table(floor_db, spec)
    expected, expected_columns = read_table(dbt_db, spec)
    assert actual_columns == expected_columns, f"{label} {spec.name}: columns differ"
    assert_table_matches(actual, expected, spec, f"{label} {spec.name}")


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    """The committed sample (seeds/*.csv), seeded and fully built on DuckDB."""
    project = DbtProject.copy_of_repo(tmp_path_factory.mktemp("floor_sample_build"))
    project.dbt("seed")
    project.dbt("build")
    return project


@pytest.fixture(scope="module")
def sample_floor(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("floor_sample") / "floor.duckdb"
    assert run_floor(REPO_ROOT / "seeds", out) == []
    return out


@pytest.fixture(scope="module")
def dirty_floor(dirty_raw_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("floor_dirty") / "floor.duckdb"
    assert run_floor(dirty_raw_dir, out) == []
    return out


@pytest.mark.parametrize("spec", TABLES, ids=[spec.name for spec in TABLES])
def test_floor_equals_the_build_on_the_committed_sample(
    sample_floor: Path, sample_build: DbtProject, spec: TableSpec
) -> None:
    assert_same_table(sample_floor, sample_build.duckdb_path, spec, "sample")


@pytest.mark.parametrize("spec", TABLES, ids=[spec.name for spec in TABLES])
def test_floor_equals_the_build_on_the_dirty_data_set(
    dirty_floor: Path, duckdb_build: DbtProject, spec: TableSpec
) -> None:
    assert_same_table(dirty_floor, duckdb_build.duckdb_path, spec, "dirty")


def test_the_dirty_data_set_reaches_every_reason_the_floor_writes(dirty_floor: Path) -> None:
    """The comparison only means something when every verdict occurs in the data."""
    with duckdb.connect(str(dirty_floor), read_only=True) as connection:
        reasons = {
            row[0] for row in connection.sql("select quarantine_reason from staging.quarantine_transactions").fetchall()
        }
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


# One wrong rule each: the comparison with the build must notice.
WRONG_RULES = {
    "try_cast instead of the integer pattern": (
        "case when coalesce(regexp_full_match(value_text, '^[+-]?[0-9]{1,9}$'), false) then cast(value_text as integer) end",  # noqa: E501
        "try_cast(value_text as integer)",
    ),
    "conflict before duplicate is lost": (
        "when is_later_copy and not is_conflicting then 'duplicate'\n        when is_conflicting then 'conflicting_id'",
        "when is_later_copy then 'duplicate'\n        when is_conflicting then 'conflicting_id'",
    ),
    "ids not upper-cased": (
        "create temp macro clean_id(raw_text) as upper(clean_text(raw_text));",
        "create temp macro clean_id(raw_text) as clean_text(raw_text);",
    ),
    "the first six days averaged over the days that exist": (
        "6 preceding and current row),\n        7\n",
        "6 preceding and current row),\n        least(row_number() over (order by revenue_date), 7)\n",
    ),
}


@pytest.mark.parametrize("wrong_rule", list(WRONG_RULES))
def test_a_wrong_floor_rule_makes_the_comparison_fail(
    wrong_rule: str, dirty_raw_dir: Path, duckdb_build: DbtProject, tmp_path: Path
) -> None:
    right, wrong = WRONG_RULES[wrong_rule]
    floor_sql = floor.FLOOR_SQL.read_text(encoding="utf-8")
    assert right in floor_sql, "the rule this test breaks is no longer spelled this way in bench/floor.sql"
    out = tmp_path / "wrong.duckdb"
    run_floor(dirty_raw_dir, out, floor_sql.replace(right, wrong))
    with pytest.raises(AssertionError):
        for spec in TABLES:
            assert_same_table(out, duckdb_build.duckdb_path, spec, wrong_rule)


def test_floor_cli_help_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        floor.main(["--help"])
    assert exit_info.value.code == 0
    assert "--memory-limit" in capsys.readouterr().out
