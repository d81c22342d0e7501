"""The same models build on Apache Spark (local session) and every mart equals DuckDB's, row by row."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.integration.dbt_project import DbtProject
from tests.integration.mart_specs import MARTS, QUARANTINE_REASONS, TableSpec, assert_table_matches, key_columns_sql
from tests.integration.spark_checks import assert_every_node_passed

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark_build(dirty_raw_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    """The dirty data set seeded and built (models, data and unit tests) on a local Spark session."""
    project = DbtProject.copy_of_repo(tmp_path_factory.mktemp("spark_build"), raw_dir=dirty_raw_dir)
    project.env.update(DBT_TARGET="spark", SPARK_DIR=str(project.root / "build" / "spark"), SPARK_LOCAL_IP="127.0.0.1")
    project.dbt("seed")
    project.dbt("build", "--selector", "full_build")
    return project


@pytest.fixture(scope="module")
def spark(spark_build: DbtProject):
    """A Spark session on the build's warehouse and metastore (dbt's own session ended with its process)."""
    from pyspark.sql import SparkSession

    spark_dir = spark_build.env["SPARK_DIR"]
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (
        SparkSession.builder.master("local[1]")
        .appName("ecommerce-spark-test")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", f"{spark_dir}/warehouse")
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={spark_dir}")
        .config("spark.hadoop.javax.jdo.option.ConnectionURL", "jdbc:derby:;databaseName=metastore_db")
        .enableHiveSupport()
        .getOrCreate()
    )
    yield session
    session.stop()


def test_spark_build_ran_every_model_and_test(spark_build: DbtProject) -> None:
    assert_every_node_passed(spark_build)


def test_spark_checks_every_contracted_models_constraints_with_a_data_test(spark_build: DbtProject) -> None:
    """Parquet tables cannot hold not_null or check constraints: one contract_constraints_hold test per
    contracted model (every mart, and int_transactions_enriched) checks them on Spark (DuckDB and PostgreSQL
    enforce them while writing, and skip the test)."""
    manifest = json.loads((spark_build.root / "target" / "manifest.json").read_text())
    results = json.loads((spark_build.root / "target" / "run_results.json").read_text())["results"]
    passed = {result["unique_id"] for result in results if result["status"] == "pass"}
    built = {result["unique_id"] for result in results}
    contracted = {
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"]["contract"]["enforced"] and node["unique_id"] in built
    }
    tests = [manifest["nodes"][uid] for uid in passed if uid.startswith("test.")]
    checked = {
        test["attached_node"].split(".")[-1]
        for test in tests
        if test.get("test_metadata", {}).get("name") == "contract_constraints_hold"
    }
    assert len(contracted) >= 16 and "int_transactions_enriched" in contracted
    assert checked == contracted


@pytest.mark.parametrize("spec", MARTS, ids=lambda spec: spec.name)
def test_spark_mart_matches_duckdb(spark, duckdb_build: DbtProject, spec: TableSpec) -> None:
    sql = f"select * from {spec.schema}.{spec.name}"
    assert_table_matches(spark.sql(sql).toPandas(), duckdb_build.query(sql), spec, label=f"spark {spec.name}")


@pytest.mark.parametrize("spec", QUARANTINE_REASONS, ids=lambda spec: spec.name)
def test_spark_quarantines_what_duckdb_does(spark, duckdb_build: DbtProject, spec: TableSpec) -> None:
    expected = duckdb_build.query(key_columns_sql(spec))
    assert len(expected) > 0, "the dirty data set must hold bad rows for this comparison to mean anything"
    assert_table_matches(spark.sql(key_columns_sql(spec)).toPandas(), expected, spec, label=f"spark {spec.name}")
