"""Environments: `dev` builds one person's prefixed schemas, `prod` and `ci` the plain ones (profiles.yml)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import psycopg2
import pytest

from tests.integration import reference
from tests.integration.conftest import postgres_project
from tests.integration.dbt_project import DbtProject
from tests.integration.mart_specs import MARTS, PREDICTED_MARTS

REPO_ROOT = Path(__file__).resolve().parents[2]
LAYER_SCHEMAS = {"customers": "raw_sample", "stg_customers": "staging", "int_transactions_enriched": "intermediate"}


def schemas_by_model(project: DbtProject, target: str, extra_env: dict[str, str] | None = None) -> dict[str, str]:
    """Where `dbt ls` says each node lands on `target` (it reads the profile, connects to nothing)."""
    listed = project.dbt(
        "ls",
        "--target",
        target,
        "--resource-type",
        "model",
        "--resource-type",
        "seed",
        "--output",
        "json",
        "--output-keys",
        "name schema",
        "--quiet",
        extra_env={"ECOMMERCE_DEV_SCHEMA": "alice", **(extra_env or {})},
    ).stdout
    return {node["name"]: node["schema"] for node in map(json.loads, filter(None, listed.splitlines()))}


@pytest.fixture(scope="module")
def listed_project(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    return DbtProject.copy_of_repo(tmp_path_factory.mktemp("environments"))


@pytest.mark.parametrize("target", ["prod", "ci", "postgres"])
def test_prod_and_ci_build_the_plain_schemas(listed_project: DbtProject, target: str) -> None:
    schemas = schemas_by_model(listed_project, target)
    assert {name: schemas[name] for name in LAYER_SCHEMAS} == LAYER_SCHEMAS
    assert schemas["fct_transactions"] == "marts_build"


def test_dev_prefixes_every_schema_with_its_own(listed_project: DbtProject) -> None:
    schemas = schemas_by_model(listed_project, "dev")
    assert {name: schemas[name] for name in LAYER_SCHEMAS} == {
        name: f"alice_{schema}" for name, schema in LAYER_SCHEMAS.items()
    }
    assert schemas["fct_transactions"] == "alice_marts_build"


def test_dev_schema_defaults_to_the_login_name(listed_project: DbtProject) -> None:
    schemas = schemas_by_model(listed_project, "dev", extra_env={"ECOMMERCE_DEV_SCHEMA": "", "USER": "Carol"})
    assert schemas["stg_customers"] == "dbt_carol_staging"


def test_the_duckdb_default_keeps_the_plain_schemas(listed_project: DbtProject) -> None:
    schemas = schemas_by_model(listed_project, "duckdb")
    assert schemas["stg_customers"] == "staging" and schemas["fct_transactions"] == "marts"


def clean_transaction_count(raw_dir: Path) -> int:
    return len(reference.clean_raw(raw_dir).transactions)


@pytest.mark.postgres
def test_two_developers_build_side_by_side_on_one_database(pg_server, dirty_raw_dir: Path, tmp_path: Path) -> None:
    # Alice builds the dirty test data set, Bob the committed sample, into the same database: each must find
    # their own data in their own schemas, published for the BI role, and nothing in the plain schemas.
    raw_dirs = {"alice": dirty_raw_dir, "bob": REPO_ROOT / "seeds"}
    alice = postgres_project(tmp_path / "alice", raw_dirs["alice"], pg_server, "team_dev")
    bob = DbtProject.copy_of_repo(tmp_path / "bob", raw_dir=raw_dirs["bob"])
    bob.env = {**alice.env, "ECOMMERCE_DUCKDB_PATH": str(tmp_path / "bob" / "ecommerce.duckdb")}
    for person, project in [("alice", alice), ("bob", bob)]:
        project.env.update({"DBT_TARGET": "dev", "ECOMMERCE_DEV_SCHEMA": person})
        project.dbt("seed")
        project.dbt("build")
    schemas = set(alice.query("select schema_name from information_schema.schemata").schema_name)
    for person in raw_dirs:
        assert {
            f"{person}_{layer}" for layer in ["raw_sample", "staging", "intermediate", "marts_build", "marts"]
        } <= schemas
    assert not schemas & {"raw_sample", "staging", "intermediate", "marts_build", "marts"}
    for person, raw_dir in raw_dirs.items():
        published = alice.query(f"select count(*) as n from {person}_marts.fct_transactions").n[0]
        assert published == clean_transaction_count(raw_dir), person
        marts = set(
            alice.query(
                f"select table_name from information_schema.tables where table_schema = '{person}_marts'"
            ).table_name
        )
        assert marts == {spec.name for spec in MARTS} | set(PREDICTED_MARTS)
        with (
            psycopg2.connect(
                host=alice.env["PGHOST"],
                port=alice.env["PGPORT"],
                user="bi_reader",
                password=alice.env["BI_READER_PASSWORD"],
                dbname=alice.env["PGDATABASE"],
            ) as bi,
            bi.cursor() as cursor,
        ):
            cursor.execute(f"select count(*) from {person}_marts.fct_transactions")
            assert cursor.fetchone()[0] == published


@pytest.mark.parametrize("override, target", [([], "dev"), (["PG_TARGET=prod"], "prod")])
def test_make_pg_build_builds_the_dev_target_unless_told_otherwise(override: list[str], target: str) -> None:
    # `make -n` prints the recipe without running it (the prerequisites' recipes too, hence the filter).
    printed = subprocess.run(
        ["make", "-n", "--no-print-directory", "pg-build", *override],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    dbt_lines = [line for line in printed.splitlines() if re.search(r"\bdbt (seed|build)\b", line)]
    assert [line.split("dbt ", 1)[1] for line in dbt_lines] == [f"seed --target {target}", f"build --target {target}"]
