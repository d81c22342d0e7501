"""The generator writes the exact raw format, deterministically, with the defects it says it injected."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from scripts.check_raw_files import EXPECTED_HEADERS
from scripts.generate_data import CUSTOMER_DEFECTS, LATE_DEFECTS, PRODUCT_DEFECTS, TRANSACTION_DEFECTS, generate

REPO_ROOT = Path(__file__).resolve().parents[2]
SMALL = dict(customers=60, products=25, transactions=600)


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def clean_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("clean")
    generate(out, seed=3, **SMALL)
    return out


@pytest.fixture(scope="module")
def dirty_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dirty")
    generate(out, seed=3, dirty_rate=0.05, **SMALL)
    return out


def test_same_seed_gives_identical_bytes_and_another_seed_does_not(tmp_path: Path) -> None:
    for name, seed in (("a", 11), ("b", 11), ("c", 12)):
        generate(tmp_path / name, seed=seed, dirty_rate=0.03, **SMALL)
    for file_name in EXPECTED_HEADERS:
        assert (tmp_path / "a" / file_name).read_bytes() == (tmp_path / "b" / file_name).read_bytes()
    assert (tmp_path / "a" / "transactions.csv").read_bytes() != (tmp_path / "c" / "transactions.csv").read_bytes()


def test_headers_are_exactly_the_raw_export_format(dirty_dir: Path) -> None:
    for file_name, header in EXPECTED_HEADERS.items():
        first_line = (dirty_dir / file_name).read_text(encoding="utf-8").splitlines()[0]
        assert first_line == ",".join(header)


def test_row_counts_match_the_arguments_without_dirt(clean_dir: Path) -> None:
    assert len(read(clean_dir / "customers.csv")) == SMALL["customers"]
    assert len(read(clean_dir / "products.csv")) == SMALL["products"]
    assert len(read(clean_dir / "transactions.csv")) == SMALL["transactions"]
    assert len(read(clean_dir / "defects.csv")) == 0


def test_ids_money_and_timestamps_have_the_export_formats(clean_dir: Path) -> None:
    transactions = read(clean_dir / "transactions.csv")
    assert transactions.TransactionID.str.fullmatch(r"T\d{5}").all()
    assert transactions.CustomerID.str.fullmatch(r"C\d{4}").all()
    assert transactions.ProductID.str.fullmatch(r"P\d{3}").all()
    assert transactions.TransactionDate.str.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}").all()
    assert transactions.TotalValue.str.fullmatch(r"\d+\.\d{2}").all()
    assert transactions.Price.str.fullmatch(r"\d+\.\d{2}").all()
    assert read(clean_dir / "customers.csv").SignupDate.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()


def test_totals_equal_quantity_times_price_and_prices_match_the_catalogue(clean_dir: Path) -> None:
    transactions = read(clean_dir / "transactions.csv")
    products = read(clean_dir / "products.csv").set_index("ProductID")
    for row in transactions.itertuples():
        assert Decimal(row.TotalValue) == Decimal(row.Quantity) * Decimal(row.Price)
        assert row.Price == products.at[row.ProductID, "Price"]
        assert 1 <= int(row.Quantity) <= 4


def test_every_purchase_is_within_range_and_after_the_signup(clean_dir: Path) -> None:
    transactions = read(clean_dir / "transactions.csv")
    signup = read(clean_dir / "customers.csv").set_index("CustomerID").SignupDate
    for row in transactions.itertuples():
        day = row.TransactionDate[:10]
        assert "2024-01-01" <= day <= "2024-12-31"
        assert day >= signup[row.CustomerID]


def test_revenue_has_a_long_tail_and_some_customers_never_buy(clean_dir: Path) -> None:
    transactions = read(clean_dir / "transactions.csv")
    revenue = transactions.assign(v=transactions.TotalValue.astype(float)).groupby("CustomerID").v.sum()
    top_fifth = revenue.sort_values(ascending=False).head(len(revenue) // 5).sum()
    assert top_fifth / revenue.sum() > 0.35
    assert transactions.CustomerID.nunique() < SMALL["customers"]


def test_dirty_run_injects_every_defect_kind_in_every_table(dirty_dir: Path) -> None:
    defects = read(dirty_dir / "defects.csv")
    for table, kinds in (
        ("transactions", TRANSACTION_DEFECTS),
        ("customers", CUSTOMER_DEFECTS),
        ("products", PRODUCT_DEFECTS),
    ):
        assert set(kinds) <= set(defects.loc[defects.table == table, "expected_reason"])
    assert "clean_after_normalisation" in set(defects.expected_reason)


def test_some_refused_rows_are_dated_after_every_good_transaction(dirty_dir: Path) -> None:
    defects = read(dirty_dir / "defects.csv")
    transactions = read(dirty_dir / "transactions.csv")
    bad_rows = set(defects.loc[defects.table == "transactions", "row_number"].astype(int))
    good = transactions[[position not in bad_rows for position in range(1, len(transactions) + 1)]]
    last_good_day = good.TransactionDate.str[:10].max()
    late = [
        (defect.expected_reason, transactions.iloc[int(defect.row_number) - 1].TransactionDate)
        for defect in defects[defects.table == "transactions"].itertuples()
    ]
    late_reasons = {reason for reason, at in late if at[:10] > last_good_day and _is_real_date(at[:10])}
    assert set(LATE_DEFECTS) <= late_reasons


def test_listed_defects_really_are_defective(dirty_dir: Path) -> None:
    defects = read(dirty_dir / "defects.csv")
    transactions = read(dirty_dir / "transactions.csv")
    customer_ids = set(read(dirty_dir / "customers.csv").CustomerID)
    product_ids = set(read(dirty_dir / "products.csv").ProductID)
    for defect in defects[defects.table == "transactions"].itertuples():
        row = transactions.iloc[int(defect.row_number) - 1]
        reason = defect.expected_reason
        if reason == "missing_id":
            assert "" in (row.TransactionID, row.CustomerID, row.ProductID)
        elif reason == "duplicate":
            copies = transactions[transactions.TransactionID == row.TransactionID]
            normalised = copies.apply(lambda r: tuple(v.strip().upper() for v in r), axis=1)
            assert len(copies) >= 2 and normalised.nunique() == 1
        elif reason == "conflicting_id":
            assert (transactions.TransactionID == row.TransactionID).sum() >= 2
        elif reason == "bad_timestamp":
            assert not re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", row.TransactionDate) or not _is_real_date(
                row.TransactionDate[:10]
            )
        elif reason == "unknown_customer":
            assert row.CustomerID not in customer_ids
        elif reason == "unknown_product":
            assert row.ProductID not in product_ids
        elif reason == "bad_quantity":
            assert not re.fullmatch(r"\d+", row.Quantity) or int(row.Quantity) <= 0
        elif reason == "bad_price":
            assert not re.fullmatch(r"\d+\.\d{2}", row.Price) or Decimal(row.Price) <= 0
        elif reason == "total_mismatch":
            assert abs(Decimal(row.TotalValue) - Decimal(row.Quantity) * Decimal(row.Price)) > Decimal("0.01")
        elif reason == "clean_after_normalisation":
            assert (row.CustomerID, row.ProductID) != (row.CustomerID.strip().upper(), row.ProductID.strip().upper())


def _is_real_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def test_large_runs_are_written_in_chunks_with_the_same_content_shape(tmp_path: Path) -> None:
    counts = generate(tmp_path, seed=5, customers=50, products=20, transactions=2500, chunk_rows=700)
    transactions = read(tmp_path / "transactions.csv")
    assert counts["transactions"] == len(transactions) == 2500
    assert transactions.TransactionID.is_unique
    assert transactions.TransactionID.tolist() == sorted(transactions.TransactionID)


def test_append_batch_continues_the_id_sequence_with_the_same_catalogue(tmp_path: Path) -> None:
    generate(tmp_path / "full", seed=9, **SMALL)
    generate(tmp_path / "batch", seed=9, append_from=500, **SMALL)
    batch = read(tmp_path / "batch" / "transactions.csv")
    assert batch.TransactionID.iloc[0] == "T00501" and len(batch) == 100
    assert (tmp_path / "full" / "customers.csv").read_bytes() == (tmp_path / "batch" / "customers.csv").read_bytes()


def test_cli_help_exits_zero_and_bad_arguments_exit_two(tmp_path: Path) -> None:
    script = str(REPO_ROOT / "scripts" / "generate_data.py")
    assert subprocess.run([sys.executable, script, "--help"], capture_output=True).returncode == 0
    bad = subprocess.run(
        [sys.executable, script, "--transactions", "-5", "--out", str(tmp_path)], capture_output=True, text=True
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr and "--transactions must be at least 1" in bad.stderr


def test_append_batch_ids_lie_above_every_id_of_the_dirty_run_it_continues(tmp_path: Path) -> None:
    # 500 good rows and 5 % dirt: ids T00001..T00500, then dirty rows with fresh ids up to T00525
    generate(tmp_path / "full", seed=9, dirty_rate=0.05, **{**SMALL, "transactions": 500})
    generate(tmp_path / "batch", seed=9, dirty_rate=0.05, append_from=500, **SMALL)
    earlier = set(read(tmp_path / "full" / "transactions.csv").TransactionID.str.strip().str.upper()) - {""}
    batch = read(tmp_path / "batch" / "transactions.csv").TransactionID.str.strip().str.upper()
    assert max(earlier) <= "T00525"
    assert not earlier & set(batch)
    assert batch.iloc[0] == "T00526" and batch.iloc[99] == "T00625"  # the 100 new sales
    assert min(batch[batch != ""]) == "T00526"


def test_cross_batch_copies_repeat_clean_earlier_rows_exactly_or_with_another_quantity(tmp_path: Path) -> None:
    generate(tmp_path / "full", seed=9, dirty_rate=0.05, **{**SMALL, "transactions": 500})
    generate(tmp_path / "batch", seed=9, dirty_rate=0.05, append_from=500, cross_batch_rate=0.1, **SMALL)
    earlier = read(tmp_path / "full" / "transactions.csv").set_index("TransactionID")
    batch = read(tmp_path / "batch" / "transactions.csv")
    repeated = batch[batch.TransactionID.isin(earlier.index) & (batch.TransactionID != "")]
    # 10 % of 100 new sales: the earlier run's last 10 rows (T00491..T00500), alternately copied and changed
    assert list(repeated.TransactionID) == [f"T{number:05d}" for number in range(491, 501)]
    for position, row in enumerate(repeated.to_dict("records")):
        original = earlier.loc[row["TransactionID"]].to_dict()
        same = {column: row[column] for column in original} == original
        assert same == (position % 2 == 0)
        if not same:
            assert row["Quantity"] != original["Quantity"]
            assert Decimal(row["TotalValue"]) == Decimal(row["Quantity"]) * Decimal(row["Price"])
    logged = read(tmp_path / "batch" / "defects.csv")
    logged = logged[logged.record_id.isin(earlier.index) & (logged.record_id != "")]
    assert list(logged.expected_reason) == ["duplicate", "conflicting_id"] * 5


def test_append_batch_holds_no_cross_batch_copies_by_default(tmp_path: Path) -> None:
    generate(tmp_path / "full", seed=9, dirty_rate=0.05, **{**SMALL, "transactions": 500})
    generate(tmp_path / "batch", seed=9, dirty_rate=0.05, append_from=500, **SMALL)
    defects = read(tmp_path / "batch" / "defects.csv")
    earlier = set(read(tmp_path / "full" / "transactions.csv").TransactionID)
    assert not set(defects.record_id) & (earlier - {""})
