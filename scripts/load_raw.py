"""Load raw export files into the `raw` schema that dbt reads with `--vars '{raw_source: files}'`.

    python -m scripts.load_raw DIR                      # DuckDB (the working database, ECOMMERCE_DUCKDB_PATH)
    python -m scripts.load_raw DIR --target postgres    # PostgreSQL (PG* variables), with COPY

Each table may arrive as several batch files (`transactions.csv`, `transactions_2024-06-02.csv`, ... or
`.parquet`). Every file is checked first (UTF-8 text, the expected header in any order); one bad file stops
the load with one line naming it, before anything is written. Columns are matched by header name and kept
as text. A line that cannot be parsed as a row (too many or too few fields, broken quoting) is loaded as a
row of its own with its raw text in `_malformed`, so staging quarantines it as `malformed_row` and no line
is lost. Loads append: a batch already loaded (same name, same content) is skipped, so a daily run only
reads the new files; a loaded batch that changed or disappeared is an error unless `--full-refresh`
reloads everything. The same parser (DuckDB's CSV reader) serves both targets, so both see the same rows.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

if not __package__:  # run as a file (`python scripts/x.py`): import the project's modules as `-m` does
    sys.path[0] = str(Path(__file__).resolve().parents[1])
from scripts.venv_check import require_modules

require_modules("load_raw", "duckdb")
import duckdb

from scripts import progress
from scripts.raw_files import RawFileError, check_csv_file, find_batches, raw_columns

SCHEMA = "raw"
BATCHES_TABLE = "_loaded_batches"
LINEAGE_COLUMNS = ("_batch", "_line", "_malformed")


@dataclass(frozen=True)
class Batch:
    table: str
    path: Path
    sha256: str

    @property
    def lineage(self) -> str:
        """What every row of the batch carries in `_batch`: the file name and the start of its SHA-256, so a
        batch reloaded with other content (`--full-refresh`) never passes for the one dbt judged before."""
        return f"{self.path.name}#{self.sha256[:12]}"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def collect_batches(raw_dir: Path) -> list[Batch]:
    """Every batch file of every table, checked; raises RawFileError on the first bad one."""
    batches = []
    for table in raw_columns():
        for path in find_batches(raw_dir, table):
            if path.suffix == ".csv":
                check_csv_file(path, table)
            else:
                check_parquet_file(path, table)
            batches.append(Batch(table, path, file_sha256(path)))
    return batches


def check_parquet_file(path: Path, table: str) -> None:
    try:
        names = [row[0] for row in duckdb.execute("describe select * from read_parquet(?)", [str(path)]).fetchall()]
    except duckdb.Error as error:
        raise RawFileError(f"{path}: not a readable Parquet file ({str(error).splitlines()[0]})") from None
    expected = raw_columns()[table]
    if sorted(names) != sorted(expected):
        raise RawFileError(f"{path}: wrong columns {','.join(names)!r}; expected {','.join(expected)!r} in any order")


def parsed_rows_sql(batch: Batch, header: list[str] | None) -> str:
    """SQL (with one `?` for the path) giving the batch's rows: export columns as text + lineage columns."""
    names = raw_columns()[batch.table]
    select = ", ".join(f'cast("{name}" as varchar) as {name.lower()}' for name in names)
    if batch.path.suffix == ".parquet":
        return f"select {select}, ? as _batch, null::bigint as _line, null::varchar as _malformed from read_parquet(?)"
    columns = "{" + ", ".join(f"'{name}': 'VARCHAR'" for name in header) + "}"
    return (f"select {select}, ? as _batch, null::bigint as _line, null::varchar as _malformed "
            f"from read_csv(?, header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
            f"columns = {columns}, store_rejects = true, rejects_table = 'rejected_lines', "
            f"rejects_scan = 'rejected_scans')")


def malformed_rows_sql(table: str) -> str:
    """The rejected lines of the last CSV scan, one row each (a line may be rejected for several columns)."""
    nulls = ", ".join(f"null::varchar as {name.lower()}" for name in raw_columns()[table])
    return (f"select {nulls}, ? as _batch, line::bigint as _line, "
            f"trim(min(csv_line), chr(10) || chr(13)) as _malformed from rejected_lines group by line")


