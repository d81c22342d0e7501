"""`ecommerce-daily DIR`: load, then build and publish only when something a build reads has changed.

One project copy goes through a user's days in order: a first run builds; a run with nothing new starts no
dbt and leaves the marts as they are; a new batch, another var, a changed model, another build that
published in between, and a failed build each make the next run build.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.dbt_project import DbtProject

REPO_ROOT = Path(__file__).resolve().parents[2]
DAILY = Path(sys.executable).parent / "ecommerce-daily"
SKIPPED = "Nothing changed since the last daily run"
BUILT = "Running with dbt="


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> tuple[DbtProject, Path]:
    """A project copy in a folder with a space, and the shop's export folder (the committed sample)."""
    project = DbtProject.copy_of_repo(tmp_path_factory.mktemp("daily") / "shop exports")
    raw = project.root.parent / "raw [daily]"
    raw.mkdir()
    for table in ("customers", "products", "transactions"):
        shutil.copy(REPO_ROOT / "seeds" / f"{table}.csv", raw / f"{table}.csv")
    return project, raw


def daily(project: DbtProject, raw: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(DAILY), str(raw), *args],
        cwd=project.root,
        env={**os.environ, **project.env, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
        capture_output=True,
        text=True,
        timeout=600,
    )


def clean_transactions(project: DbtProject) -> int:
    return int(project.query("select count(*) as n from marts.fct_transactions").n[0])


def add_batch(raw: Path, name: str, transaction_id: str) -> None:
    """A new batch: one sale of the sample's first customer and product, with a new id."""
    with (REPO_ROOT / "seeds" / "transactions.csv").open(encoding="utf-8", newline="") as handle:
        header, first = list(csv.reader(handle))[:2]
    row = dict(zip(header, first))
    row.update(TransactionID=transaction_id, TransactionDate="2024-12-30 10:00:00", Quantity="1")
    row["TotalValue"] = row["Price"]
    with (raw / name).open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, [row[column] for column in header]])


def test_the_daily_job_builds_only_when_something_changed(day: tuple[DbtProject, Path]) -> None:
    project, raw = day

    first = daily(project, raw)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr
    assert BUILT in first.stdout and "loaded " in first.stdout
    assert project.serving_path.exists()
    clean = clean_transactions(project)
    published = project.serving_path.stat().st_mtime_ns

    # Nothing new: one line, no dbt, the published file untouched.
    again = daily(project, raw)
    assert again.returncode == 0, again.stdout + again.stderr
    assert SKIPPED in again.stdout and BUILT not in again.stdout
    assert project.serving_path.stat().st_mtime_ns == published

    # A new batch builds, and its sale reaches the marts.
    add_batch(raw, "transactions_2024-12-31.csv", "T900001")
    new_batch = daily(project, raw)
    assert BUILT in new_batch.stdout, new_batch.stdout[-3000:] + new_batch.stderr
    assert clean_transactions(project) == clean + 1
    assert SKIPPED in daily(project, raw).stdout

    # Other vars build; the same vars again do not.
    tolerant = ("--vars", "{total_tolerance: 0.05}")
    assert BUILT in daily(project, raw, *tolerant).stdout
    assert SKIPPED in daily(project, raw, *tolerant).stdout
    assert BUILT in daily(project, raw).stdout

    # --force builds even when nothing changed.
    assert BUILT in daily(project, raw, "--force").stdout


def test_a_changed_file_or_another_publish_makes_the_next_run_build(day: tuple[DbtProject, Path]) -> None:
    project, raw = day
    daily(project, raw)
    assert SKIPPED in daily(project, raw).stdout

    model = project.root / "models" / "marts" / "revenue_daily.sql"
    original = model.read_text(encoding="utf-8")
    model.write_text(original + "\n-- an edit\n", encoding="utf-8")
    try:
        assert BUILT in daily(project, raw).stdout
        assert SKIPPED in daily(project, raw).stdout
    finally:
        model.write_text(original, encoding="utf-8")
    assert BUILT in daily(project, raw).stdout

    # Someone publishes other marts by hand (here: the seeds); the serving file is no longer the daily's.
    project.dbt("seed")
    project.dbt("build")
    assert BUILT in daily(project, raw).stdout
    assert SKIPPED in daily(project, raw).stdout


def test_a_failed_build_leaves_no_record_to_skip_on(day: tuple[DbtProject, Path]) -> None:
    project, raw = day
    daily(project, raw)
    record = project.root / "target" / "daily_run.json"
    assert json.loads(record.read_text(encoding="utf-8"))["inputs"]["vars"] == {"raw_source": "files"}

    failed = daily(project, raw, "--vars", "{total_tolerance: -1}")
    assert failed.returncode != 0
    assert not record.exists()
    assert BUILT in daily(project, raw).stdout


def test_bad_vars_and_a_spark_target_are_refused_in_one_line(day: tuple[DbtProject, Path]) -> None:
    project, raw = day
    for args, expected in [
        (("--vars", "[1, 2]"), "--vars must be a YAML mapping"),
        (("--vars", "{raw_source: seeds}"), "a daily run reads the loaded files"),
    ]:
        result = daily(project, raw, *args)
        assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
        assert expected in result.stderr
    project.env["DBT_TARGET"] = "spark"
    try:
        result = daily(project, raw)
    finally:
        del project.env["DBT_TARGET"]
    assert result.returncode == 2 and "runs on DuckDB and PostgreSQL" in result.stderr
