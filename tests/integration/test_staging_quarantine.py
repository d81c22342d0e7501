"""Every injected defect lands in quarantine with the right reason, and no clean row is lost.

The ground truth is the generator's defects.csv, written while the defects were injected — not derived
from the models' output.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from tests.integration.dbt_project import DbtProject
from tests.integration.mart_specs import CLEAN_TABLES

TABLE_KEYS = {"customers": "customer_id", "products": "product_id", "transactions": "transaction_id"}
RAW_KEYS = {"customers": "CustomerID", "products": "ProductID", "transactions": "TransactionID"}


def read_defects(raw_dir: Path) -> pd.DataFrame:
    return pd.read_csv(raw_dir / "defects.csv", dtype=str, keep_default_na=False)


def read_raw(raw_dir: Path, table: str) -> pd.DataFrame:
    with (raw_dir / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return pd.DataFrame(list(csv.DictReader(handle)))


def quarantined(build: DbtProject, table: str) -> pd.DataFrame:
    return build.query(f"select * from staging.quarantine_{table}")


@pytest.mark.parametrize("table", list(TABLE_KEYS))
def test_quarantine_reasons_count_exactly_what_was_injected(
    duckdb_build: DbtProject, dirty_raw_dir: Path, table: str
) -> None:
    defects = read_defects(dirty_raw_dir)
    expected = Counter(
        defects.loc[
            (defects.table == table) & (defects.expected_reason != "clean_after_normalisation"), "expected_reason"
        ]
    )
    actual = Counter(quarantined(duckdb_build, table)["quarantine_reason"])
    assert actual == expected


@pytest.mark.parametrize("table", list(TABLE_KEYS))
def test_each_injected_defect_is_quarantined_under_its_id(
    duckdb_build: DbtProject, dirty_raw_dir: Path, table: str
) -> None:
    defects = read_defects(dirty_raw_dir)
    with_ids = defects[
        (defects.table == table) & (defects.record_id != "") & (defects.expected_reason != "clean_after_normalisation")
    ]
    expected = Counter(zip(with_ids.record_id, with_ids.expected_reason))
    rows = quarantined(duckdb_build, table)
    rows = rows[rows[TABLE_KEYS[table]].notna()]
    assert Counter(zip(rows[TABLE_KEYS[table]], rows.quarantine_reason)) == expected


@pytest.mark.parametrize("table", list(TABLE_KEYS))
def test_every_raw_row_not_listed_as_defect_is_clean(duckdb_build: DbtProject, dirty_raw_dir: Path, table: str) -> None:
    defects = read_defects(dirty_raw_dir)
    bad_rows = set(
        defects.loc[
            (defects.table == table) & (defects.expected_reason != "clean_after_normalisation"), "row_number"
        ].astype(int)
    )
    raw = read_raw(dirty_raw_dir, table)
    good_raw_ids = {
        raw_id.strip().upper()
        for position, raw_id in enumerate(raw[RAW_KEYS[table]], start=1)
        if position not in bad_rows
    }
    clean_ids = duckdb_build.query(f"select {TABLE_KEYS[table]} as id from {CLEAN_TABLES[table]}")["id"]
    assert clean_ids.is_unique
    assert set(clean_ids) == good_raw_ids


@pytest.mark.parametrize("table", list(TABLE_KEYS))
def test_raw_rows_equal_clean_plus_quarantined(duckdb_build: DbtProject, dirty_raw_dir: Path, table: str) -> None:
    raw_rows = len(read_raw(dirty_raw_dir, table))
    clean_rows = len(duckdb_build.query(f"select 1 from {CLEAN_TABLES[table]}"))
    assert raw_rows == clean_rows + len(quarantined(duckdb_build, table))


def test_rows_with_stray_whitespace_and_case_are_clean_and_normalised(
    duckdb_build: DbtProject, dirty_raw_dir: Path
) -> None:
    defects = read_defects(dirty_raw_dir)
    normalised = defects[defects.expected_reason == "clean_after_normalisation"]
    assert len(normalised) > 0
    raw = read_raw(dirty_raw_dir, "transactions")
    clean = duckdb_build.query("select * from intermediate.int_transactions_clean").set_index("transaction_id")
    for row_number in normalised.row_number.astype(int):
        raw_row = raw.iloc[row_number - 1]
        assert (
            raw_row.CustomerID != raw_row.CustomerID.strip().upper()
            or raw_row.ProductID != raw_row.ProductID.strip().upper()
        )
        clean_row = clean.loc[raw_row.TransactionID]
        assert clean_row.customer_id == raw_row.CustomerID.strip().upper()
        assert clean_row.product_id == raw_row.ProductID.strip().upper()


def test_clean_transactions_keep_exact_money_and_parsed_timestamps(
    duckdb_build: DbtProject, dirty_raw_dir: Path
) -> None:
    raw = (
        read_raw(dirty_raw_dir, "transactions").drop_duplicates("TransactionID", keep=False).set_index("TransactionID")
    )
    clean = duckdb_build.query(
        "select transaction_id, cast(total_value as varchar) as total, cast(unit_price as varchar) as price, "
        "strftime(transaction_at, '%Y-%m-%d %H:%M:%S') as at_text, quantity from intermediate.int_transactions_clean"
    )
    clean = clean[clean.transaction_id.isin(raw.index)].set_index("transaction_id")
    assert len(clean) > 0.9 * len(raw)
    expected = raw.loc[clean.index]
    assert (clean.total == expected.TotalValue.str.strip()).all()
    assert (clean.price == expected.Price.str.strip()).all()
    assert (clean.at_text == expected.TransactionDate.str.strip()).all()
    assert (clean.quantity.astype(str) == expected.Quantity.str.strip()).all()


def declared_reasons(build: DbtProject, table: str) -> set[str]:
    """The reason codes the project declares for `table` (the seed quarantine_reasons, as the build loaded it).
    `malformed_row` needs a line the seed loader cannot read: test_files_edges.py reaches it through the loader."""
    rows = build.query(f"select reason from staging.quarantine_reasons where raw_table = '{table}'")
    return set(rows.reason) - {"malformed_row"}


@pytest.mark.parametrize("table", list(TABLE_KEYS))
def test_every_declared_reason_is_reached_by_the_dirty_data_set(duckdb_build: DbtProject, table: str) -> None:
    reached = set(quarantined(duckdb_build, table)["quarantine_reason"])
    assert declared_reasons(duckdb_build, table) - reached == set(), "reasons never exercised"


def test_default_as_of_date_ignores_refused_rows_dated_later(duckdb_build: DbtProject, dirty_raw_dir: Path) -> None:
    defects = read_defects(dirty_raw_dir)
    refused = defects[(defects.table == "transactions") & (defects.expected_reason != "clean_after_normalisation")]
    raw = read_raw(dirty_raw_dir, "transactions")
    is_refused = raw.index.isin(refused.row_number.astype(int) - 1)
    last_clean_day = raw.loc[~is_refused, "TransactionDate"].str.strip().str[:10].max()
    refused_days = raw.loc[is_refused, "TransactionDate"].str.strip().str[:10]
    assert (refused_days.str.fullmatch(r"\d{4}-\d{2}-\d{2}") & (refused_days > last_clean_day)).any(), (
        "the data set has no refused row dated after the last clean one"
    )
    as_of = duckdb_build.query("select distinct cast(as_of_date as varchar) as day from marts.customer_segments")
    assert as_of.day.tolist() == [last_clean_day]
