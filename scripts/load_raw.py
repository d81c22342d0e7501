"""Load raw export files into the `raw` schema that dbt reads with `--vars '{raw_source: files}'`.

    python -m scripts.load_raw DIR                      # DuckDB (the working database, ECOMMERCE_DUCKDB_PATH)
    python -m scripts.load_raw DIR --target postgres    # PostgreSQL (PG* variables), with COPY
    python -m scripts.load_raw DIR --target spark_cluster   # Parquet files + tables on a Spark cluster

Each table may arrive as several batch files (`transactions.csv`, `transactions_2024-06-02.csv`, ... or
`.parquet`). Every file is checked first (UTF-8 text without NUL bytes, at least one row, the expected
columns in any order, Parquet columns as strings); one bad file stops the load with one line naming it,
before anything is written. Columns are matched by header name and kept as text. A line that cannot be
parsed as a row (too many or too few fields, broken quoting, over 1 MiB) is loaded as a row of its own with
its raw text in `_malformed`, so staging quarantines it as `malformed_row` and no line is lost: the lines
are counted independently of the CSV reader, so a stray quote costs its own line, never the lines after
it. Each batch is read from a private copy whose hash is the one recorded, so the file read is the file
named (`[ ] * ?` in a name included) and unchanged since it was checked. Loads append: a batch already
loaded (same name, same content) is skipped, so a daily run only reads the new files; a loaded batch that
changed or disappeared is an error unless `--full-refresh` reloads everything. The same parsing serves
both targets, so both see the same rows.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

if not __package__:  # run as a file (`python scripts/x.py`): import the project's modules as `-m` does
    sys.path[0] = str(Path(__file__).resolve().parents[1])
from scripts.venv_check import require_modules

require_modules("load_raw", "duckdb")
import duckdb

from scripts import progress
from scripts.csv_lines import MAX_RECORD_BYTES, scan_csv, write_rows
from scripts.literal_paths import duckdb_literal, snapshot, sql_string
from scripts.parquet_batches import check_parquet_file, parquet_row_count
from scripts.raw_files import RawFileError, check_csv_file, find_batches, raw_columns, read_csv_header

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
    with duckdb.connect() as connection:
        for table in raw_columns():
            for path in find_batches(raw_dir, table):
                if path.suffix == ".csv":
                    check_csv_file(path, table)
                else:
                    check_parquet_file(connection, path, table)
                batches.append(Batch(table, path, file_sha256(path)))
    return batches


def parsed_rows_sql(batch: Batch, header: list[str] | None) -> str:
    """SQL (with one `?` for the lineage, one for the path) giving a batch's rows as export columns (text)
    plus lineage columns; a CSV's unparsable lines go to the table `rejected_lines`."""
    names = raw_columns()[batch.table]
    select = ", ".join(f'cast("{name}" as varchar) as {name.lower()}' for name in names)
    if header is None:
        return f"select {select}, ? as _batch, null::bigint as _line, null::varchar as _malformed from read_parquet(?)"
    columns = "{" + ", ".join(f"'{name}': 'VARCHAR'" for name in header) + "}"
    return (
        f"select {select}, ? as _batch, null::bigint as _line, null::varchar as _malformed "
        f"from read_csv(?, header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
        f"columns = {columns}, max_line_size = {2 * MAX_RECORD_BYTES}, store_rejects = true, "
        "rejects_table = 'rejected_lines', rejects_scan = 'rejected_scans')"
    )


def parse_into(
    connection: duckdb.DuckDBPyConnection,
    batch: Batch,
    header: list[str] | None,
    path: Path,
    staging_table: str,
    append: bool = False,
) -> tuple[int, set[int]]:
    """Parse `path` (a snapshot of the batch) into `staging_table`, a new temporary table or, with `append`,
    an existing table in a transaction this opens (the caller commits it or rolls it back): (rows parsed,
    line numbers rejected)."""
    connection.execute("drop table if exists rejected_lines; drop table if exists rejected_scans")
    if append:
        connection.execute("begin")
    rows = connection.execute(
        f"{'insert into' if append else 'create or replace temp table'} {staging_table} "
        f"{'' if append else 'as '}{parsed_rows_sql(batch, header)}",
        [batch.lineage, duckdb_literal(connection, path)],
    ).fetchone()[0]
    if header is None:
        return rows, set()
    return rows, {row[0] for row in connection.execute("select line from rejected_lines").fetchall()}


