"""The project on a Spark standalone cluster (master, two workers, Thrift server, as `make spark-up` starts
it): seeds and build on the dirty data set, every mart and quarantine table read through the Thrift server
equals DuckDB's row by row, the loader's Parquet files build the same marts, and nothing outlives
`make spark-down` or a failed start.

The tests of this module share one cluster and run in file order: the own-files build replaces the tables
of the seed build, after their comparisons ran.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.project_copy import REPO_ROOT
from scripts.raw_files import count_data_records
from scripts.spark_cluster import java_binary, pyspark_home, read_state
from tests.integration.dbt_project import DbtProject
from tests.integration.mart_specs import MARTS, QUARANTINE_REASONS, TableSpec, assert_table_matches, key_columns_sql
from tests.integration.spark_checks import assert_every_node_passed, thrift_query

CLUSTER_SCRIPT = REPO_ROOT / "scripts" / "spark_cluster.py"
# What the Thrift server does when a session close builds a Hive client: initialise Hive's FunctionRegistry.
REGISTRY_PROBE = """
public class Probe {
    public static void main(String[] args) throws Exception {
        Class.forName("org.apache.hadoop.hive.ql.exec.FunctionRegistry");
        System.out.println("FunctionRegistry initialised");
    }
}
"""
# Hive's static initialisers reach into these JDK packages, as Spark's own launcher allows.
JAVA_OPENS = [f"--add-opens=java.base/{package}=ALL-UNNAMED" for package in ("java.lang", "java.net", "java.util")]
FILES_VARS = ["--vars", json.dumps({"raw_source": "files"})]


def processes_mentioning(text: str) -> list[str]:
    """Command lines of the running processes that mention `text` (a cluster's state folder)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # the process ended while we looked
        if text in args and str(os.getpid()) != cmdline.parent.name:
            found.append(args[:200])
    return found


def run_cluster_script(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(CLUSTER_SCRIPT), *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env=env or dict(os.environ),
        timeout=600,
    )


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory):
    """A cluster started by `make spark-up`'s command, in a folder of its own; stopped at the end."""
    state_dir = tmp_path_factory.mktemp("spark_cluster")
    started = run_cluster_script("start", "--state-dir", str(state_dir))
    assert started.returncode == 0, started.stderr
    env = dict(
        line.removeprefix("export ").split("=", 1)
        for line in (state_dir / "env.sh").read_text(encoding="utf-8").splitlines()
    )
    yield state_dir, env
    run_cluster_script("stop", "--state-dir", str(state_dir))


@pytest.fixture(scope="module")
def cluster_build(cluster, dirty_raw_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    """The dirty data set seeded and built (models + tests) on the cluster with the `spark_cluster` target."""
    _, env = cluster
    project = DbtProject.copy_of_repo(tmp_path_factory.mktemp("cluster_build"), raw_dir=dirty_raw_dir)
    project.env.update(env, DBT_TARGET="spark_cluster")
    project.dbt("seed")
    project.dbt("build")
    return project


@pytest.mark.spark_cluster
def test_env_file_is_private_and_names_the_thrift_server(cluster) -> None:
    state_dir, env = cluster
    assert (state_dir / "env.sh").stat().st_mode & 0o777 == 0o600
    assert env["SPARK_HOST"] == "127.0.0.1"
    with socket.create_connection((env["SPARK_HOST"], int(env["SPARK_PORT"])), timeout=5):
        pass


@pytest.mark.spark_cluster
def test_thrift_server_can_initialise_hive_function_registry(cluster, tmp_path: Path) -> None:
    """A session close that built a Hive client failed the dbt command that closed it (NoClassDefFoundError:
    LlapSigner$Signable, a class pip pyspark does not ship). The server runs with the stand-in the script
    compiles, and with it, and only with it, the registry initialises on pyspark's jars: the day pyspark
    ships the class, the second assertion fails and the stand-in can go."""
    state_dir, _ = cluster
    stub = state_dir.resolve() / "llap-stub"
    thrift_cmdline = Path(f"/proc/{read_state(state_dir).pids['thrift']}/cmdline").read_bytes().decode()
    assert str(stub) in thrift_cmdline, "the Thrift server runs without the LlapSigner stand-in"
    probe = tmp_path / "Probe.java"
    probe.write_text(REGISTRY_PROBE, encoding="utf-8")
    jars = str(pyspark_home() / "jars" / "*")

    def initialise(class_path: str) -> subprocess.CompletedProcess:
        command = [java_binary(), *JAVA_OPENS, "-cp", class_path, str(probe)]
        return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)

    with_stub = initialise(f"{stub}:{jars}")
    assert "FunctionRegistry initialised" in with_stub.stdout, with_stub.stderr[-2000:]
    without = initialise(jars)
    assert "LlapSigner$Signable" in without.stderr, without.stdout + without.stderr[-2000:]


