"""`dbt source freshness` measures when the loader last added a batch of each raw table (raw._loaded_batches,
UTC), against the vars freshness_warn_hours / freshness_error_hours. Age is simulated by moving loaded_at back."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from scripts.project_copy import REPO_ROOT
from tests.integration.dbt_project import DbtProject

FILES = {"raw_source": "files"}


@pytest.fixture(scope="module")
def loaded_project(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    project = DbtProject.copy_of_repo(tmp_path_factory.mktemp("freshness"))
    project.load_raw(REPO_ROOT / "seeds")
    return project


def age_batches(project: DbtProject, table: str, hours: int) -> None:
    """Pretend every batch of `table` arrived `hours` hours ago."""
    with duckdb.connect(str(project.duckdb_path)) as connection:
        connection.execute(
            "update raw._loaded_batches set loaded_at = strftime(cast(now() at time zone 'UTC' as timestamp) "
            f"- interval {int(hours)} hour, '%Y-%m-%dT%H:%M:%S') where table_name = ?",
            [table],
        )


def freshness(project: DbtProject, dbt_vars: dict, check: bool = True) -> dict[str, str]:
    """Status per raw table from target/sources.json."""
    result = project.dbt("source", "freshness", "--vars", json.dumps(dbt_vars), check=check)
    results = json.loads((Path(project.root) / "target" / "sources.json").read_text())["results"]
    statuses = {row["unique_id"].rsplit(".", 1)[-1]: row["status"] for row in results}
    statuses["_exit"] = str(result.returncode)
    return statuses


def test_a_fresh_load_passes(loaded_project: DbtProject) -> None:
    for table in ("customers", "products", "transactions"):
        age_batches(loaded_project, table, 0)
    statuses = freshness(loaded_project, FILES)
    assert statuses == {"customers": "pass", "products": "pass", "transactions": "pass", "_exit": "0"}


def test_a_batch_older_than_the_warn_hours_warns_and_older_than_the_error_hours_fails(
    loaded_project: DbtProject,
) -> None:
    age_batches(loaded_project, "customers", 0)
    age_batches(loaded_project, "products", 25)  # default thresholds: warn after 24 h, error after 48 h
    age_batches(loaded_project, "transactions", 49)
    statuses = freshness(loaded_project, FILES, check=False)
    assert statuses == {"customers": "pass", "products": "warn", "transactions": "error", "_exit": "1"}


def test_the_thresholds_are_vars(loaded_project: DbtProject) -> None:
    for table in ("customers", "products", "transactions"):
        age_batches(loaded_project, table, 3)
    statuses = freshness(loaded_project, {**FILES, "freshness_warn_hours": 2, "freshness_error_hours": 100})
    assert statuses["transactions"] == "warn"
    statuses = freshness(loaded_project, {**FILES, "freshness_warn_hours": 4, "freshness_error_hours": 5})
    assert statuses["transactions"] == "pass"


def test_the_loader_records_loaded_at_in_utc(tmp_path: Path) -> None:
    # A fresh copy: the fixture's batches have been aged by the other tests.
    fresh = DbtProject.copy_of_repo(tmp_path / "utc")
    fresh.env["TZ"] = "Etc/GMT+5"  # a loader five hours behind UTC must still write UTC
    fresh.load_raw(REPO_ROOT / "seeds")
    with duckdb.connect(str(fresh.duckdb_path), read_only=True) as connection:
        lag_seconds = connection.execute(
            "select abs(date_diff('second', cast(max(loaded_at) as timestamp), "
            "cast(now() at time zone 'UTC' as timestamp))) from raw._loaded_batches"
        ).fetchall()[0][0]
    assert lag_seconds < 3600


@pytest.mark.parametrize(
    "bad_vars, message",
    [
        ({}, "source freshness measures loaded batches: run it with --vars '{raw_source: files}'"),
        (
            {**FILES, "freshness_warn_hours": 48, "freshness_error_hours": 24},
            "var freshness_warn_hours (48) must be smaller than freshness_error_hours (24)",
        ),
        ({**FILES, "freshness_warn_hours": "a day"}, "var freshness_warn_hours must be a whole number >= 1"),
    ],
)
def test_a_bad_setting_is_refused_in_one_line(loaded_project: DbtProject, bad_vars: dict, message: str) -> None:
    result = loaded_project.dbt("source", "freshness", "--vars", json.dumps(bad_vars), check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert message in output, output[-2000:]
    assert "Traceback" not in output
