"""Shared fixtures: generated raw data sets and isolated dbt builds, made once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.generate_data import generate
from tests.integration.dbt_project import DbtProject
from tests.integration.edge_rows import add_edge_rows

# One dirty data set feeds every engine and every mart comparison, so their results are comparable.
DIRTY_DATA = dict(seed=20241124, customers=150, products=60, transactions=3000, dirty_rate=0.05)


@pytest.fixture(scope="session")
def dirty_raw_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out_dir = tmp_path_factory.mktemp("dirty_raw")
    generate(out_dir, **DIRTY_DATA)
    add_edge_rows(out_dir)
    return out_dir


@pytest.fixture(scope="session")
def reference_cleaned(dirty_raw_dir: Path):
    """The dirty data set cleaned by the independent pandas oracle (tests/integration/reference.py)."""
    from tests.integration import reference

    return reference.clean_raw(dirty_raw_dir)


@pytest.fixture(scope="session")
def reference_marts(reference_cleaned) -> dict:
    """Every mart of docs/metrics.md computed by the oracle from the dirty data set."""
    from tests.integration import reference

    return reference.all_marts(reference_cleaned)


@pytest.fixture(scope="session")
def duckdb_build(dirty_raw_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    """The project seeded with the dirty data set and fully built (models, data and unit tests) on DuckDB."""
    project = DbtProject.copy_of_repo(tmp_path_factory.mktemp("duckdb_build"), raw_dir=dirty_raw_dir)
    project.dbt("seed")
    project.dbt("build", "--selector", "full_build")
    return project


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL 15 cluster for the whole session (or the user's, when PGHOST is set)."""
    from scripts.pg_server import throwaway_server

    with throwaway_server() as info:
        yield info


def postgres_project(root: Path, raw_dir: Path, server, database: str) -> DbtProject:
    """A project copy that builds into its own database on the test server."""
    from scripts.pg_server import create_database

    info = create_database(server, database)
    project = DbtProject.copy_of_repo(root, raw_dir=raw_dir)
    project.env.update(info.env())
    project.env["DBT_TARGET"] = "postgres"
    return project


@pytest.fixture(scope="session")
def postgres_build(pg_server, dirty_raw_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    """The dirty data set built (models, data and unit tests) on PostgreSQL from the same models as DuckDB."""
    project = postgres_project(tmp_path_factory.mktemp("postgres_build"), dirty_raw_dir, pg_server, "dirty_build")
    project.dbt("seed")
    project.dbt("build", "--selector", "full_build")
    return project
