"""Everyday dbt workflows a team relies on: parse and debug clean, named selectors, the slim-CI recipe."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from tests.integration.conftest import postgres_project
from tests.integration.dbt_project import DbtProject

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    return DbtProject.copy_of_repo(tmp_path_factory.mktemp("workflows"))


def test_parse_with_warnings_as_errors_is_clean(project: DbtProject) -> None:
    result = project.dbt("parse", "--no-partial-parse", "--warn-error", check=False)
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.mark.parametrize("target", ["duckdb", "lint"])
def test_debug_passes_on_the_local_targets(project: DbtProject, target: str) -> None:
    result = project.dbt("debug", "--target", target, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "All checks passed" in result.stdout


def test_debug_on_an_unknown_target_names_the_profile_problem(project: DbtProject) -> None:
    # It used to fail while rendering dbt_project.yml ("'target' is undefined"), before reading the profile.
    result = project.dbt("debug", "--target", "nosuch", check=False)
    assert result.returncode != 0
    assert "'target' is undefined" not in result.stdout
    assert "nosuch" in result.stdout


@pytest.mark.postgres
@pytest.mark.parametrize("target", ["postgres", "prod", "ci", "dev"])
def test_debug_passes_on_every_postgres_target(pg_server, tmp_path: Path, target: str) -> None:
    pg_project = postgres_project(tmp_path / "project", REPO_ROOT / "seeds", pg_server, "debug_targets")
    result = pg_project.dbt("debug", "--target", target, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "All checks passed" in result.stdout


def selected(project: DbtProject, selector: str, resource_type: str = "model") -> set[str]:
    listed = project.dbt(
        "ls", "--selector", selector, "--resource-type", resource_type, "--output", "name", "--quiet"
    ).stdout
    return set(listed.split())


def models_in(*folders: str) -> set[str]:
    return {path.stem for folder in folders for path in (REPO_ROOT / "models" / folder).rglob("*.sql")}


def test_the_daily_selector_builds_staging_to_marts_and_nothing_else(project: DbtProject) -> None:
    assert selected(project, "daily") == models_in("staging", "intermediate", "marts")
    assert selected(project, "daily", "seed") == set()
    assert selected(project, "daily", "unit_test") == set()


def listed(project: DbtProject, *selection: str) -> set[str]:
    return set(project.dbt("ls", *selection, "--output", "name", "--quiet").stdout.split())


def test_a_plain_build_tests_the_data_and_unit_tests_run_when_chosen(project: DbtProject) -> None:
    every_unit_test = listed(project, "--select", "test_type:unit")
    assert len(every_unit_test) >= 15
    # A plain `dbt build` (the default selector, data_build): every model, seed and data test, no unit test.
    assert listed(project, "--resource-type", "unit_test") == set()
    assert listed(project, "--resource-type", "model") == selected(project, "full_build")
    assert listed(project, "--resource-type", "test") == selected(project, "full_build", "test")
    # ... and every source, so a plain `dbt source freshness` checks them all.
    sources = listed(project, "--resource-type", "source")
    assert len(sources) >= 3 and sources == listed(project, "--select", "source:*", "--resource-type", "source")
    # CI's full build runs all of them; selecting a model brings its own.
    assert selected(project, "full_build", "unit_test") == every_unit_test
    own = listed(project, "--select", "revenue_daily", "--resource-type", "unit_test")
    assert own and own < every_unit_test


def test_the_full_build_selector_holds_every_model_and_seed(project: DbtProject) -> None:
    assert selected(project, "full_build") == models_in("staging", "intermediate", "marts", "semantic")
    assert selected(project, "full_build", "seed") == {path.stem for path in (REPO_ROOT / "seeds").glob("*.csv")}


def test_the_dashboard_selector_holds_the_dashboards_marts(project: DbtProject) -> None:
    exposures = yaml.safe_load((REPO_ROOT / "models" / "marts" / "_exposures.yml").read_text(encoding="utf-8"))
    dashboard = next(item for item in exposures["exposures"] if item["name"] == "revenue_dashboard")
    marts = {ref.split("'")[1] for ref in dashboard["depends_on"]}
    chosen = selected(project, "dashboard")
    assert chosen & models_in("marts") == marts
    assert "int_transactions_clean" in chosen and "cohort_revenue" not in chosen


def run_results(project: DbtProject) -> dict[str, str]:
    results = json.loads((project.root / "target" / "run_results.json").read_text(encoding="utf-8"))["results"]
    return {result["unique_id"]: result["status"] for result in results}


def models_of(results: dict[str, str]) -> set[str]:
    return {unique_id.split(".")[-1] for unique_id in results if unique_id.startswith("model.")}


def test_slim_ci_builds_only_the_changed_model_and_retry_finishes_the_job(tmp_path: Path) -> None:
    # The README's recipe: the production manifest as --state, a change, a failed run, a fix, `dbt retry`.
    project = DbtProject.copy_of_repo(tmp_path / "project")
    project.dbt("seed")
    project.dbt("build")
    shutil.copytree(project.root / "target", project.root / "prod-artifacts")
    model = project.root / "models" / "marts" / "customer_rfm.sql"
    original = model.read_text(encoding="utf-8")
    model.write_text(original.replace("select * from final", "select * from final_missing"), encoding="utf-8")
    failed = project.dbt("build", "--select", "state:modified+", "--defer", "--state", "prod-artifacts", check=False)
    assert failed.returncode != 0
    first = run_results(project)
    # customer_rfm's descendants, read from the SQL: no model refs it, so it is the only model to build.
    children = {
        path.stem
        for path in (REPO_ROOT / "models").rglob("*.sql")
        if "ref('customer_rfm')" in path.read_text(encoding="utf-8")
    }
    assert models_of(first) == {"customer_rfm", *children}
    # The broken model fails itself, or its unit tests fail first and it is skipped.
    assert first["model.ecommerce.customer_rfm"] in ("error", "skipped")
    assert any(status == "error" and "customer_rfm" in unique_id for unique_id, status in first.items())
    model.write_text(original + "-- reviewed\n", encoding="utf-8")
    project.dbt("retry")
    retried = run_results(project)
    assert retried["model.ecommerce.customer_rfm"] == "success"
    # Nodes only: the on-run-start/end hooks run on every invocation.
    assert {unique_id for unique_id in retried if not unique_id.startswith("operation.")} == {
        unique_id for unique_id, status in first.items() if status in ("error", "skipped")
    }
