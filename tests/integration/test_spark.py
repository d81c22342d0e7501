"""The same models build on Apache Spark (local session) and every mart equals DuckDB's, row by row."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.integration.compare import assert_frames_match
from tests.integration.dbt_project import DbtProject
from tests.integration.mart_specs import MARTS, TableSpec

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark_build(dirty_raw_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    """The dirty data set seeded and built (models + tests) on a local Spark session."""
    project = DbtProject.copy_of_repo(tmp_path_factory.mktemp("spark_build"), raw_dir=dirty_raw_dir)
    project.env.update(DBT_TARGET="spark", SPARK_DIR=str(project.root / "build" / "spark"), SPARK_LOCAL_IP="127.0.0.1")
    project.dbt("seed")
    project.dbt("build")
    return project


@pytest.fixture(scope="module")
def spark(spark_build: DbtProject):
    """A Spark session on the build's warehouse and metastore (dbt's own session ended with its process)."""
    from pyspark.sql import SparkSession

    spark_dir = spark_build.env["SPARK_DIR"]
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (SparkSession.builder.master("local[1]").appName("ecommerce-spark-test")
               .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.warehouse.dir", f"{spark_dir}/warehouse")
               .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={spark_dir}")
               .config("spark.hadoop.javax.jdo.option.ConnectionURL", "jdbc:derby:;databaseName=metastore_db")
               .enableHiveSupport().getOrCreate())
    yield session
    session.stop()


def test_spark_build_ran_every_model_and_test(spark_build: DbtProject) -> None:
    import json

    results = json.loads((spark_build.root / "target" / "run_results.json").read_text())["results"]
    statuses = {result["status"] for result in results}
    assert statuses <= {"success", "pass", "no-op"}, statuses  # no-op: the exposures and saved queries
    assert sum(result["unique_id"].startswith("model.") for result in results) >= 20


@pytest.mark.parametrize("spec", MARTS, ids=lambda spec: spec.name)
def test_spark_mart_matches_duckdb(spark, duckdb_build: DbtProject, spec: TableSpec) -> None:
    expected = duckdb_build.query(f"select * from {spec.schema}.{spec.name}")
    actual = spark.sql(f"select * from {spec.schema}.{spec.name}").toPandas()
    assert list(actual.columns) == list(expected.columns), "same columns in the same order"
    assert_frames_match(actual, expected, spec.key, money=spec.money, approx=spec.approx, dates=spec.dates,
                        ints=spec.ints, label=f"spark {spec.name}")


@pytest.mark.parametrize("table", ["customers", "products", "transactions"])
def test_spark_quarantines_what_duckdb_does(spark, duckdb_build: DbtProject, table: str) -> None:
    key = table[:-1] + "_id"
    sql = f"select {key}, quarantine_reason from staging.quarantine_{table}"
    expected = duckdb_build.query(sql)
    assert len(expected) > 0, "the dirty data set must hold bad rows for this comparison to mean anything"
    assert_frames_match(spark.sql(sql).toPandas(), expected, [key, "quarantine_reason"], label=f"spark {table}")
