"""Step f of the benchmark: the same build on Spark, on a standalone cluster and on a local session.

At one size: start the cluster (scripts/spark_cluster.py, as `make spark-up`), load the raw files as Parquet
with `load_raw --target spark_cluster`, then time `dbt build` (files, no seeds) on the cluster through the
Thrift server and on a local session (`spark` target, `local[2]`) whose metastore declares the same Parquet
files as schema `raw`. The cluster's JVMs are not children of dbt: its peak memory is dbt's alone (the
cluster is capped at about 9.5 GB); the local session's JVM is dbt's child and counted.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.run_bench import FILES_VARS, REPO_ROOT, Measurement, dbt, load_raw, measure, project_copy, slowest_nodes

DECLARE_SESSION_TABLES = """
import sys
from pathlib import Path
from pyspark.sql import SparkSession
from scripts.load_raw_spark import raw_table_statements

spark_dir, files_dir = sys.argv[1], Path(sys.argv[2])
session = (SparkSession.builder.master("local[1]").config("spark.driver.host", "127.0.0.1")
           .config("spark.driver.bindAddress", "127.0.0.1").config("spark.ui.enabled", "false")
           .config("spark.sql.warehouse.dir", f"{spark_dir}/warehouse")
           .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={spark_dir}")
           .config("spark.hadoop.javax.jdo.option.ConnectionURL", "jdbc:derby:;databaseName=metastore_db;create=true")
           .enableHiveSupport().getOrCreate())
for statement in raw_table_statements(files_dir):
    session.sql(statement)
session.stop()
"""


def spark_runs(work_dir: Path, size: int, raw_dir: Path, base_env: dict[str, str]) -> list[Measurement]:
    from scripts.spark_cluster import start, stop

    state_dir = work_dir / f"spark-cluster-{size}"
    stop(state_dir)
    cluster = start(state_dir)
    results = []
    try:
        env = {**base_env, **cluster.env(), "DBT_TARGET": "spark_cluster"}
        results.append(
            measure(
                "f0) load raw files, Spark cluster",
                size,
                load_raw(raw_dir, "--target", "spark_cluster", "--full-refresh"),
                env,
                REPO_ROOT,
                work_dir / f"f0-{size}.log",
            )
        )
        project = project_copy(work_dir / f"spark-cluster-project-{size}")
        results.append(
            measure(
                "f) dbt build, Spark cluster, files",
                size,
                [*dbt(project, "build", "--exclude", "resource_type:seed", "resource_type:unit_test"), *FILES_VARS],
                env,
                project,
                work_dir / f"f-cluster-{size}.log",
            )
        )
        results[-1].note = (
            "master + 2 workers (1 core, 3 GB each) + Thrift server; peak memory is dbt's only; "
            "slowest: " + slowest_nodes(project)
        )
        files_dir = cluster.warehouse_dir / "raw_files"
    finally:
        stop(state_dir)
    session = project_copy(work_dir / f"spark-session-project-{size}")
    spark_dir = session / "build" / "spark"
    session_env = {**base_env, "DBT_TARGET": "spark", "SPARK_DIR": str(spark_dir), "SPARK_LOCAL_IP": "127.0.0.1"}
    subprocess.run(
        [sys.executable, "-c", DECLARE_SESSION_TABLES, str(spark_dir), str(files_dir)],
        cwd=REPO_ROOT,
        env=session_env,
        check=True,
        capture_output=True,
    )
    results.append(
        measure(
            "f) dbt build, Spark local session",
            size,
            [*dbt(session, "build", "--exclude", "resource_type:seed", "resource_type:unit_test"), *FILES_VARS],
            session_env,
            session,
            work_dir / f"f-session-{size}.log",
        )
    )
    results[-1].note = "local[2] inside dbt (2 GB driver), same Parquet files; slowest: " + slowest_nodes(session)
    return results
