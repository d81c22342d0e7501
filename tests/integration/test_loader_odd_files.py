"""Own files the loader must take literally and whole, as a user meets them: names holding glob characters,
quotes or spaces; a stray quote at the top, middle or end of a batch; a line over the CSV reader's buffer;
CRLF, mixed line ends and a BOM; a batch that changes while it is loaded; Parquet batches with a NUL byte,
invalid UTF-8, no rows or typed columns. Every line of a file ends as a row or as a malformed row with its
own text; every refusal is one line naming the file. Expected rows are the hand-written lines themselves."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from scripts import load_raw
from scripts.csv_lines import MAX_RECORD_BYTES, LineScan
from scripts.generate_data import generate
from scripts.literal_paths import duckdb_literal, sql_string
from scripts.load_raw import Batch, file_sha256, stage_batch
from scripts.project_copy import REPO_ROOT
from scripts.raw_files import RawFileError, raw_columns
from tests.integration.conftest import postgres_project
from tests.integration.dbt_project import DbtProject

HEADERS = {table: ",".join(columns) for table, columns in raw_columns().items()}
CUSTOMER = "C0001,Ann Lee,Europe,2024-01-02"
PRODUCT = "P001,Lamp,Home Decor,12.50"
SALES = 999  # lines per transactions batch


def sale(number: int, prefix: str = "T") -> str:
    return f"{prefix}{number:05d},C0001,P001,2024-03-04 10:00:00,2,25.00,12.50"


def sales(prefix: str = "T") -> list[str]:
    return [sale(number, prefix) for number in range(1, SALES + 1)]


def with_stray_quote(lines: list[str], index: int) -> list[str]:
    """`lines` with an opening quote before the date of line `index` that never closes."""
    broken = list(lines)
    broken[index] = broken[index].replace(",2024-", ',"2024-', 1)
    return broken


def write_batch(path: Path, table: str, lines: list[str], newline: str = "\n", bom: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((bom + newline.join([HEADERS[table], *lines]) + newline).encode("utf-8"))
    return path


def write_export(raw_dir: Path, transactions: list[str] | None = None) -> Path:
    write_batch(raw_dir / "customers.csv", "customers", [CUSTOMER])
    write_batch(raw_dir / "products.csv", "products", [PRODUCT])
    write_batch(raw_dir / "transactions.csv", "transactions", transactions or sales())
    return raw_dir


def load(raw_dir: Path, database: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scripts.load_raw", str(raw_dir), "--duckdb-path", str(database), *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def loaded(database: Path, sql: str, parameters: list | None = None) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql, parameters or []).fetchall()


def batch_rows(database: Path, batch_name: str) -> list[str]:
    """The transaction ids (or malformed texts) the loader stored for one batch file."""
    return sorted(
        row[0]
        for row in loaded(
            database,
            "select coalesce(transactionid, _malformed) from raw.transactions where split_part(_batch, '#', 1) = ?",
            [batch_name],
        )
    )


def assert_refused(result: subprocess.CompletedProcess, message: str) -> None:
    assert result.returncode == 1, result.stdout
    assert result.stderr.strip().splitlines() == [message]


# --- Names: the file read is the file named -------------------------------------------------------------

GLOB_NAMES = {
    # batch name: a decoy file the name matches when read as a glob pattern
    "transactions_[copy].csv": "transactions_c.csv",
    "transactions_a*b.csv": "transactions_aXb.csv",
    "transactions_q?.csv": "transactions_q1.csv",
    "transactions_it's here.csv": None,
}


def test_glob_characters_in_folder_and_batch_names_read_the_file_named(tmp_path: Path) -> None:
    raw_dir = write_export(tmp_path / "exports [2024]")
    write_export(tmp_path / "exports 2", [sale(1, "DECOY")])  # what `exports [2024]` matches as a pattern
    expected = {"transactions.csv": [sale(n).split(",")[0] for n in range(1, SALES + 1)]}
    for number, (name, decoy) in enumerate(GLOB_NAMES.items()):
        write_batch(raw_dir / name, "transactions", [sale(n, f"G{number}") for n in range(1, 4)])
        expected[name] = [f"G{number}{n:05d}" for n in range(1, 4)]
        if decoy:
            write_batch(raw_dir / decoy, "transactions", [sale(n, f"D{number}") for n in range(1, 3)])
            expected[decoy] = [f"D{number}{n:05d}" for n in range(1, 3)]
    database = tmp_path / "working.duckdb"
    result = load(raw_dir, database)
    assert result.returncode == 0, result.stderr
    for name, ids in expected.items():
        assert batch_rows(database, name) == sorted(ids), name
    recorded = dict(loaded(database, "select batch, sha256 from raw._loaded_batches where table_name = 'transactions'"))
    assert recorded == {name: file_sha256(raw_dir / name) for name in expected}


def test_a_parquet_batch_with_glob_characters_reads_the_file_named(tmp_path: Path) -> None:
    raw_dir = write_export(tmp_path / "raw")
    for name, customer_id in (("customers_[p].parquet", "CGLOB"), ("customers_p.parquet", "CDECOY")):
        write_parquet(
            raw_dir / name,
            f"select '{customer_id}' as CustomerID, 'Bo' as CustomerName, 'Asia' as Region, '2024-01-01' as SignupDate",
        )
    database = tmp_path / "working.duckdb"
    assert load(raw_dir, database).returncode == 0
    assert loaded(database, "select split_part(_batch, '#', 1), customerid from raw.customers order by 1") == [
        ("customers.csv", "C0001"),
        ("customers_[p].parquet", "CGLOB"),
        ("customers_p.parquet", "CDECOY"),
    ]


def test_a_temporary_folder_with_glob_characters_is_read_literally(tmp_path: Path) -> None:
    raw_dir = write_export(tmp_path / "raw")
    scratch = tmp_path / "tmp [x]*"
    scratch.mkdir()
    database = tmp_path / "working.duckdb"
    result = load(raw_dir, database, env={**os.environ, "TMPDIR": str(scratch)})
    assert result.returncode == 0, result.stderr
    assert loaded(database, "select count(*) from raw.transactions") == [(SALES,)]


def test_a_batch_that_changes_between_check_and_load_is_refused(tmp_path: Path) -> None:
    path = write_batch(tmp_path / "transactions.csv", "transactions", sales())
    checked = Batch("transactions", path, file_sha256(path))
    write_batch(path, "transactions", [*sales(), sale(SALES + 1)])  # the export was still being written
    with duckdb.connect() as connection, pytest.raises(RawFileError) as refused:
        stage_batch(connection, checked, "staged_rows")
    assert str(refused.value) == (
        f"{path}: changed while the loader read it; load again when it is complete (nothing of it was loaded)"
    )


def test_a_batch_refused_after_its_rows_were_appended_leaves_none_of_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loader parses a batch straight into the raw table, in a transaction: when the batch is refused
    after that (here the line count, faked, disagrees with what the reader finds), none of its rows stay,
    and the next load of the same working database works."""
    raw_dir = write_export(tmp_path / "raw")
    database = tmp_path / "working.duckdb"
    assert load(raw_dir, database).returncode == 0
    late = write_batch(raw_dir / "transactions_2.csv", "transactions", [sale(n, "L") for n in range(1, 4)])
    counted = load_raw.scan_csv

    def one_line_too_many(path: Path, width: int) -> LineScan:
        scan = counted(path, width)
        if path.read_bytes() == late.read_bytes():
            scan.rows += 1
        return scan

    monkeypatch.setattr(load_raw, "scan_csv", one_line_too_many)
    target = load_raw.DuckDBTarget(database)
    try:
        with pytest.raises(RawFileError) as refused:
            load_raw.load(raw_dir, target, load_raw.collect_batches(raw_dir))
    finally:
        target.close()
    assert str(refused.value).startswith(f"{late}: the CSV reader finds 3 rows where the file's lines hold 4")
    assert batch_rows(database, "transactions_2.csv") == []
    assert loaded(database, "select count(*) from raw._loaded_batches where batch = 'transactions_2.csv'") == [(0,)]
    monkeypatch.setattr(load_raw, "scan_csv", counted)
    assert load(raw_dir, database).returncode == 0
    assert batch_rows(database, "transactions_2.csv") == ["L00001", "L00002", "L00003"]


