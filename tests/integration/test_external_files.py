"""The `raw_source: files` path gives the same marts as the seeds, on DuckDB (CSV and Parquet) and PostgreSQL (COPY)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.generate_data import write_parquet
from tests.integration.compare import assert_frames_match
from tests.integration.conftest import postgres_project
from tests.integration.dbt_project import DbtProject
from tests.integration.mart_specs import MARTS, QUARANTINE, TableSpec

REPO_ROOT = Path(__file__).resolve().parents[2]


def files_vars(raw_dir: Path, raw_format: str = "csv") -> str:
    return json.dumps({"raw_source": "files", "raw_dir": str(raw_dir), "raw_format": raw_format})


@pytest.fixture(scope="module", params=["csv", "parquet"])
def duckdb_files_build(request, dirty_raw_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    raw_dir = dirty_raw_dir
    if request.param == "parquet":
        raw_dir = tmp_path_factory.mktemp("parquet_raw")
        for name in ("customers.csv", "products.csv", "transactions.csv"):
            (raw_dir / name).write_bytes((dirty_raw_dir / name).read_bytes())
        write_parquet(raw_dir)
        for name in ("customers.csv", "products.csv", "transactions.csv"):
            (raw_dir / name).unlink()  # prove the build reads the Parquet files
    project = DbtProject.copy_of_repo(tmp_path_factory.mktemp(f"files_{request.param}"))
    project.dbt("build", "--exclude", "resource_type:seed", "--vars", files_vars(raw_dir, request.param))
    return project


@pytest.mark.parametrize("spec", MARTS + QUARANTINE, ids=lambda spec: spec.name)
def test_duckdb_files_path_equals_the_seed_path(duckdb_build: DbtProject, duckdb_files_build: DbtProject,
                                                spec: TableSpec) -> None:
    expected = duckdb_build.query(f"select * from {spec.schema}.{spec.name}")
    actual = duckdb_files_build.query(f"select * from {spec.schema}.{spec.name}")
    assert_frames_match(actual, expected, spec.key, money=spec.money, approx=spec.approx, dates=spec.dates,
                        ints=spec.ints, label=f"files {spec.name}")


def test_files_path_never_loads_seeds(duckdb_files_build: DbtProject) -> None:
    schemas = duckdb_files_build.query("select distinct table_schema from information_schema.tables")
    assert "raw" not in set(schemas.table_schema)


def test_each_raw_file_is_read_by_exactly_one_model(duckdb_files_build: DbtProject) -> None:
    manifest = json.loads((duckdb_files_build.root / "target" / "manifest.json").read_text(encoding="utf-8"))
    readers: dict[str, list[str]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model":
            for source in node["depends_on"]["nodes"]:
                if source.startswith("source."):
                    readers.setdefault(source, []).append(node["name"])
    assert readers == {"source.ecommerce.raw_files.customers": ["base_customers"],
                       "source.ecommerce.raw_files.products": ["base_products"],
                       "source.ecommerce.raw_files.transactions": ["base_transactions"]}


@pytest.mark.postgres
def test_postgres_copy_path_equals_duckdb(pg_server, dirty_raw_dir: Path, duckdb_build: DbtProject,
                                          tmp_path_factory: pytest.TempPathFactory) -> None:
    project = postgres_project(tmp_path_factory.mktemp("pg_files"), dirty_raw_dir, pg_server, "files_build")
    load = subprocess.run([sys.executable, "-m", "scripts.load_raw", str(dirty_raw_dir)], cwd=REPO_ROOT,
                          env={"PATH": "/usr/bin:/bin", **project.env}, capture_output=True, text=True)
    assert load.returncode == 0, load.stderr
    assert "transactions.csv: " in load.stdout
    project.dbt("build", "--exclude", "resource_type:seed", "--vars", files_vars(dirty_raw_dir))
    for spec in MARTS + QUARANTINE:
        assert_frames_match(project.query(f"select * from {spec.schema}.{spec.name}"),
                            duckdb_build.query(f"select * from {spec.schema}.{spec.name}"), spec.key,
                            money=spec.money, approx=spec.approx, dates=spec.dates, ints=spec.ints,
                            label=f"postgres files {spec.name}")


def test_loader_names_a_bad_file_in_one_line(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "scripts.load_raw", str(tmp_path)], cwd=REPO_ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "customers.csv: file is missing" in result.stderr and "Traceback" not in result.stderr