def stage_csv(
    connection: duckdb.DuckDBPyConnection, batch: Batch, copy: Path, staging_table: str, append: bool = False
) -> int:
    """Stage a CSV batch: its rows, and each malformed line as a row of its own with its text.

    The lines are counted independently of DuckDB's reader (scripts/csv_lines.py). When the reader agrees
    (same rows, same rejected lines), its rows are kept; when it does not (a broken quote that swallowed the
    lines after it, a line over its buffer, mixed line ends), it reads the rows the line count found instead.
    With `append`, the rows go straight into `staging_table` in a transaction left open for the caller.
    """
    header = read_csv_header(copy)
    scan = scan_csv(copy, len(header))
    try:
        agreed = parse_into(connection, batch, header, copy, staging_table, append) == (
            scan.rows,
            {line for line, _ in scan.malformed},
        )
    except duckdb.InvalidInputException:
        agreed = False
    if not agreed:
        if append:  # the reader's rows are not kept: neither are the ones it appended
            connection.execute("rollback")
        rows_only = copy.with_name("rows.csv")
        write_rows(copy, header, rows_only)
        parsed, rejected = parse_into(connection, batch, header, rows_only, staging_table, append)
        if (parsed, rejected) != (scan.rows, set()):
            raise RawFileError(
                f"{batch.path}: the CSV reader finds {parsed} rows where the file's lines hold "
                f"{scan.rows}; check its quoting near line {min(rejected, default='?')}"
            )
    nulls = ", ".join(f"null::varchar as {name.lower()}" for name in raw_columns()[batch.table])
    connection.execute(
        f"insert into {staging_table} select {nulls}, ? as _batch, unnest(?::bigint[]) as _line, "
        "unnest(?::varchar[]) as _malformed",
        [batch.lineage, [line for line, _ in scan.malformed], [text for _, text in scan.malformed]],
    )
    staged = connection.execute(f"select count(*) from {staging_table} where _batch = ?", [batch.lineage]).fetchone()[0]
    if staged != scan.records:
        raise RawFileError(
            f"{batch.path}: {staged} rows staged where its lines hold {scan.records} records; nothing of it was loaded"
        )
    return staged


def stage_batch(connection: duckdb.DuckDBPyConnection, batch: Batch, staging_table: str, append: bool = False) -> int:
    """Parse one batch into `staging_table` (created here; with `append`, an existing table, in a transaction
    left open for the caller) from a snapshot whose hash is the one checked; returns its row count (rows +
    malformed lines), verified against a count independent of the reader."""
    with snapshot(batch.path) as (copy, sha256):
        if sha256 != batch.sha256:
            raise RawFileError(
                f"{batch.path}: changed while the loader read it; load again when it is "
                "complete (nothing of it was loaded)"
            )
        if batch.path.suffix == ".csv":
            return stage_csv(connection, batch, copy, staging_table, append)
        rows, _ = parse_into(connection, batch, None, copy, staging_table, append)
        if rows != parquet_row_count(connection, copy):
            raise RawFileError(
                f"{batch.path}: read {rows} rows where its footer states "
                f"{parquet_row_count(connection, copy)}; re-export it"
            )
        return rows


def batch_record(batch: Batch, rows: int) -> list:
    """The batch's row of `_loaded_batches`, stamped now: loaded_at in UTC, as `dbt source freshness` compares
    it with the warehouse's UTC clock."""
    return [batch.table, batch.path.name, batch.sha256, rows, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())]


def table_ddl(table: str, qualified: str) -> str:
    columns = [f"{name.lower()} text" for name in raw_columns()[table]]
    return f"create table {qualified} ({', '.join(columns)}, _batch text, _line bigint, _malformed text)"