def stage_batch(connection: duckdb.DuckDBPyConnection, batch: Batch, staging_table: str) -> int:
    """Parse one batch into `staging_table` (created here); returns its row count (parsed + malformed)."""
    header = check_csv_file(batch.path, batch.table) if batch.path.suffix == ".csv" else None
    connection.execute("drop table if exists rejected_lines; drop table if exists rejected_scans")
    sql = f"create or replace temp table {staging_table} as {parsed_rows_sql(batch, header)}"
    try:
        connection.execute(sql, [batch.lineage, str(batch.path)])
    except duckdb.InvalidInputException:
        # DuckDB's strict reader gives up on a file that mixes CRLF and LF line ends; read a copy with LF only.
        with tempfile.TemporaryDirectory() as scratch:
            normalised = Path(scratch) / batch.path.name
            normalised.write_bytes(batch.path.read_bytes().replace(b"\r\n", b"\n"))
            connection.execute("drop table if exists rejected_lines; drop table if exists rejected_scans")
            try:
                connection.execute(sql, [batch.lineage, str(normalised)])
            except duckdb.Error as error:
                raise RawFileError(f"{batch.path}: cannot be read as CSV ({str(error).splitlines()[0]})") from None
    if header is not None:
        connection.execute(f"insert into {staging_table} {malformed_rows_sql(batch.table)}", [batch.lineage])
    return connection.execute(f"select count(*) from {staging_table}").fetchone()[0]


def table_ddl(table: str, qualified: str) -> str:
    columns = [f"{name.lower()} text" for name in raw_columns()[table]]
    return f"create table {qualified} ({', '.join(columns)}, _batch text, _line bigint, _malformed text)"


class Target:
    """Where loaded rows go; DuckDB and PostgreSQL differ only in how rows travel."""

    def execute(self, sql: str, parameters: list | None = None) -> list[tuple]:
        raise NotImplementedError

    def write(self, parser: duckdb.DuckDBPyConnection, staging_table: str, batch: Batch, record: list) -> None:
        """Append the staged rows and the batch's record, in one transaction."""
        raise NotImplementedError

    def finish(self) -> None:
        pass

    def close(self) -> None:
        raise NotImplementedError


class DuckDBTarget(Target):
    def __init__(self, path: Path) -> None:
        self.connection = duckdb.connect(str(path))

    def execute(self, sql: str, parameters: list | None = None) -> list[tuple]:
        return self.connection.execute(sql, parameters or []).fetchall()

    def parser(self) -> duckdb.DuckDBPyConnection:
        # A parse error aborts a DuckDB transaction: parsing runs outside the one that writes the batch.
        return self.connection

    def write(self, parser: duckdb.DuckDBPyConnection, staging_table: str, batch: Batch, record: list) -> None:
        self.connection.execute("begin")
        self.connection.execute(f"insert into {SCHEMA}.{batch.table} select * from {staging_table}")
        self.connection.execute(f"insert into {SCHEMA}.{BATCHES_TABLE} values (?, ?, ?, ?, ?)", record)
        self.connection.execute("commit")

    def close(self) -> None:
        self.connection.close()


class PostgresTarget(Target):
    def __init__(self) -> None:
        import psycopg2

        self.connection = psycopg2.connect(
            host=os.environ.get("PGHOST", "127.0.0.1"), port=os.environ.get("PGPORT", "5432"),
            user=os.environ.get("PGUSER", "postgres"), password=os.environ.get("PGPASSWORD", ""),
            dbname=os.environ.get("PGDATABASE", "ecommerce"), connect_timeout=5)
        self._parser = duckdb.connect()

    def execute(self, sql: str, parameters: list | None = None) -> list[tuple]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql.replace("?", "%s"), parameters or None)
            return cursor.fetchall() if cursor.description else []

    def parser(self) -> duckdb.DuckDBPyConnection:
        return self._parser

    def write(self, parser: duckdb.DuckDBPyConnection, staging_table: str, batch: Batch, record: list) -> None:
        with tempfile.TemporaryDirectory() as scratch:
            csv_path = Path(scratch) / "rows.csv"
            parser.execute(f"copy {staging_table} to '{csv_path}' (format csv, header false)")
            with csv_path.open(encoding="utf-8", newline="") as handle, self.connection.cursor() as cursor:
                cursor.copy_expert(f"copy {SCHEMA}.{batch.table} from stdin with (format csv, header false)", handle)
                cursor.execute(f"insert into {SCHEMA}.{BATCHES_TABLE} values (%s, %s, %s, %s, %s)", record)
        self.connection.commit()

    def finish(self) -> None:
        # dbt plans the base models right after the load, before autovacuum would have gathered statistics.
        self.connection.commit()
        self.connection.autocommit = True
        with self.connection.cursor() as cursor:
            for table in raw_columns():
                cursor.execute(f"analyze {SCHEMA}.{table}")

    def close(self) -> None:
        self.connection.close()
        self._parser.close()


