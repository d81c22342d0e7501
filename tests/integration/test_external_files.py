"""The `raw_source: files` path (scripts/load_raw.py, then dbt) gives the same marts as the seed path, on
DuckDB (CSV and Parquet batches) and PostgreSQL (COPY), and `dbt build` never overwrites what was loaded."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scripts.generate_data import write_parquet
from scripts.project_copy import REPO_ROOT
from scripts.raw_files import count_data_records
from tests.integration.compare import assert_frames_match
from tests.integration.conftest import postgres_project
from tests.integration.dbt_project import DbtProject
from tests.integration.mart_specs import MARTS, QUARANTINE, TableSpec

FILES_VARS = ["--vars", json.dumps({"raw_source": "files"})]
RAW_FILES = ("customers.csv", "products.csv", "transactions.csv")


@pytest.fixture(scope="module", params=["csv", "parquet"])
def duckdb_files_build(request, dirty_raw_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    raw_dir = tmp_path_factory.mktemp(f"raw_{request.param}")
    for name in RAW_FILES:
        shutil.copy2(dirty_raw_dir / name, raw_dir / name)
    if request.param == "parquet":
        write_parquet(raw_dir)
        for name in RAW_FILES:
            (raw_dir / name).unlink()  # prove the build reads the Parquet files
    project = DbtProject.copy_of_repo(tmp_path_factory.mktemp(f"files_{request.param}"))
    project.load_raw(raw_dir)
    # The README's command, seeds included: they must not touch what the loader filled.
    project.dbt("build", *FILES_VARS)
    return project


@pytest.mark.parametrize("spec", MARTS + QUARANTINE, ids=lambda spec: spec.name)
def test_duckdb_files_path_equals_the_seed_path(
    duckdb_build: DbtProject, duckdb_files_build: DbtProject, spec: TableSpec
) -> None:
    expected = duckdb_build.query(f"select * from {spec.schema}.{spec.name}")
    actual = duckdb_files_build.query(f"select * from {spec.schema}.{spec.name}")
    assert_frames_match(
        actual,
        expected,
        spec.key,
        money=spec.money,
        approx=spec.approx,
        dates=spec.dates,
        ints=spec.ints,
        label=f"files {spec.name}",
    )


def test_seeds_never_overwrite_loaded_rows(duckdb_files_build: DbtProject, dirty_raw_dir: Path) -> None:
    for name in RAW_FILES:
        table = name.removesuffix(".csv")
        loaded = duckdb_files_build.query(f"select count(*) as n from raw.{table}").n[0]
        assert loaded == count_data_records(dirty_raw_dir / name)
        sample = duckdb_files_build.query(f"select count(*) as n from raw_sample.{table}").n[0]
        assert sample == count_data_records(REPO_ROOT / "seeds" / name) != loaded


def test_each_raw_table_is_read_by_exactly_one_model(duckdb_files_build: DbtProject) -> None:
    manifest = json.loads((duckdb_files_build.root / "target" / "manifest.json").read_text(encoding="utf-8"))
    readers: dict[str, list[str]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model":
            for source in node["depends_on"]["nodes"]:
                if source.startswith("source."):
                    readers.setdefault(source, []).append(node["name"])
    assert readers == {
        "source.ecommerce.raw.customers": ["base_customers"],
        "source.ecommerce.raw.products": ["base_products"],
        "source.ecommerce.raw.transactions": ["base_transactions"],
        # what `make predict` writes back, each read by its own staging model
        "source.ecommerce.predictions.clv_calibration": ["stg_clv_calibration"],
        "source.ecommerce.predictions.clv_parameters": ["stg_clv_parameters"],
        "source.ecommerce.predictions.clv_predictions": ["stg_clv_predictions"],
    }


@pytest.mark.postgres
def test_postgres_copy_path_equals_duckdb(
    pg_server, dirty_raw_dir: Path, duckdb_build: DbtProject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    project = postgres_project(tmp_path_factory.mktemp("pg_files"), REPO_ROOT / "seeds", pg_server, "files_build")
    load = project.load_raw(dirty_raw_dir)
    assert "transactions: +" in load.stdout
    # The README's own-files workflow, seeds included (the committed sample sits in the project's seeds/).
    project.dbt("build", *FILES_VARS)
    for spec in MARTS + QUARANTINE:
        assert_frames_match(
            project.query(f"select * from {spec.schema}.{spec.name}"),
            duckdb_build.query(f"select * from {spec.schema}.{spec.name}"),
            spec.key,
            money=spec.money,
            approx=spec.approx,
            dates=spec.dates,
            ints=spec.ints,
            label=f"postgres files {spec.name}",
        )