class Target:
    """Where loaded rows go; DuckDB and PostgreSQL differ only in how rows travel."""

    def execute(self, sql: str, parameters: list | None = None) -> list[tuple]:
        raise NotImplementedError

    def parser(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection that parses a batch before `write` sends its rows."""
        raise NotImplementedError

    def write(self, parser: duckdb.DuckDBPyConnection, staging_table: str, batch: Batch, record: list) -> None:
        """Append the staged rows and the batch's record, in one transaction."""
        raise NotImplementedError

    def load_batch(self, batch: Batch) -> int:
        """Parse `batch` and append its rows and its record, in one transaction; returns its row count."""
        parser = self.parser()
        rows = stage_batch(parser, batch, "staged_rows")
        self.write(parser, "staged_rows", batch, batch_record(batch, rows))
        return rows

    def finish(self, tables: Iterable[str] | None = None) -> None:
        """After a load of `tables` (default: the raw tables): commit, gather what the planner needs."""

    def close(self) -> None:
        raise NotImplementedError


class DuckDBTarget(Target):
    def __init__(self, path: Path) -> None:
        self.connection = duckdb.connect(str(path))

    def execute(self, sql: str, parameters: list | None = None) -> list[tuple]:
        return self.connection.execute(sql, parameters or []).fetchall()

    def load_batch(self, batch: Batch) -> int:
        # Parsed straight into the raw table: no staging copy of the rows (a quarter of the load at 10 M rows).
        try:
            rows = stage_batch(self.connection, batch, f"{SCHEMA}.{batch.table}", append=True)
            self.connection.execute(
                f"insert into {SCHEMA}.{BATCHES_TABLE} values (?, ?, ?, ?, ?)", batch_record(batch, rows)
            )
            self.connection.execute("commit")
        except BaseException:
            # Nothing of a refused batch stays: its rows were appended in the transaction still open.
            with contextlib.suppress(duckdb.TransactionException):
                self.connection.execute("rollback")
            raise
        return rows

    def close(self) -> None:
        self.connection.close()


class PostgresTarget(Target):
    def __init__(self) -> None:
        import psycopg2

        self.connection = psycopg2.connect(
            host=os.environ.get("PGHOST", "127.0.0.1"),
            port=os.environ.get("PGPORT", "5432"),
            user=os.environ.get("PGUSER", "postgres"),
            password=os.environ.get("PGPASSWORD", ""),
            dbname=os.environ.get("PGDATABASE", "ecommerce"),
            connect_timeout=5,
        )
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
            parser.execute(f"copy {staging_table} to {sql_string(str(csv_path))} (format csv, header false)")
            with csv_path.open(encoding="utf-8", newline="") as handle, self.connection.cursor() as cursor:
                cursor.copy_expert(f"copy {SCHEMA}.{batch.table} from stdin with (format csv, header false)", handle)
                if cursor.rowcount != record[3]:
                    self.connection.rollback()
                    raise RawFileError(
                        f"{batch.path}: PostgreSQL's COPY stored {cursor.rowcount} rows of "
                        f"{record[3]}; nothing of it was loaded"
                    )
                cursor.execute(f"insert into {SCHEMA}.{BATCHES_TABLE} values (%s, %s, %s, %s, %s)", record)
        self.connection.commit()

    def finish(self, tables: Iterable[str] | None = None) -> None:
        # dbt plans the base models right after the load, before autovacuum would have gathered statistics.
        self.connection.commit()
        self.connection.autocommit = True
        with self.connection.cursor() as cursor:
            for table in raw_columns() if tables is None else tables:
                cursor.execute(f"analyze {SCHEMA}.{table}")

    def close(self) -> None:
        self.connection.close()
        self._parser.close()


def load(raw_dir: Path, target: Target, batches: list[Batch], full_refresh: bool = False) -> dict[str, int]:
    """Load the new ones of `batches` (checked by collect_batches); returns rows added per table. Raises
    RawFileError when refused."""
    target.execute(f"create schema if not exists {SCHEMA}")
    existing = {
        row[0]
        for row in target.execute("select table_name from information_schema.tables where table_schema = ?", [SCHEMA])
    }
    if full_refresh or BATCHES_TABLE not in existing:
        for table in [*raw_columns(), BATCHES_TABLE]:
            target.execute(f"drop table if exists {SCHEMA}.{table}")
        for table in raw_columns():
            target.execute(table_ddl(table, f"{SCHEMA}.{table}"))
        target.execute(
            f"create table {SCHEMA}.{BATCHES_TABLE} (table_name text, batch text, sha256 text, "
            "row_count bigint, loaded_at text)"
        )
    loaded = {
        (table, batch): sha
        for table, batch, sha in target.execute(f"select table_name, batch, sha256 from {SCHEMA}.{BATCHES_TABLE}")
    }
    present = {(batch.table, batch.path.name) for batch in batches}
    for _table, batch_name in sorted(set(loaded) - present):
        raise RawFileError(
            f"{raw_dir / batch_name}: loaded before but no longer there; restore it or reload "
            "everything with --full-refresh"
        )
    added = {table: 0 for table in raw_columns()}
    for batch in batches:
        key = (batch.table, batch.path.name)
        if key in loaded:
            if loaded[key] != batch.sha256:
                raise RawFileError(
                    f"{batch.path}: changed since it was loaded; batches are append-only "
                    "(add a new file), or reload everything with --full-refresh"
                )
            continue
        added[batch.table] += target.load_batch(batch)
    target.finish()
    return added


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[1:]),
    )
    parser.add_argument("raw_dir", type=Path, help="folder with the customers*, products*, transactions* files")
    parser.add_argument(
        "--target",
        choices=["duckdb", "postgres", "spark_cluster"],
        default=os.environ.get("DBT_TARGET", "duckdb"),
        help="where to load (default: DBT_TARGET or duckdb)",
    )
    parser.add_argument(
        "--duckdb-path",
        type=Path,
        default=Path(os.environ.get("ECOMMERCE_DUCKDB_PATH", "ecommerce.duckdb")),
        help="DuckDB working database (default: ECOMMERCE_DUCKDB_PATH or ecommerce.duckdb)",
    )
    parser.add_argument("--full-refresh", action="store_true", help="drop what was loaded and load every batch again")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        batches = collect_batches(args.raw_dir)  # refuse bad files before connecting anywhere
        target: Target = (
            DuckDBTarget(args.duckdb_path)
            if args.target == "duckdb"
            else connect_postgres()
            if args.target == "postgres"
            else connect_spark_cluster()
        )
    except RawFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except duckdb.IOException as error:
        print(
            f"error: cannot open {args.duckdb_path} for writing ({str(error).splitlines()[0]}); "
            "is a build or another writer using it?",
            file=sys.stderr,
        )
        return 1
    except ConnectionError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    try:
        with progress.bar(sum(batch.path.stat().st_size for batch in batches), "load_raw", unit="B") as bar:
            # Advances by each batch's size when the loader writes it (already loaded batches are skipped).
            tracked = progress.Advancing(target, "load_batch", bar, lambda batch: batch.path.stat().st_size)
            added = load(args.raw_dir, tracked, batches, args.full_refresh)
    except RawFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        target.close()
    summary = ", ".join(f"{table}: +{rows}" for table, rows in added.items())
    print(
        f"loaded {args.raw_dir} into schema {SCHEMA} on {args.target} in {time.monotonic() - started:.1f}s — {summary}"
    )
    return 0


def connect_postgres() -> PostgresTarget:
    import psycopg2

    from scripts.pg_server import explain_connection_failure

    try:
        return PostgresTarget()
    except psycopg2.OperationalError as error:
        raise ConnectionError(
            explain_connection_failure(
                os.environ.get("PGHOST", "127.0.0.1"),
                int(os.environ.get("PGPORT", "5432")),
                os.environ.get("PGUSER", "postgres"),
                os.environ.get("PGDATABASE", "ecommerce"),
                error,
            )
        ) from None


def connect_spark_cluster() -> Target:
    from scripts.load_raw_spark import SparkClusterTarget  # its own module (scripts/load_raw_spark.py)

    return SparkClusterTarget()


if __name__ == "__main__":
    sys.exit(main())