@pytest.mark.spark_cluster
def test_cluster_build_ran_every_model_and_test(cluster_build: DbtProject) -> None:
    assert_every_node_passed(cluster_build)


@pytest.mark.spark_cluster
@pytest.mark.parametrize("spec", MARTS, ids=lambda spec: spec.name)
def test_mart_read_through_thrift_matches_duckdb(
    cluster_build: DbtProject, duckdb_build: DbtProject, spec: TableSpec
) -> None:
    sql = f"select * from {spec.schema}.{spec.name}"
    assert_table_matches(
        thrift_query(cluster_build.env, sql), duckdb_build.query(sql), spec, label=f"cluster {spec.name}"
    )


@pytest.mark.spark_cluster
@pytest.mark.parametrize("spec", QUARANTINE_REASONS, ids=lambda spec: spec.name)
def test_cluster_quarantines_what_duckdb_does(
    cluster_build: DbtProject, duckdb_build: DbtProject, spec: TableSpec
) -> None:
    expected = duckdb_build.query(key_columns_sql(spec))
    assert len(expected) > 0, "the dirty data set must hold bad rows for this comparison to mean anything"
    assert_table_matches(
        thrift_query(cluster_build.env, key_columns_sql(spec)), expected, spec, label=f"cluster {spec.name}"
    )


@pytest.fixture(scope="module")
def cluster_files_build(cluster_build: DbtProject, dirty_raw_dir: Path) -> DbtProject:
    """The README's own-files steps on the cluster: the loader's Parquet files, then a `raw_source: files` build.

    Models only (`dbt run`): the data tests ran on this cluster in `cluster_build`, and every table this build
    makes is compared with DuckDB's below, which is stricter; a second pass of 260 test queries through the
    Thrift server would add minutes to the suite and catch nothing new."""
    load = cluster_build.load_raw(dirty_raw_dir)
    assert "transactions: +" in load.stdout
    cluster_build.dbt("run", *FILES_VARS)
    return cluster_build


@pytest.mark.spark_cluster
def test_loader_writes_every_row_as_parquet_files_the_cluster_reads(
    cluster_files_build: DbtProject, dirty_raw_dir: Path
) -> None:
    files_dir = Path(cluster_files_build.env["SPARK_WAREHOUSE_DIR"]) / "raw_files"
    for table in ("customers", "products", "transactions"):
        assert [path.suffix for path in (files_dir / table).iterdir()] == [".parquet"]
        loaded = thrift_query(cluster_files_build.env, f"select count(*) as n from raw.{table}").n[0]
        assert loaded == count_data_records(dirty_raw_dir / f"{table}.csv")


