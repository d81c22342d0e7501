"""A missing, empty or mis-headed raw file gives one readable line naming the file, never a traceback."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scripts.check_raw_files import EXPECTED_HEADERS, check_raw_dir

REPO_ROOT = Path(__file__).resolve().parents[2]


def write_valid_files(raw_dir: Path) -> None:
    for file_name, header in EXPECTED_HEADERS.items():
        (raw_dir / file_name).write_text(",".join(header) + "\n", encoding="utf-8")


def run_check(raw_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "check_raw_files.py"), str(raw_dir)],
        capture_output=True, text=True,
    )


def test_committed_sample_passes_the_check() -> None:
    assert check_raw_dir(REPO_ROOT / "seeds") == []


def test_valid_files_pass(tmp_path: Path) -> None:
    write_valid_files(tmp_path)
    result = run_check(tmp_path)
    assert result.returncode == 0
    assert result.stderr == ""


def test_missing_file_is_named_in_one_line(tmp_path: Path) -> None:
    write_valid_files(tmp_path)
    (tmp_path / "products.csv").unlink()
    result = run_check(tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"error: {tmp_path / 'products.csv'}: file is missing (expected a CSV export with a header row)"]


def test_empty_file_is_reported_as_empty(tmp_path: Path) -> None:
    write_valid_files(tmp_path)
    (tmp_path / "customers.csv").write_text("", encoding="utf-8")
    result = run_check(tmp_path)
    assert result.returncode == 1
    assert "customers.csv: file is empty" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("bad_header", [
    "TransactionID,CustomerID,ProductID,TransactionDate,Quantity,TotalValue",  # a column short
    "transaction_id,customer_id,product_id,transaction_date,quantity,total_value,price",  # renamed
    "TransactionID;CustomerID;ProductID;TransactionDate;Quantity;TotalValue;Price",  # wrong separator
])
def test_wrong_header_shows_found_and_expected(tmp_path: Path, bad_header: str) -> None:
    write_valid_files(tmp_path)
    (tmp_path / "transactions.csv").write_text(bad_header + "\nT00001,C0001,P001\n", encoding="utf-8")
    result = run_check(tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "transactions.csv: wrong header" in lines[0]
    assert bad_header in lines[0]
    assert "TransactionID,CustomerID,ProductID,TransactionDate,Quantity,TotalValue,Price" in lines[0]
    assert "Traceback" not in result.stderr


def test_non_utf8_file_is_reported_not_raised(tmp_path: Path) -> None:
    write_valid_files(tmp_path)
    (tmp_path / "customers.csv").write_bytes(b"\xff\xfe\x00C\x00u")
    result = run_check(tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "customers.csv" in result.stderr


def test_make_run_stops_before_dbt_when_a_file_is_missing(tmp_path: Path) -> None:
    result = subprocess.run(
        ["make", "--no-print-directory", "check-raw", f"RAW_DIR={tmp_path}", f"VENV={Path(sys.executable).parents[1]}"],
        cwd=REPO_ROOT, capture_output=True, text=True,
    )
    assert result.returncode != 0
    assert f"error: {tmp_path / 'customers.csv'}: file is missing" in result.stderr
    assert "Traceback" not in result.stderr