def test_the_generator_writes_parquet_from_the_csv_named(tmp_path: Path) -> None:
    out_dir = tmp_path / "it's [x]"
    write_export(tmp_path / "it's x", [sale(1, "DECOY")])  # what `[x]` matches as a pattern
    generate(out_dir, seed=1, customers=5, products=3, transactions=10, parquet=True)
    with duckdb.connect() as connection:
        for table in raw_columns():
            with (out_dir / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
                csv_rows = [tuple(row) for row in csv.reader(handle)][1:]
            parquet = duckdb_literal(connection, out_dir / f"{table}.parquet")
            assert sorted(connection.execute("select * from read_parquet(?)", [parquet]).fetchall()) == sorted(
                csv_rows
            ), table


# --- Lines: every line of the file ends as a row or as a malformed row with its text ----------------------


@pytest.mark.parametrize("index", [0, SALES // 2, SALES - 1], ids=["top", "middle", "end"])
def test_a_stray_quote_costs_its_own_line_and_no_other(tmp_path: Path, index: int) -> None:
    lines = with_stray_quote(sales(), index)
    raw_dir = write_export(tmp_path / "raw", lines)
    database = tmp_path / "working.duckdb"
    result = load(raw_dir, database)
    assert result.returncode == 0, result.stderr
    assert "transactions: +999" in result.stdout
    assert loaded(database, "select _line, _malformed from raw.transactions where _malformed is not null") == [
        (index + 2, lines[index])
    ]  # line 1 is the header
    parsed = sorted(
        row[0] for row in loaded(database, "select transactionid from raw.transactions where _malformed is null")
    )
    assert parsed == sorted(line.split(",")[0] for number, line in enumerate(lines) if number != index)


def test_a_line_over_the_readers_buffer_is_kept_whole_as_malformed(tmp_path: Path) -> None:
    lines = sales()
    lines[500] = sale(501).replace("P001", "P" * 40_000_000)  # DuckDB's reader drops such a line silently
    raw_dir = write_export(tmp_path / "raw", lines)
    database = tmp_path / "working.duckdb"
    result = load(raw_dir, database)
    assert result.returncode == 0, result.stderr
    assert loaded(
        database, "select _line, length(_malformed), md5(_malformed) from raw.transactions where _malformed is not null"
    ) == [(502, len(lines[500]), hashlib.md5(lines[500].encode()).hexdigest())]
    assert loaded(database, "select count(*) from raw.transactions") == [(SALES,)]


def test_a_quoted_field_over_several_lines_is_one_row(tmp_path: Path) -> None:
    raw_dir = write_export(tmp_path / "raw")
    write_batch(raw_dir / "customers.csv", "customers", [CUSTOMER, 'C0002,"Bo\nChan, Jr.",Asia,2024-02-03'])
    database = tmp_path / "working.duckdb"
    assert load(raw_dir, database).returncode == 0
    assert loaded(database, "select customerid, customername, _malformed from raw.customers order by 1") == [
        ("C0001", "Ann Lee", None),
        ("C0002", "Bo\nChan, Jr.", None),
    ]


@pytest.mark.parametrize(
    "newline, bom", [("\r\n", ""), ("\n", "\ufeff"), ("\r\n", "\ufeff")], ids=["crlf", "bom", "crlf_bom"]
)
def test_crlf_and_bom_files_load_the_same_rows(tmp_path: Path, newline: str, bom: str) -> None:
    lines = with_stray_quote(sales(), 10)
    raw_dir = write_export(tmp_path / "raw")
    write_batch(raw_dir / "transactions.csv", "transactions", lines, newline=newline, bom=bom)
    database = tmp_path / "working.duckdb"
    assert load(raw_dir, database).returncode == 0
    assert loaded(database, "select _line, _malformed from raw.transactions where _malformed is not null") == [
        (12, lines[10])
    ]
    assert loaded(database, "select count(*), count(distinct transactionid) from raw.transactions") == [
        (SALES, SALES - 1)
    ]


def test_mixed_line_ends_load_every_line(tmp_path: Path) -> None:
    lines = sales()
    raw_dir = write_export(tmp_path / "raw")
    body = "".join(line + ("\r\n" if number % 2 else "\n") for number, line in enumerate(lines))
    (raw_dir / "transactions.csv").write_text(HEADERS["transactions"] + "\n" + body, encoding="utf-8", newline="")
    database = tmp_path / "working.duckdb"
    assert load(raw_dir, database).returncode == 0
    assert sorted(
        row[0] for row in loaded(database, "select transactionid || '|' || price from raw.transactions")
    ) == sorted(f"{line.split(',')[0]}|12.50" for line in lines)


def test_the_seed_check_names_the_line_of_a_stray_quote(tmp_path: Path) -> None:
    write_export(tmp_path, with_stray_quote(sales(), 2))
    result = subprocess.run(
        [sys.executable, "-m", "scripts.check_raw_files", str(tmp_path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert_refused(
        result,
        f"error: {tmp_path / 'transactions.csv'}: line 4 has an unterminated quote; "
        "`dbt seed` cannot load malformed lines: fix them, or load the export with "
        "`python -m scripts.load_raw DIR`, which quarantines them as malformed_row",
    )


# --- Through dbt, on both engines: raw lines = clean + quarantined --------------------------------------

BROKEN_BATCHES = {  # batch file: its lines, each batch with one line that is not a row
    "transactions.csv": with_stray_quote(sales("A"), 0),
    "transactions_b.csv": with_stray_quote(sales("B"), SALES // 2),
    "transactions_c.csv": with_stray_quote(sales("C"), SALES - 1),
}
LONG_LINE = sale(7, "L").replace("P001", "P" * 40 * MAX_RECORD_BYTES)  # over DuckDB's buffer


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def broken_lines_build(request, tmp_path_factory: pytest.TempPathFactory):
    raw_dir = write_export(tmp_path_factory.mktemp("broken_lines"), BROKEN_BATCHES["transactions.csv"])
    for name, lines in BROKEN_BATCHES.items():
        write_batch(raw_dir / name, "transactions", lines)
    write_batch(raw_dir / "transactions_d.csv", "transactions", [sale(1, "L"), LONG_LINE, sale(2, "L")])
    root = tmp_path_factory.mktemp(f"broken_lines_{request.param}")
    if request.param == "postgres":
        project = postgres_project(root, REPO_ROOT / "seeds", request.getfixturevalue("pg_server"), "broken_lines")
    else:
        project = DbtProject.copy_of_repo(root)
    loaded_output = project.load_raw(raw_dir).stdout
    project.dbt("build", "--vars", json.dumps({"raw_source": "files"}))
    return project, loaded_output


def test_every_line_of_broken_batches_ends_clean_or_quarantined(broken_lines_build) -> None:
    project, output = broken_lines_build
    lines = 3 * SALES + 3
    assert "transactions: +3000" in output
    clean = project.query("select count(*) as n from intermediate.int_transactions_clean").n[0]
    refused = project.query("select count(*) as n from staging.quarantine_transactions").n[0]
    assert (clean, refused) == (lines - 4, 4)
    assert clean + refused == lines


def test_broken_lines_are_quarantined_with_their_own_text(broken_lines_build) -> None:
    project, _ = broken_lines_build
    rows = project.query("select quarantine_reason, malformed_line from staging.quarantine_transactions")
    assert set(rows.quarantine_reason) == {"malformed_row"}
    expected = [lines[index] for lines, index in zip(BROKEN_BATCHES.values(), [0, SALES // 2, SALES - 1])]
    assert sorted(rows.malformed_line) == sorted([*expected, LONG_LINE])


# --- Parquet batches: the checks a CSV gets --------------------------------------------------------------

CUSTOMER_SELECT = (
    "select 'C0001' as CustomerID, 'Ann Lee' as CustomerName, 'Europe' as Region, '2024-01-02' as SignupDate"
)


def write_parquet(path: Path, select: str, compression: str = "snappy") -> Path:
    with duckdb.connect() as connection:
        connection.execute(f"copy ({select}) to {sql_string(str(path))} (format parquet, compression {compression})")
    return path


def invalid_utf8_parquet(path: Path) -> Path:
    write_parquet(path, CUSTOMER_SELECT.replace("'Ann Lee'", "'Zoë Lee'"), compression="uncompressed")
    content = path.read_bytes()
    assert "Zoë".encode() in content
    path.write_bytes(content.replace("Zoë".encode(), b"Zo\xff\xfe"))  # same length: the file stays readable
    return path


BAD_PARQUET = {
    "nul byte": (
        lambda path: write_parquet(path, CUSTOMER_SELECT.replace("'Ann Lee'", "'Ann' || chr(0) || 'Lee'")),
        "NUL byte in column CustomerName, row 1; text cannot hold NUL bytes: re-export without them",
    ),
    "invalid UTF-8": (invalid_utf8_parquet, "not UTF-8 text (invalid value Zo\\xFF\\xFE Lee); re-export as UTF-8"),
    "no rows": (lambda path: write_parquet(path, f"{CUSTOMER_SELECT} limit 0"), "holds no rows"),
    "typed column": (
        lambda path: write_parquet(path, CUSTOMER_SELECT.replace("'2024-01-02'", "date '2024-01-02'")),
        ("not a text column: SignupDate is DATE; write every column as a string, as the CSV export holds it"),
    ),
    "missing column": (
        lambda path: write_parquet(path, "select 'C0001' as CustomerID, 'Ann' as CustomerName"),
        ("wrong columns 'CustomerID,CustomerName'; expected 'CustomerID,CustomerName,Region,SignupDate' in any order"),
    ),
    "not Parquet": (
        lambda path: path.write_text(HEADERS["customers"] + "\n" + CUSTOMER + "\n"),
        "not a readable Parquet file",
    ),
}


@pytest.mark.parametrize("case", list(BAD_PARQUET))
def test_a_bad_parquet_batch_is_named_in_one_line_before_anything_is_written(tmp_path: Path, case: str) -> None:
    raw_dir = write_export(tmp_path / "raw")
    make, message = BAD_PARQUET[case]
    path = raw_dir / "customers_2024-06-01.parquet"
    make(path)
    database = tmp_path / "working.duckdb"
    result = load(raw_dir, database)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {path}: {message}"), line
    assert not database.exists()


@pytest.mark.postgres
def test_a_parquet_nul_byte_is_refused_in_one_line_on_postgres(pg_server, tmp_path: Path) -> None:
    raw_dir = write_export(tmp_path / "raw")
    path = BAD_PARQUET["nul byte"][0](raw_dir / "customers_2024-06-01.parquet")
    project = postgres_project(tmp_path / "project", REPO_ROOT / "seeds", pg_server, "parquet_nul")
    result = project.load_raw(raw_dir, check=False)
    assert_refused(result, f"error: {path}: {BAD_PARQUET['nul byte'][1]}")
    assert project.query("select count(*) as n from information_schema.tables where table_schema = 'raw'").n[0] == 0
