"""BI tools read published marts: a build never waits for a reader, a reader never sees a half-built state,
a failed or killed build publishes nothing, and any DuckDB 1.x client can open the DuckDB serving file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from scripts.generate_data import generate
from scripts.project_copy import REPO_ROOT
from tests.integration import reference
from tests.integration.conftest import postgres_project
from tests.integration.dbt_project import DbtProject
from tests.integration.mart_specs import MARTS, PREDICTED_MARTS

DUCKDB_1X = "1.0.0"  # the oldest 1.x release: what older BI drivers (DBeaver, Metabase, Evidence) embed
TOTALS = """
    select cast((select sum(revenue) from marts.fct_transactions) as varchar) as fact,
           cast((select sum(revenue) from marts.revenue_daily) as varchar) as daily,
           cast((select sum(total_revenue) from marts.customer_lifetime_value) as varchar) as clv,
           cast((select sum(total_revenue) from marts.dim_customers) as varchar) as customers"""


def data_set(directory: Path, seed: int) -> Path:
    generate(directory, seed=seed, customers=60, products=20, transactions=700, dirty_rate=0.02)
    return directory


def reference_revenue(raw_dir: Path) -> Decimal:
    return sum(reference.clean_raw(raw_dir).transactions.revenue, Decimal(0))


def totals(connection: duckdb.DuckDBPyConnection) -> set[Decimal]:
    row = connection.execute(TOTALS).fetchone()
    return {Decimal(value) for value in row}


def build_in_background(project: DbtProject) -> subprocess.Popen:
    env = {**os.environ, **project.env, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "dbt"),
            "build",
            "--project-dir",
            str(project.root),
            "--profiles-dir",
            str(project.root),
        ],
        cwd=project.root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def kill_after_first_mart(process: subprocess.Popen) -> str:
    """Kill the build (like a closed laptop or an OOM kill) as soon as it has replaced one mart."""
    seen = []
    for line in process.stdout:
        seen.append(line)
        if "OK created" in line and "model marts" in line:
            os.killpg(process.pid, signal.SIGKILL)
            break
    process.wait()
    return "".join(seen)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    """A DuckDB project built and published from data set A."""
    first = data_set(tmp_path_factory.mktemp("data_a"), seed=101)
    project = DbtProject.copy_of_repo(tmp_path_factory.mktemp("served"), raw_dir=first)
    project.dbt("seed")
    project.dbt("build")
    return project, first


def test_serving_file_holds_the_marts_only(served) -> None:
    project, _ = served
    with duckdb.connect(str(project.root / "serving" / "ecommerce_marts.duckdb"), read_only=True) as connection:
        tables = connection.sql("select table_schema, table_name from information_schema.tables").fetchall()
    assert sorted(tables) == sorted(("marts", name) for name in [*(spec.name for spec in MARTS), *PREDICTED_MARTS])


def test_reader_holding_the_file_never_blocks_a_build(served, tmp_path: Path) -> None:
    project, first = served
    serving = project.root / "serving" / "ecommerce_marts.duckdb"
    second = data_set(tmp_path / "data_b", seed=202)
    with duckdb.connect(str(serving), read_only=True) as reader:
        assert totals(reader) == {reference_revenue(first)}
        project.replace_seeds(second)
        project.dbt("seed", "--full-refresh")
        project.dbt("build")  # would fail at once if it needed the file the reader holds
        assert totals(reader) == {reference_revenue(first)}  # the reader keeps its snapshot
    with duckdb.connect(str(serving), read_only=True) as new_reader:
        assert totals(new_reader) == {reference_revenue(second)}


def test_killed_build_publishes_nothing(served, tmp_path: Path) -> None:
    project, _ = served
    serving = project.root / "serving" / "ecommerce_marts.duckdb"
    published = serving.read_bytes()
    with duckdb.connect(str(serving), read_only=True) as reader:
        published_totals = totals(reader)
    third = data_set(tmp_path / "data_c", seed=303)
    project.replace_seeds(third)
    project.dbt("seed", "--full-refresh")
    output = kill_after_first_mart(build_in_background(project))
    assert "OK created" in output
    assert serving.read_bytes() == published
    with duckdb.connect(str(serving), read_only=True) as reader:
        assert totals(reader) == published_totals
        assert len(published_totals) == 1  # every mart from one data set
    project.dbt("build")  # the next build recovers and publishes the new data set
    with duckdb.connect(str(serving), read_only=True) as reader:
        assert totals(reader) == {reference_revenue(third)}


def duckdb_1x_python() -> Path:
    venv = REPO_ROOT / "build" / f"duckdb-{DUCKDB_1X}-venv"
    python = venv / "bin" / "python"
    if not (venv / ".installed").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", f"duckdb=={DUCKDB_1X}"],
            check=True,
        )
        (venv / ".installed").touch()
    return python


READ_EVERY_MART = """
import json, sys, duckdb
connection = duckdb.connect(sys.argv[1], read_only=True)
out = {"version": duckdb.__version__, "marts": {}}
marts = "select table_name from information_schema.tables where table_schema = 'marts'"
for (name,) in connection.sql(marts).fetchall():
    out["marts"][name] = [str(value) for value in connection.sql(f"select * from marts.{name} order by all").fetchall()]
print(json.dumps(out))
"""


def test_a_duckdb_1x_client_reads_every_mart(served) -> None:
    project, _ = served
    serving = project.root / "serving" / "ecommerce_marts.duckdb"
    result = subprocess.run(
        [str(duckdb_1x_python()), "-c", READ_EVERY_MART, str(serving)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    old_client = json.loads(result.stdout)
    assert old_client["version"] == DUCKDB_1X
    with duckdb.connect(str(serving), read_only=True) as connection:
        for spec in MARTS:
            rows = [str(value) for value in connection.sql(f"select * from marts.{spec.name} order by all").fetchall()]
            assert old_client["marts"][spec.name] == rows, spec.name


@pytest.mark.postgres
def test_killed_postgres_build_leaves_the_previous_marts(pg_server, tmp_path: Path) -> None:
    first = data_set(tmp_path / "pg_a", seed=404)
    project = postgres_project(tmp_path / "pg_project", first, pg_server, "killed_build")
    project.dbt("seed")
    project.dbt("build")
    sql = TOTALS.replace("as varchar", "as text")
    assert {Decimal(value) for value in project.query(sql).iloc[0]} == {reference_revenue(first)}

    second = data_set(tmp_path / "pg_b", seed=505)
    project.replace_seeds(second)
    project.dbt("seed", "--full-refresh")
    output = kill_after_first_mart(build_in_background(project))
    assert "OK created" in output
    assert {Decimal(value) for value in project.query(sql).iloc[0]} == {reference_revenue(first)}
    project.dbt("build")
    assert {Decimal(value) for value in project.query(sql).iloc[0]} == {reference_revenue(second)}
