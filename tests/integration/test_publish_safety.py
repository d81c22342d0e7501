"""The publish step never destroys a file and says in one line why it did not publish.

Each setting a user can get wrong is refused before any model runs (the serving path on the working database,
its WAL, a symlink to it, a folder, a file that is not a DuckDB database); a failed or killed publish leaves
no copy behind; a second writer on the working database gets one line naming the file and the process; a
partial build says it did not publish and `dbt run-operation publish` publishes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from dbt_plugins import ecommerce_serving
from tests.integration.dbt_project import DbtProject

REFUSED = "Nothing built, nothing published: ECOMMERCE_SERVING_PATH"
NOT_PUBLISHED = "Marts not published: "
PUBLISH_HINT = "`dbt run-operation publish` publishes the marts as they are in the working database"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    """The committed sample, built and published once, in a folder whose name has a glob bracket and a space."""
    project = DbtProject.copy_of_repo(tmp_path_factory.mktemp("publish") / "exports [2024]")
    project.dbt("seed")
    project.dbt("build")
    return project


def schemas(project: DbtProject) -> set[str]:
    with duckdb.connect(str(project.duckdb_path), read_only=True) as connection:
        return {
            row[0]
            for row in connection.execute("select distinct table_schema from information_schema.tables").fetchall()
        }


def mart_totals(path: Path) -> tuple:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute(
            "select (select count(*) from information_schema.tables where table_schema = 'marts'),"
            " (select sum(revenue) from marts.revenue_daily), (select count(*) from marts.customer_rfm)"
        ).fetchone()


def one_line_refusal(result: subprocess.CompletedProcess, expected: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-2000:]
    assert expected in output, output[-2000:]
    assert "Traceback" not in output
    assert "START sql" not in output  # refused before any model ran


def leftovers(folder: Path) -> list[str]:
    return sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".tmp"))


@pytest.mark.parametrize(
    "serving_of",
    [
        pytest.param(lambda project: str(project.duckdb_path), id="same path"),
        pytest.param(lambda project: "ecommerce.duckdb", id="same file, relative path"),
        pytest.param(lambda project: str(project.duckdb_path) + ".wal", id="its WAL"),
    ],
)
def test_serving_path_on_the_working_database_is_refused_and_destroys_nothing(built: DbtProject, serving_of) -> None:
    before = schemas(built)
    assert {"raw_sample", "staging", "marts"} <= before
    result = built.dbt(
        "build", "-s", "dim_products", check=False, extra_env={"ECOMMERCE_SERVING_PATH": serving_of(built)}
    )
    one_line_refusal(result, REFUSED)
    assert "a file dbt builds in: publishing would replace it" in result.stdout
    assert schemas(built) == before
    assert leftovers(built.root) == []


def test_symlink_to_the_working_database_is_refused(built: DbtProject, tmp_path: Path) -> None:
    link = tmp_path / "marts.duckdb"
    link.symlink_to(built.duckdb_path)
    result = built.dbt("build", "-s", "dim_products", check=False, extra_env={"ECOMMERCE_SERVING_PATH": str(link)})
    one_line_refusal(result, f"{REFUSED} {link} is {built.duckdb_path}, a file dbt builds in")
    assert link.is_symlink() and {"raw_sample", "marts"} <= schemas(built)


def test_serving_path_that_is_a_folder_is_refused_and_leaves_nothing(built: DbtProject, tmp_path: Path) -> None:
    folder = tmp_path / "serving folder"
    folder.mkdir()
    result = built.dbt("build", "-s", "dim_products", check=False, extra_env={"ECOMMERCE_SERVING_PATH": str(folder)})
    one_line_refusal(result, f"{REFUSED} {folder} is a folder, not a file")
    assert list(folder.iterdir()) == [] and leftovers(tmp_path) == []


def test_serving_path_on_a_file_that_is_not_a_database_is_refused(built: DbtProject, tmp_path: Path) -> None:
    precious = tmp_path / "customers.csv"
    precious.write_text("CustomerID,CustomerName,Region,SignupDate\n", encoding="utf-8")
    result = built.dbt("build", "-s", "dim_products", check=False, extra_env={"ECOMMERCE_SERVING_PATH": str(precious)})
    one_line_refusal(result, f"{REFUSED} {precious} exists and is not a DuckDB database")
    assert precious.read_text(encoding="utf-8") == "CustomerID,CustomerName,Region,SignupDate\n"


def test_serving_file_named_marts_is_refused(built: DbtProject, tmp_path: Path) -> None:
    result = built.dbt(
        "build", "-s", "dim_products", check=False, extra_env={"ECOMMERCE_SERVING_PATH": str(tmp_path / "marts.duckdb")}
    )
    one_line_refusal(result, "makes `marts.<table>` ambiguous for every reader")
    assert list(tmp_path.iterdir()) == []


def test_serving_path_under_a_file_is_refused(built: DbtProject, tmp_path: Path) -> None:
    blocker = tmp_path / "not a folder"
    blocker.write_text("x", encoding="utf-8")
    result = built.dbt(
        "build", "-s", "dim_products", check=False, extra_env={"ECOMMERCE_SERVING_PATH": str(blocker / "shop.duckdb")}
    )
    one_line_refusal(result, f"{REFUSED} {blocker / 'shop.duckdb'}: {blocker} is a file")


def test_glob_characters_in_the_serving_path_are_taken_literally(built: DbtProject, tmp_path: Path) -> None:
    decoy = tmp_path / "serving [a]" / "shop marts?.duckdb"  # `[a]` as a pattern would match folder `a`
    (tmp_path / "a").mkdir()
    built.dbt("build", extra_env={"ECOMMERCE_SERVING_PATH": str(decoy)})
    assert mart_totals(decoy) == mart_totals(built.serving_path)
    assert list((tmp_path / "a").iterdir()) == [] and leftovers(decoy.parent) == []


def test_a_killed_publish_leaves_a_copy_that_the_next_build_removes(built: DbtProject) -> None:
    folder = built.serving_path.parent
    # An unfinished copy is named <serving file>.<first 8 hex of md5(working database path)>.<invocation>.tmp
    tag = hashlib.md5(str(built.duckdb_path).encode()).hexdigest()[:8]
    stale = folder / f"ecommerce_marts.duckdb.{tag}.killed-invocation.tmp"
    other_database = folder / "ecommerce_marts.duckdb.0123abcd.another-build.tmp"
    stale.write_bytes(b"half a copy")
    other_database.write_bytes(b"a build of another working database, still running")
    built.dbt("build", "-s", "dim_products")
    assert not stale.exists()
    assert other_database.exists()  # only copies of this working database are ever removed
    other_database.unlink()


def test_a_failed_rename_removes_its_copy(tmp_path: Path) -> None:
    copy = tmp_path / "marts.duckdb.abc.tmp"
    copy.write_bytes(b"marts")
    destination = tmp_path / "a folder"
    (destination / "inside").mkdir(parents=True)
    with pytest.raises(OSError):
        ecommerce_serving.replace_file(str(copy), str(destination))
    assert not copy.exists() and (destination / "inside").is_dir()


def test_second_writer_gets_one_line_naming_the_file_and_process(built: DbtProject) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent("""
            import sys, duckdb
            connection = duckdb.connect(sys.argv[1])
            print("holding", flush=True)
            sys.stdin.read()
        """),
            str(built.duckdb_path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"  # waits until the lock is held
        result = built.dbt("build", "-s", "dim_products", check=False)
    finally:
        holder.communicate("")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"The DuckDB database {built.duckdb_path} is in use by another process" in output, output[-3000:]
    assert f"(PID {holder.pid})" in output
    assert "Traceback" not in output
    assert len(output.splitlines()) < 20, output


def test_partial_build_says_it_did_not_publish_and_run_operation_publishes(built: DbtProject) -> None:
    before = mart_totals(built.serving_path)
    built.query("select 1")  # the working database is readable
    os.utime(built.serving_path, (0, 0))
    result = built.dbt("build", "-s", "customer_rfm")
    assert (
        f"{NOT_PUBLISHED}this build did not build clv_calibration, clv_model_parameters, cohort_revenue"
        in result.stdout
    )
    assert PUBLISH_HINT in result.stdout
    assert built.serving_path.stat().st_mtime == 0  # untouched
    result = built.dbt("run-operation", "publish")
    assert " marts to serving/ecommerce_marts.duckdb" in result.stdout and "Published " in result.stdout
    assert built.serving_path.stat().st_mtime > 0
    assert mart_totals(built.serving_path) == before
    with duckdb.connect(str(built.serving_path), read_only=True) as serving:
        served = set(serving.execute("select table_name from information_schema.tables").fetchall())
    assert served == set(
        built.query("select table_name from information_schema.tables where table_schema = 'marts'").itertuples(
            index=False
        )
    )
    assert leftovers(built.serving_path.parent) == []


def test_dbt_run_says_it_does_not_publish(built: DbtProject) -> None:
    result = built.dbt("run", "-s", "dim_products")
    assert f"{NOT_PUBLISHED}`dbt run` does not run the tests" in result.stdout


def test_run_operation_publish_refuses_when_a_mart_was_never_built(tmp_path: Path) -> None:
    project = DbtProject.copy_of_repo(tmp_path / "fresh")
    project.dbt("seed")
    result = project.dbt("run-operation", "publish", check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert (
        "Nothing published: the working database has no clv_calibration, clv_model_parameters, cohort_revenue" in output
    ), output[-2000:]
    assert "Traceback" not in output
    assert not project.serving_path.exists()
