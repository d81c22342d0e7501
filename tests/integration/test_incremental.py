"""An incremental run after a new batch file (new, late, cross-batch duplicate and conflicting rows, and a
customer that arrives after its transactions) equals a full refresh, table by table, and a run with no new
batch judges nothing and changes nothing; so does a run after a rules var changed or the loader reloaded a
batch with other content, on DuckDB and PostgreSQL. base_transactions judges only the new
batch and the earlier rows of the ids it touches."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from scripts.generate_data import generate
from tests.integration.compare import assert_frames_match
from tests.integration.conftest import postgres_project
from tests.integration.dbt_project import DbtProject
from tests.integration.mart_specs import MARTS, QUARANTINE

BASE = dict(seed=77, customers=100, products=40, transactions=1500)


def append_batch(raw_dir: Path, scratch: Path) -> dict[str, str]:
    """Write a second batch file: 100 new rows (dates all over the year: most are late), one exact duplicate
    of a clean row of the first batch and one row that makes an existing clean id conflicting; plus a
    customer batch whose new customer already bought in the first batch (quarantined there as
    unknown_customer until it arrives). Returns the ids the test checks."""
    generate(scratch, append_from=2000, **{**BASE, "transactions": 2100})
    with (raw_dir / "transactions.csv").open(encoding="utf-8", newline="") as handle:
        existing = list(csv.DictReader(handle))
    duplicate, conflicting = existing[10], existing[20]
    changed_quantity = str(int(conflicting["Quantity"]) % 4 + 1)
    conflict = {
        **conflicting,
        "Quantity": changed_quantity,
        "TotalValue": f"{int(changed_quantity) * float(conflicting['Price']):.2f}",
    }
    with (scratch / "transactions.csv").open(encoding="utf-8", newline="") as handle:
        batch = list(csv.DictReader(handle))
    late_customer = {**existing[30], "TransactionID": "TLATE1", "CustomerID": "CLATE1"}
    with (raw_dir / "transactions.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, fieldnames=list(existing[0]), lineterminator="\n").writerow(late_customer)
    with (raw_dir / "transactions_batch2.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(existing[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows([*batch, duplicate, conflict])
    (raw_dir / "customers_batch2.csv").write_text(
        "CustomerID,CustomerName,Region,SignupDate\nCLATE1,Late Comer,Asia,2024-01-01\n", encoding="utf-8"
    )
    return {
        "conflicting_id": conflicting["TransactionID"],
        "new_id": batch[0]["TransactionID"],
        "late_customer_sale": "TLATE1",
    }


FILES_VARS = ["--vars", json.dumps({"raw_source": "files"})]


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
    # the first batch, with one sale of a customer who is only exported with the second batch
    ids = append_batch(raw_dir, tmp_path / "batch")
    second_batch = [raw_dir / "transactions_batch2.csv", raw_dir / "customers_batch2.csv"]
    for path in second_batch:
        path.rename(tmp_path / path.name)
    incremental.load_raw(raw_dir)
    incremental.dbt("build", *FILES_VARS)
    early = incremental.query(
        "select quarantine_reason from staging.quarantine_transactions "
        f"where transaction_id = '{ids['late_customer_sale']}'"
    )
    assert list(early.quarantine_reason) == ["unknown_customer"]

    for path in second_batch:
        (tmp_path / path.name).rename(path)
    loaded = incremental.load_raw(raw_dir)
    assert "transactions: +102" in loaded.stdout  # only the new batch was read
    run = incremental.dbt("build", *FILES_VARS)
    assert "incremental model staging.base_transactions" in run.stdout

    full = engine_project("full", raw_dir)
    full.load_raw(raw_dir)
    full.dbt("build", "--full-refresh", *FILES_VARS)

    fact_ids = set(incremental.query("select transaction_id from marts.fct_transactions").transaction_id)
    assert ids["new_id"] in fact_ids
    assert ids["late_customer_sale"] in fact_ids  # judged again once its customer arrived
    assert ids["conflicting_id"] not in fact_ids  # the stale clean copy was removed
    # only the new batch and the first batch's rows of the two ids it repeats were judged in this run
    assert rows_judged_in_last_run(incremental) == 102 + 2
    assert_same_tables(incremental, full, "incremental")

    # A run with no new batch judges nothing and changes nothing.
    incremental.dbt("build", *FILES_VARS)
    assert rows_judged_in_last_run(incremental) == 0
    assert_same_tables(incremental, full, "no new batch")


def rows_judged_in_last_run(project: DbtProject) -> int:
    """Rows of base_transactions whose verdict the last dbt invocation reached."""
    results = json.loads((project.root / "target" / "run_results.json").read_text())
    invocation = results["metadata"]["invocation_id"]
    counted = project.query(
        f"select count(*) as n from staging.base_transactions where judged_in_invocation = '{invocation}'"
    )
    return int(counted.n[0])


def assert_same_tables(actual: DbtProject, expected: DbtProject, label: str) -> None:
    for spec in [*MARTS, *QUARANTINE]:
        assert_frames_match(
            actual.query(f"select * from {spec.schema}.{spec.name}"),
            expected.query(f"select * from {spec.schema}.{spec.name}"),
            spec.key,
            money=spec.money,
            approx=spec.approx,
            dates=spec.dates,
            ints=spec.ints,
            label=f"{label} {spec.name}",
        )


def test_stored_verdicts_are_forgotten_when_rules_or_batches_change(engine_project, tmp_path: Path) -> None:
    """A run under another total_tolerance judges every row again (equal to a full build with that value);
    so does a run after `load_raw --full-refresh` reloaded a batch with other content."""
    raw_dir = tmp_path / "raw"
    generate(raw_dir, dirty_rate=0.05, **BASE)
    project = engine_project("incremental", raw_dir)
    project.load_raw(raw_dir)
    project.dbt("build", *FILES_VARS)

    tolerant = ["--vars", json.dumps({"raw_source": "files", "total_tolerance": 1000})]
    project.dbt("build", *tolerant)
    stored = project.query("select count(*) as n from staging.base_transactions")
    assert rows_judged_in_last_run(project) == int(stored.n[0])  # every row judged again
    full = engine_project("full", raw_dir)
    full.load_raw(raw_dir)
    full.dbt("build", *tolerant)
    assert "total_mismatch" not in set(
        full.query("select quarantine_reason from staging.quarantine_transactions").quarantine_reason
    )
    assert_same_tables(project, full, "new tolerance")

    # The same file name, other content: one transaction's quantity changed, its total with it.
    path = raw_dir / "transactions.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    target = next(row for row in rows if row["Quantity"] == "1" and row["TransactionID"].startswith("T"))
    target.update(Quantity="2", TotalValue=f"{2 * float(target['Price']):.2f}")
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    assert project.load_raw(raw_dir, check=False).returncode != 0  # a changed batch needs --full-refresh
    project.load_raw(raw_dir, "--full-refresh")
    project.dbt("build", *tolerant)
    reloaded = engine_project("reloaded", raw_dir)
    reloaded.load_raw(raw_dir)
    reloaded.dbt("build", *tolerant)
    quantity = project.query(
        f"select quantity from marts.fct_transactions where transaction_id = '{target['TransactionID']}'"
    ).quantity
    assert list(quantity) == [2]
    assert_same_tables(project, reloaded, "reloaded batch")
