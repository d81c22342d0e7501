"""An incremental run after new, late, duplicate and conflicting raw rows equals a full refresh, mart by mart."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.generate_data import generate
from tests.integration.compare import assert_frames_match
from tests.integration.conftest import postgres_project
from tests.integration.dbt_project import DbtProject
from tests.integration.mart_specs import MARTS

REPO_ROOT = Path(__file__).resolve().parents[2]
BASE = dict(seed=77, customers=100, products=40, transactions=1500)


def append_batch(raw_dir: Path, scratch: Path) -> dict[str, str]:
    """Append 100 new rows (dates all over the year: most are late), one exact duplicate of a clean row and
    one row that makes an existing clean id conflicting. Returns the ids the test checks."""
    generate(scratch, append_from=2000, **{**BASE, "transactions": 2100})
    with (raw_dir / "transactions.csv").open(encoding="utf-8", newline="") as handle:
        existing = list(csv.DictReader(handle))
    duplicate, conflicting = existing[10], existing[20]
    changed_quantity = str(int(conflicting["Quantity"]) % 4 + 1)
    conflict = {**conflicting, "Quantity": changed_quantity,
                "TotalValue": f"{int(changed_quantity) * float(conflicting['Price']):.2f}"}
    with (scratch / "transactions.csv").open(encoding="utf-8", newline="") as handle:
        batch = list(csv.DictReader(handle))
    with (raw_dir / "transactions.csv").open("a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(existing[0]), lineterminator="\n")
        writer.writerows([*batch, duplicate, conflict])
    return {"conflicting_id": conflicting["TransactionID"], "new_id": batch[0]["TransactionID"]}


def files_vars(raw_dir: Path) -> list[str]:
    return ["--vars", json.dumps({"raw_source": "files", "raw_dir": str(raw_dir)})]


def load_if_postgres(project: DbtProject, raw_dir: Path) -> None:
    if project.env.get("DBT_TARGET") != "postgres":
        return
    result = subprocess.run([sys.executable, "-m", "scripts.load_raw", str(raw_dir)], cwd=REPO_ROOT,
                            env={"PATH": "/usr/bin:/bin", **project.env}, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine_project(request, tmp_path: Path):
    def make(name: str, raw_dir: Path) -> DbtProject:
        if request.param == "postgres":
            server = request.getfixturevalue("pg_server")
            return postgres_project(tmp_path / name, raw_dir, server, f"incremental_{name}")
        return DbtProject.copy_of_repo(tmp_path / name)
    return make


def test_incremental_run_equals_full_refresh(engine_project, tmp_path: Path) -> None:
    raw_dir = tmp_path / "raw"
    generate(raw_dir, dirty_rate=0.02, **BASE)
    incremental = engine_project("incremental", raw_dir)
    load_if_postgres(incremental, raw_dir)
    incremental.dbt("build", "--exclude", "resource_type:seed", *files_vars(raw_dir))

    ids = append_batch(raw_dir, tmp_path / "batch")
    load_if_postgres(incremental, raw_dir)
    run = incremental.dbt("build", "--exclude", "resource_type:seed", *files_vars(raw_dir))
    assert "incremental model marts.fct_transactions" in run.stdout

    full = engine_project("full", raw_dir)
    load_if_postgres(full, raw_dir)
    full.dbt("build", "--exclude", "resource_type:seed", "--full-refresh", *files_vars(raw_dir))

    fact_ids = set(incremental.query("select transaction_id from marts.fct_transactions").transaction_id)
    assert ids["new_id"] in fact_ids
    assert ids["conflicting_id"] not in fact_ids  # the stale clean copy was removed
    for spec in MARTS:
        assert_frames_match(incremental.query(f"select * from {spec.schema}.{spec.name}"),
                            full.query(f"select * from {spec.schema}.{spec.name}"), spec.key, money=spec.money,
                            approx=spec.approx, dates=spec.dates, ints=spec.ints, label=f"incremental {spec.name}")