@pytest.mark.spark_cluster
@pytest.mark.parametrize("spec", MARTS + QUARANTINE_REASONS, ids=lambda spec: spec.name)
def test_cluster_files_build_matches_duckdb(
    cluster_files_build: DbtProject, duckdb_build: DbtProject, spec: TableSpec
) -> None:
    sql = f"select * from {spec.schema}.{spec.name}" if spec in MARTS else key_columns_sql(spec)
    assert_table_matches(
        thrift_query(cluster_files_build.env, sql), duckdb_build.query(sql), spec, label=f"cluster files {spec.name}"
    )


@pytest.mark.spark_cluster
def test_spark_down_leaves_nothing_running(cluster) -> None:
    state_dir, _ = cluster
    assert processes_mentioning(str(state_dir)), "the cluster's JVMs run before spark-down"
    stopped = run_cluster_script("stop", "--state-dir", str(state_dir))
    assert stopped.stdout.strip() == "stopped"
    assert processes_mentioning(str(state_dir)) == []


@pytest.mark.spark_cluster
def test_failed_start_leaves_nothing_running(tmp_path: Path) -> None:
    # A worker that refuses its memory setting fails the start after the master is already up.
    result = run_cluster_script("start", "--state-dir", str(tmp_path), "--executor-memory", "lots")
    assert result.returncode == 1
    # Both workers refuse it; whichever is seen dead first is named.
    assert re.match(
        r"spark_cluster: worker[12] exited while waiting for 2 workers to register with the master "
        r"\(see .*/logs/worker[12]\.log\)$",
        result.stderr,
    ), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert processes_mentioning(str(tmp_path)) == []
    assert not (tmp_path / "env.sh").exists()


def test_start_refuses_a_taken_port_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = run_cluster_script("start", "--state-dir", str(tmp_path), "--thrift-port", str(port))
    assert result.returncode == 1
    assert result.stderr == (
        f"spark_cluster: port {port} on 127.0.0.1 is taken (--thrift-port); stop what holds it or choose another port\n"
    )
    assert processes_mentioning(str(tmp_path)) == []


def test_start_without_java_says_so_in_one_line(tmp_path: Path) -> None:
    env = {name: value for name, value in os.environ.items() if name != "JAVA_HOME"}
    env["PATH"] = str(Path(sys.executable).parent)  # Python, but no java
    result = run_cluster_script("start", "--state-dir", str(tmp_path), env=env)
    assert result.returncode == 1
    assert result.stderr == (
        "spark_cluster: java not found: install Java 17 (Debian package openjdk-17-jre-headless) or set JAVA_HOME\n"
    )


def test_start_without_a_jdk_says_so_in_one_line(tmp_path: Path) -> None:
    java_home = tmp_path / "jre"
    (java_home / "bin").mkdir(parents=True)
    (java_home / "bin" / "java").write_text("#!/bin/sh\n", encoding="utf-8")  # a Java runtime, no compiler
    env = dict(os.environ, JAVA_HOME=str(java_home), PATH=str(Path(sys.executable).parent))
    result = run_cluster_script("start", "--state-dir", str(tmp_path / "state"), env=env)
    assert result.returncode == 1
    assert result.stderr == (
        f"spark_cluster: javac not found beside {java_home / 'bin' / 'java'}: install a Java 17 JDK (Debian package "
        "openjdk-17-jdk-headless) or set JAVA_HOME to one; the Thrift server needs a class compiled from "
        "scripts/spark_stubs\n"
    )
    assert not (tmp_path / "state" / "cluster.json").exists()


@pytest.mark.spark_cluster
def test_loader_without_a_thrift_server_says_so_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free once closed: nothing listens there
    env = {**os.environ, "SPARK_HOST": "127.0.0.1", "SPARK_PORT": str(port), "SPARK_WAREHOUSE_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "scripts.load_raw", str(REPO_ROOT / "seeds"), "--target", "spark_cluster"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr == (
        f"error: cannot reach the Spark Thrift server at 127.0.0.1:{port} (TTransportException)"
        " — is it running? (make spark-up starts one)\n"
    )
    assert not (tmp_path / "raw_files").exists(), "nothing written before the server answered"
