"""A bad raw file gives one readable line naming it, on every path, before any mart is replaced:
scripts/check_raw_files.py (before `dbt seed`), scripts/load_raw.py (files), and dbt itself (seeds)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scripts.check_raw_files import EXPECTED_HEADERS, check_raw_dir
from scripts.project_copy import REPO_ROOT
from tests.integration.dbt_project import DbtProject

ONE_ROW = {
    "customers.csv": "C0001,Ann Lee,Europe,2024-01-02",
    "products.csv": "P001,Lamp,Home Decor,12.50",
    "transactions.csv": "T00001,C0001,P001,2024-03-04 10:00:00,2,25.00,12.50",
}
BAD_FILES = {
    "missing": (None, "file is missing"),
    "empty": (b"", "file is empty"),
    "header only": (b"CustomerID,CustomerName,Region,SignupDate\n", "holds only its header"),
    "not UTF-8": (
        "CustomerID,CustomerName,Region,SignupDate\nC1,Zoë,Europe,2024-01-02\n".encode("latin-1"),
        "not UTF-8 text",
    ),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    "wrong header": (b"customer_id,name,region,signup\nC1,A,B,2024-01-01\n", "wrong header"),
    "wrong separator": (b"CustomerID;CustomerName;Region;SignupDate\nC1;A;B;2024-01-01\n", "wrong header"),
}


def write_valid_files(raw_dir: Path) -> None:
    for file_name, header in EXPECTED_HEADERS.items():
        (raw_dir / file_name).write_text(",".join(header) + "\n" + ONE_ROW[file_name] + "\n", encoding="utf-8")


def write_bad_customers(raw_dir: Path, content: bytes | None) -> None:
    write_valid_files(raw_dir)
    if content is None:
        (raw_dir / "customers.csv").unlink()
    else:
        (raw_dir / "customers.csv").write_bytes(content)


def run_module(module: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, *args], cwd=REPO_ROOT, capture_output=True, text=True)


def assert_one_line(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_committed_sample_passes_the_check() -> None:
    assert check_raw_dir(REPO_ROOT / "seeds") == []


def test_valid_files_in_any_column_order_pass(tmp_path: Path) -> None:
    write_valid_files(tmp_path)
    (tmp_path / "customers.csv").write_text(
        "Region,SignupDate,CustomerName,CustomerID\nEurope,2024-01-02,Ann,C1\n", encoding="utf-8"
    )
    result = run_module("scripts.check_raw_files", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_file_is_named_in_one_line_by_the_seed_check(tmp_path: Path, case: str) -> None:
    content, message = BAD_FILES[case]
    write_bad_customers(tmp_path, content)
    assert_one_line(
        run_module("scripts.check_raw_files", str(tmp_path)), f"error: {tmp_path / 'customers.csv'}: {message}"
    )


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_file_is_named_in_one_line_by_the_loader(tmp_path: Path, case: str) -> None:
    raw_dir = tmp_path / "raw"
    raw_dir.mkdir()
    content, message = BAD_FILES[case]
    write_bad_customers(raw_dir, content)
    database = tmp_path / "working.duckdb"
    assert_one_line(
        run_module("scripts.load_raw", str(raw_dir), "--duckdb-path", str(database)),
        f"error: {raw_dir / 'customers.csv'}: {message}",
    )
    assert not database.exists()  # refused before anything was written


def test_malformed_line_stops_the_seed_path_with_its_line_number(tmp_path: Path) -> None:
    write_valid_files(tmp_path)
    with (tmp_path / "transactions.csv").open("a", encoding="utf-8") as handle:
        handle.write("T00002,C0001,P001,2024-03-05 10:00:00,1,12.50,12.50,surplus\n")
    assert_one_line(
        run_module("scripts.check_raw_files", str(tmp_path)),
        "transactions.csv: line 3 has 8 fields, expected 7",
        "scripts.load_raw",
    )


def test_make_run_stops_before_dbt_when_a_file_is_missing(tmp_path: Path) -> None:
    result = subprocess.run(
        ["make", "--no-print-directory", "check-raw", f"RAW_DIR={tmp_path}", f"VENV={Path(sys.executable).parents[1]}"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert f"error: {tmp_path / 'customers.csv'}: file is missing" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "header_line, message",
    [
        ("CustomerID,CustomerName,Region,SignupDate", "seeds/customers.csv (loaded by dbt seed): no rows"),
        ("CustomerID,Name,Region,SignupDate", "seeds/customers.csv (loaded by dbt seed): wrong columns"),
    ],
)
def test_dbt_refuses_a_bad_seed_before_any_mart_is_replaced(tmp_path: Path, header_line: str, message: str) -> None:
    project = DbtProject.copy_of_repo(tmp_path / "project")
    project.dbt("seed")
    project.dbt("build")
    serving = project.root / "serving" / "ecommerce_marts.duckdb"
    published = serving.read_bytes()
    before = project.query("select count(*) as n from marts.dim_customers").n[0]

    (project.root / "seeds" / "customers.csv").write_text(header_line + "\n", encoding="utf-8")
    project.dbt("seed", "--full-refresh")
    result = project.dbt("build", check=False)
    assert result.returncode != 0
    assert message in result.stdout
    assert project.query("select count(*) as n from marts.dim_customers").n[0] == before
    assert serving.read_bytes() == published
