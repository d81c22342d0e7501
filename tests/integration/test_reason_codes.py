"""The quarantine reason codes have one home, seeds/quarantine_reasons.csv; the models' CASE blocks, the
docs and the README must say the same codes in the same order of precedence."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from scripts.project_copy import REPO_ROOT

STAGING = REPO_ROOT / "models" / "staging"


def declared(table: str) -> list[str]:
    with (REPO_ROOT / "seeds" / "quarantine_reasons.csv").open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["raw_table"] == table]
    return [row["reason"] for row in sorted(rows, key=lambda row: int(row["precedence"]))]


def codes_in_order(path: Path) -> list[str]:
    """The reason codes a model's CASE blocks emit, in the order they are tested."""
    return re.findall(r"then '([a-z_]+)'", path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("table", ["customers", "products"])
def test_case_order_is_the_declared_precedence(table: str) -> None:
    assert codes_in_order(STAGING / "base" / f"base_{table}.sql") == declared(table)


def test_transaction_checks_run_in_the_declared_precedence() -> None:
    own_table = codes_in_order(STAGING / "base" / "base_transactions.sql")
    cross_table = codes_in_order(STAGING / "judged_transactions.sql")
    identity, values = (
        own_table[: own_table.index("bad_timestamp") + 1],
        own_table[own_table.index("bad_timestamp") + 1 :],
    )
    # judged_transactions: identity verdicts first, then unknown customer / product, then the value verdicts
    assert identity + cross_table + values == declared("transactions")


def test_docs_list_every_code_in_precedence_order() -> None:
    table = (STAGING / "docs.md").read_text(encoding="utf-8")
    documented = re.findall(r"^\| `([a-z_]+)` \|", table, flags=re.M)
    for raw_table in ("customers", "products", "transactions"):
        codes = declared(raw_table)
        assert [code for code in documented if code in codes] == codes, raw_table


@pytest.mark.parametrize("page", ["README.md", "docs/metrics.md"])
def test_pages_name_every_code(page: str) -> None:
    text = (REPO_ROOT / page).read_text(encoding="utf-8")
    for table in ("customers", "products", "transactions"):
        for code in declared(table):
            assert f"`{code}`" in text, f"{page} does not name {code}"
