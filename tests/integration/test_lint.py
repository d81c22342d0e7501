"""`make lint` gives the same answer whatever a build left behind, and its checks catch what they claim to."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from lint.dbt_score_rules.keys import unchecked_keys
from scripts.check_lint_thresholds import column_check_coverage, regressions
from scripts.check_project_graph import Finding, findings
from tests.integration.dbt_project import DbtProject

REPO_ROOT = Path(__file__).resolve().parents[2]
# What `make lint-sql` reads besides the dbt project: its venv sentinels depend on the requirement files.
LINT_FILES = ("Makefile", ".sqlfluff", ".sqlfluffignore", "profiles.yml", "pyproject.toml", "requirements")


def test_lint_after_a_build_ignores_the_built_database(tmp_path: Path) -> None:
    """Issue 10: after `make run`, sqlfluff's dbt templater saw the built fct_transactions (is_incremental()
    true) and failed. Lint now compiles against the empty in-memory `lint` target: `make lint-sql` and
    `sqlfluff lint <file>` pass even while the built database is locked by another connection, which they
    therefore never open."""
    project = DbtProject.copy_of_repo(tmp_path / "project")
    for name in LINT_FILES:
        if (REPO_ROOT / name).is_dir():
            shutil.copytree(REPO_ROOT / name, project.root / name, dirs_exist_ok=True)
        else:
            shutil.copy2(REPO_ROOT / name, project.root / name)
    project.dbt("seed")
    project.dbt("run", "--select", "+fct_transactions")
    built = project.root / "ecommerce.duckdb"  # the file `make run` builds (profiles.yml default)
    env = {key: value for key, value in os.environ.items() if key != "ECOMMERCE_DUCKDB_PATH"}
    venv = Path(sys.executable).parent.parent
    with duckdb.connect(str(built)) as holder:  # a read-write connection locks the file for other processes
        assert holder.execute("select count(*) from marts.fct_transactions").fetchone()[0] > 0
        result = subprocess.run(
            ["make", "--no-print-directory", "lint-sql", f"VENV={venv}"],
            cwd=project.root,
            env=env,
            capture_output=True,
            text=True,
        )
        # Issue 21: the same file linted directly, as an editor plugin or the pre-commit hook does.
        one_file = subprocess.run(
            [str(venv / "bin" / "sqlfluff"), "lint", "models/marts/fct_transactions.sql"],
            cwd=project.root,
            env=env,
            capture_output=True,
            text=True,
        )
    assert result.returncode == 0, f"lint after a build failed:\n{result.stdout[-3000:]}\n{result.stderr[-2000:]}"
    assert "All Finished" in result.stdout
    assert one_file.returncode == 0, f"sqlfluff lint fct_transactions.sql:\n{one_file.stdout[-3000:]}"


def manifest(
    edges: dict[str, list[str]], exposures: dict[str, list[str]] | None = None, public: tuple[str, ...] = ()
) -> dict:
    """A minimal manifest: models named by folder/name, seeds as `seed:name`, edges child -> parents."""

    def uid(name: str) -> str:
        return f"seed.shop.{name[5:]}" if name.startswith("seed:") else f"model.shop.{name.split('/')[-1]}"

    nodes = {}
    for child, parents in edges.items():
        for name in [child, *parents]:
            if name.startswith("seed:"):
                nodes[uid(name)] = {
                    "resource_type": "seed",
                    "name": name[5:],
                    "package_name": "shop",
                    "original_file_path": f"seeds/{name[5:]}.csv",
                }
        folder, model = child.rsplit("/", 1)
        nodes[uid(child)] = {
            "resource_type": "model",
            "name": model,
            "package_name": "shop",
            "description": "documented",
            "original_file_path": f"models/{folder}/{model}.sql",
            "access": "public" if model in public else "protected",
            "config": {"contract": {"enforced": model in public}},
            "depends_on": {"nodes": [uid(p) for p in parents]},
        }
    return {
        "metadata": {"project_name": "shop"},
        "nodes": nodes,
        "sources": {},
        "exposures": {
            f"exposure.shop.{name}": {
                "name": name,
                "package_name": "shop",
                "depends_on": {"nodes": [f"model.shop.{m}" for m in reads]},
            }
            for name, reads in (exposures or {}).items()
        },
    }


CLEAN_GRAPH = {
    "staging/base/base_orders": ["seed:orders"],
    "staging/stg_orders": ["staging/base/base_orders"],
    "intermediate/int_orders": ["staging/stg_orders"],
    "marts/fct_orders": ["intermediate/int_orders"],
    "marts/revenue": ["intermediate/int_orders"],
}


def test_a_one_way_graph_has_no_findings() -> None:
    assert findings(manifest(CLEAN_GRAPH, {"dash": ["fct_orders"]}, public=("fct_orders", "revenue"))) == []


def test_backward_mart_to_mart_and_rejoin_edges_are_found() -> None:
    graph = copy.deepcopy(CLEAN_GRAPH)
    graph["staging/base/base_orders"].append("staging/stg_customers")  # base reads a later staging model
    graph["staging/stg_customers"] = ["seed:customers"]
    graph["marts/dim_orders"] = ["marts/fct_orders", "intermediate/int_orders"]  # mart -> mart, and a rejoin
    found = findings(manifest(graph, public=("fct_orders", "revenue", "dim_orders")))
    assert Finding("backward_dependency", "base_orders reads stg_customers") in found
    assert Finding("direct_join_to_source", "base_orders reads orders and models") in found
    assert Finding("marts_dependent_on_marts", "dim_orders reads fct_orders") in found
    assert Finding("rejoining_of_upstream_concepts", "int_orders -> fct_orders -> dim_orders") in found


def test_staging_that_reads_another_tables_staging_is_found() -> None:
    """The shape judged_transactions had: a staging model judging transactions against clean customers."""
    graph = copy.deepcopy(CLEAN_GRAPH)
    graph["staging/base/base_customers"] = ["seed:customers"]
    graph["staging/stg_customers"] = ["staging/base/base_customers"]
    graph["staging/judged_orders"] = ["staging/base/base_orders", "staging/stg_customers"]
    graph["staging/stg_orders"] = ["staging/judged_orders"]
    found = findings(manifest(graph, public=("fct_orders", "revenue")))
    assert Finding("staging_dependent_on_other_tables", "judged_orders depends on customers, orders") in found
    assert Finding("staging_dependent_on_other_tables", "stg_orders depends on customers, orders") in found
    # The same check one layer later is the intended shape.
    graph.pop("staging/judged_orders")
    graph["intermediate/int_orders_judged"] = ["staging/base/base_orders", "staging/stg_customers"]
    graph["intermediate/int_orders"] = ["intermediate/int_orders_judged"]
    graph["staging/stg_orders"] = ["staging/base/base_orders"]
    assert [
        f
        for f in findings(manifest(graph, public=("fct_orders", "revenue")))
        if f.rule == "staging_dependent_on_other_tables"
    ] == []


def test_exposures_on_non_public_marts_and_public_marts_without_contract_are_found() -> None:
    graph = manifest(CLEAN_GRAPH, {"dash": ["fct_orders", "revenue"]}, public=("fct_orders",))
    graph["nodes"]["model.shop.fct_orders"]["config"]["contract"]["enforced"] = False
    found = findings(graph)
    assert Finding("exposures_dependent_on_private_models", "dash reads revenue") in found
    assert Finding("public_models_without_contract", "fct_orders") in found


def test_a_measure_below_its_threshold_is_a_regression() -> None:
    measured = {"dbt_score_project": 9.4, "column_test_coverage_pct": 41.0}
    assert regressions(measured, {"dbt_score_project": 9.5, "column_test_coverage_pct": 40.0}) == [
        "dbt_score_project fell to 9.4 (threshold 9.5)"
    ]
    assert regressions(measured, {"no_such_measure": 1.0})[0].startswith("no_such_measure: no such measure")


def test_a_column_is_checked_by_a_data_test_or_by_an_enforced_constraint() -> None:
    def model(name: str, enforced: bool, columns: dict[str, list[str]], keys: list[list[str]] = ()) -> dict:
        return {
            "resource_type": "model",
            "schema": "marts",
            "alias": name,
            "config": {"contract": {"enforced": enforced}},
            "columns": {c: {"name": c, "constraints": [{"type": t} for t in types]} for c, types in columns.items()},
            "constraints": [{"type": "primary_key", "columns": key} for key in keys],
        }

    manifest = {
        "nodes": {
            "model.shop.orders": model("orders", True, {"id": ["not_null"], "amount": ["check"], "note": []}),
            "model.shop.drafts": model("drafts", False, {"id": ["not_null"]}, keys=[["day"]]),
            "model.shop.keys": model("keys", True, {"id": ["primary_key"], "rank": ["unique"], "ref": ["foreign_key"]}),
            "model.shop.grid": model("grid", True, {"month": [], "age": [], "size": []}, keys=[["month", "age"]]),
        }
    }

    def table(name: str, hits: dict[str, int]) -> dict:
        return {"name": f"marts.{name}", "columns": [{"name": c, "hits": n} for c, n in hits.items()]}

    coverage = {
        "tables": [
            table("orders", {"id": 0, "amount": 0, "note": 0}),  # two constrained, one unchecked
            table("drafts", {"id": 0, "day": 0}),  # constraints the contract does not enforce do not count
            table("keys", {"id": 0, "rank": 0, "ref": 0}),  # keys count; a foreign key rejects no row here
            table("grid", {"month": 0, "age": 0, "size": 0}),  # a model-level key counts for each of its columns
            table("tested", {"id": 2, "other": 0}),  # a data test counts
        ]
    }
    assert column_check_coverage(coverage, manifest) == round(100 * 7 / 13, 1)


def test_a_primary_key_is_checked_by_an_enforced_contract_or_a_uniqueness_test() -> None:
    # An enforced contract: the engine (or contract_constraints_hold, where it cannot) checks every key.
    assert unchecked_keys([["day"], ["month", "age"]], True, [], set()) == []
    # Without enforcement a key needs its own uniqueness test.
    assert unchecked_keys([["day"]], False, [("contract_constraints_hold", {})], set()) == [["day"]]
    assert unchecked_keys([["day"]], False, [], {"day"}) == []
    combination = [("unique_combination_of_columns", {"combination_of_columns": ["age", "month"]})]
    assert unchecked_keys([["month", "age"]], False, combination, set()) == []
    assert unchecked_keys([["month", "age"]], False, [], {"month", "age"}) == [["month", "age"]]
    assert unchecked_keys([], False, [], set()) == []
