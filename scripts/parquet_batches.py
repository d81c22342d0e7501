"""The checks a Parquet batch gets before it is loaded: the same a CSV export gets, in one line naming it.

A Parquet batch must hold the export's columns (any order), every one a string column (the export is text,
as a CSV is: a typed column would be turned into text by rules the export never stated), valid UTF-8
without NUL bytes (PostgreSQL text cannot hold NUL), and at least one row.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from scripts.literal_paths import duckdb_literal
from scripts.raw_files import RawFileError, raw_columns

INVALID_UTF8 = re.compile(r'value "(.*)" is not valid UTF8')


def parquet_row_count(connection: duckdb.DuckDBPyConnection, path: Path) -> int:
    """The row count the file's footer states (counted by the writer, not by the reader that loads it)."""
    source = duckdb_literal(connection, path)
    return connection.execute("select sum(num_rows) from parquet_file_metadata(?)", [source]).fetchone()[0]


def check_parquet_file(connection: duckdb.DuckDBPyConnection, path: Path, table: str) -> None:
    """Raise RawFileError (one line naming `path`) unless it is a Parquet batch the loader can take whole."""
    source = duckdb_literal(connection, path)
    try:
        described = connection.execute("describe select * from read_parquet(?)", [source]).fetchall()
    except duckdb.Error as error:
        raise RawFileError(f"{path}: not a readable Parquet file ({str(error).splitlines()[0]})") from None
    names, expected = [row[0] for row in described], raw_columns()[table]
    if sorted(names) != sorted(expected):
        raise RawFileError(f"{path}: wrong columns {','.join(names)!r}; expected {','.join(expected)!r} in any order")
    typed = [f"{name} is {kind}" for name, kind, *_ in described if kind != "VARCHAR"]
    if typed:
        raise RawFileError(
            f"{path}: not a text column: {', '.join(typed)}; write every column as a string, as the CSV export holds it"
        )
    if parquet_row_count(connection, path) == 0:
        raise RawFileError(f"{path}: holds no rows")
    nul_rows = ", ".join(f'min(file_row_number) filter (where contains("{name}", chr(0)))' for name in names)
    try:
        first_nul = connection.execute(
            f"select {nul_rows} from read_parquet(?, file_row_number = true)", [source]
        ).fetchone()
    except duckdb.InvalidInputException as error:
        value = INVALID_UTF8.search(str(error))
        raise RawFileError(
            f"{path}: not UTF-8 text (invalid value {value.group(1) if value else '?'}); re-export as UTF-8"
        ) from None
    for name, row in zip(names, first_nul):
        if row is not None:
            raise RawFileError(
                f"{path}: NUL byte in column {name}, row {row + 1}; text cannot hold NUL bytes: re-export without them"
            )
