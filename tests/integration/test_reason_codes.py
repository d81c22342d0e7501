"""The quarantine reason codes have one home, seeds/quarantine_reasons.csv. The rules that give them
(macros/cleaning/quarantine_rules.sql) are checked against it by the data test
assert_quarantine_rules_follow_the_seed on every build; here, the docs and the README must say the same codes
in the same order of precedence."""

from __future__ import annotations

import csv
import re

import pytest

from scripts.project_copy import REPO_ROOT

STAGING = REPO_ROOT / "models" / "staging"


def declared(table: str) -> list[str]:
    with (REPO_ROOT / "seeds" / "quarantine_reasons.csv").open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["raw_table"] == table]
    return [row["reason"] for row in sorted(rows, key=lambda row: int(row["precedence"]))]


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