def load(raw_dir: Path, target: Target, full_refresh: bool = False) -> dict[str, int]:
    """Load the new batches of `raw_dir`; returns rows added per table. Raises RawFileError when refused."""
    batches = collect_batches(raw_dir)
    target.execute(f"create schema if not exists {SCHEMA}")
    existing = {row[0] for row in target.execute(
        "select table_name from information_schema.tables where table_schema = ?", [SCHEMA])}
    if full_refresh or BATCHES_TABLE not in existing:
        for table in [*raw_columns(), BATCHES_TABLE]:
            target.execute(f"drop table if exists {SCHEMA}.{table}")
        for table in raw_columns():
            target.execute(table_ddl(table, f"{SCHEMA}.{table}"))
        target.execute(f"create table {SCHEMA}.{BATCHES_TABLE} (table_name text, batch text, sha256 text, "
                       "row_count bigint, loaded_at text)")
    loaded = {(table, batch): sha for table, batch, sha in target.execute(
        f"select table_name, batch, sha256 from {SCHEMA}.{BATCHES_TABLE}")}
    present = {(batch.table, batch.path.name) for batch in batches}
    for table, batch_name in sorted(set(loaded) - present):
        raise RawFileError(f"{raw_dir / batch_name}: loaded before but no longer there; restore it or reload "
                           "everything with --full-refresh")
    added = {table: 0 for table in raw_columns()}
    parser = target.parser()
    for batch in batches:
        key = (batch.table, batch.path.name)
        if key in loaded:
            if loaded[key] != batch.sha256:
                raise RawFileError(f"{batch.path}: changed since it was loaded; batches are append-only "
                                   "(add a new file), or reload everything with --full-refresh")
            continue
        rows = stage_batch(parser, batch, "staged_rows")
        target.write(parser, "staged_rows", batch,
                     [batch.table, batch.path.name, batch.sha256, rows, time.strftime("%Y-%m-%dT%H:%M:%S")])
        added[batch.table] += rows
    target.finish()
    return added


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[1:]))
    parser.add_argument("raw_dir", type=Path, help="folder with the customers*, products*, transactions* files")
    parser.add_argument("--target", choices=["duckdb", "postgres"], default=os.environ.get("DBT_TARGET", "duckdb"),
                        help="where to load (default: DBT_TARGET or duckdb)")
    parser.add_argument("--duckdb-path", type=Path,
                        default=Path(os.environ.get("ECOMMERCE_DUCKDB_PATH", "ecommerce.duckdb")),
                        help="DuckDB working database (default: ECOMMERCE_DUCKDB_PATH or ecommerce.duckdb)")
    parser.add_argument("--full-refresh", action="store_true", help="drop what was loaded and load every batch again")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        batches = collect_batches(args.raw_dir)  # refuse bad files before connecting anywhere
        target: Target = DuckDBTarget(args.duckdb_path) if args.target == "duckdb" else connect_postgres()
    except RawFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except duckdb.IOException as error:
        print(f"error: cannot open {args.duckdb_path} for writing ({str(error).splitlines()[0]}); "
              "is a build or another writer using it?", file=sys.stderr)
        return 1
    except ConnectionError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    try:
        with progress.bar(sum(batch.path.stat().st_size for batch in batches), "load_raw", unit="B") as bar:
            # Advances by each batch's size when the loader writes it (already loaded batches are skipped).
            tracked = progress.Advancing(target, "write", bar, lambda *call: call[2].path.stat().st_size)
            added = load(args.raw_dir, tracked, args.full_refresh)
    except RawFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        target.close()
    summary = ", ".join(f"{table}: +{rows}" for table, rows in added.items())
    print(f"loaded {args.raw_dir} into schema {SCHEMA} on {args.target} in {time.monotonic() - started:.1f}s — {summary}")
    return 0


def connect_postgres() -> PostgresTarget:
    import psycopg2

    from scripts.pg_server import explain_connection_failure

    try:
        return PostgresTarget()
    except psycopg2.OperationalError as error:
        raise ConnectionError(explain_connection_failure(
            os.environ.get("PGHOST", "127.0.0.1"), int(os.environ.get("PGPORT", "5432")),
            os.environ.get("PGUSER", "postgres"), os.environ.get("PGDATABASE", "ecommerce"), error)) from None


if __name__ == "__main__":
    sys.exit(main())
