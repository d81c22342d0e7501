"""The benchmark's PostgreSQL engine floor: the project's whole job as one hand-written PostgreSQL script.

The PostgreSQL counterpart of bench/floor.py, for the build on the postgres target. It COPYs every batch file
of each raw table (`transactions.csv`, `transactions_2024-07-01.csv`, ...; found as bench/floor.py finds
them, columns matched by header name, all as text) from this client into scratch tables, runs
bench/floor_pg.sql (the rules of bench/floor.sql: the clean and quarantine tables in schemas `staging` and
`intermediate`, every mart in `marts` and the time spine in `semantic`, with the columns, PostgreSQL types
and rows of `dbt build --target postgres`), then the data checks of bench/floor_checks.sql (the same file
as the DuckDB floor: its SQL runs on both), and fails when any check fails. The time printed covers all of
it: load, SQL, checks.

The connection comes from the libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE), and the
session keeps the server's settings, as dbt's postgres target does (profiles.yml sets none). Use a
database of its own: the floor refuses to start when its schemas exist, unless --replace drops them.

What it leaves out is what bench/floor.py leaves out (most column-level tests, unit tests, the publish step,
the raw tables dbt keeps; see its docstring) and the predicted-value marts (their inputs come from the fit,
not from the raw files). Differences in reading the files: each file goes through PostgreSQL's COPY as it is;
only a file COPY refuses (a line with too many or too few fields, a broken quote, a blank line, mixed line
ends) is split by the loader's own line rules (scripts/csv_lines.py), its rows copied and each malformed
line kept with its text as a malformed_row, as scripts/load_raw.py does. A malformed line COPY happens to
accept (a stray quote that pairs with a later one into a record of the right width, a line over 1 MiB) is
read as COPY reads it, and a line `\\.` ends COPY's data. The floor reads CSV only (no .parquet batches).

    python -m bench.floor_pg data/raw
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

import psycopg2
import psycopg2.extensions
import psycopg2.extras

from bench.floor import CHECKS_SQL, RAW_TABLES, add_project_vars, batch_files, check_project_vars, decimal_text
from scripts.csv_lines import scan_csv, write_rows
from scripts.raw_files import RawFileError, check_header, raw_columns, read_csv_header

BENCH_DIR = Path(__file__).resolve().parent
FLOOR_PG_SQL = BENCH_DIR / "floor_pg.sql"
# Where the raw rows and every scratch table live; first on the search_path, dropped after the checks.
WORK_SCHEMA = "floor_work"
OUTPUT_SCHEMAS = ("staging", "intermediate", "marts", "semantic")
LIBPQ_VARIABLES = {
    "PGHOST": "host",
    "PGPORT": "port",
    "PGUSER": "user",
    "PGPASSWORD": "password",
    "PGDATABASE": "dbname",
}

Connection = psycopg2.extensions.connection
Cursor = psycopg2.extensions.cursor


def connect(env: Mapping[str, str] | None = None) -> Connection:
    """A connection from the PG* variables of `env`; libpq reads those of the process for the others."""
    return psycopg2.connect(**{keyword: env[name] for name, keyword in LIBPQ_VARIABLES.items() if env and name in env})


def raw_table_ddl(table: str) -> str:
    """The raw text table: the export's columns in lower case, plus the text of a line that is no row."""
    columns = ", ".join(f"{name.lower()} text" for name in raw_columns()[table])
    return f"create unlogged table {WORK_SCHEMA}.raw_{table} ({columns}, malformed_line text)"


def copy_csv(cursor: Cursor, table: str, header: list[str], path: Path) -> None:
    """COPY a CSV file with a header row into raw_`table`, its columns named by `header`."""
    columns = ", ".join(name.lower() for name in header)
    with path.open("rb") as handle:
        cursor.copy_expert(
            f"copy {WORK_SCHEMA}.raw_{table} ({columns}) from stdin with (format csv, header true)", handle
        )


def copy_rows_and_malformed_lines(cursor: Cursor, table: str, header: list[str], path: Path) -> None:
    """The loader's way with a file COPY refused: its rows, rewritten one per line, then each malformed
    line as a row of its own holding its text (scripts/csv_lines.py decides which lines are rows)."""
    with tempfile.TemporaryDirectory(prefix="floor-pg-") as scratch:
        rows_only = Path(scratch) / "rows.csv"
        write_rows(path, header, rows_only)
        copy_csv(cursor, table, header, rows_only)
    malformed = [(text,) for _, text in scan_csv(path, len(header)).malformed]
    psycopg2.extras.execute_values(
        cursor, f"insert into {WORK_SCHEMA}.raw_{table} (malformed_line) values %s", malformed
    )


def load_batch(cursor: Cursor, table: str, path: Path) -> None:
    """One batch file into raw_`table`: COPY as it is, or the rows and malformed lines when COPY refuses it."""
    header = read_csv_header(path)
    check_header(path, header, raw_columns()[table])
    cursor.execute("savepoint batch")
    try:
        copy_csv(cursor, table, header, path)
    except psycopg2.DataError:
        cursor.execute("rollback to savepoint batch")
        copy_rows_and_malformed_lines(cursor, table, header, path)
    cursor.execute("release savepoint batch")


def load_raw_files(cursor: Cursor, raw_dir: Path) -> None:
    for table in RAW_TABLES:
        cursor.execute(raw_table_ddl(table))
        for path in batch_files(raw_dir, table):
            load_batch(cursor, table, Path(path))


def set_vars(cursor: Cursor, args: argparse.Namespace) -> None:
    """The project's vars (dbt_project.yml) as the settings bench/floor_pg.sql reads with current_setting()."""
    settings = {
        "floor.min_valid_date": args.min_valid_date.isoformat(),
        "floor.max_valid_date": args.max_valid_date.isoformat(),
        "floor.as_of_date": args.as_of_date.isoformat() if args.as_of_date else "",
        "floor.total_tolerance": decimal_text(args.total_tolerance, "total-tolerance"),
        "floor.pareto_share": decimal_text(args.pareto_share, "pareto-share"),
        "floor.active_days": str(args.active_days),
        "floor.churned_days": str(args.churned_days),
    }
    for name, value in settings.items():
        cursor.execute("select set_config(%s, %s, false)", (name, value))


def prepare_schemas(cursor: Cursor, replace: bool) -> None:
    """A fresh floor_work first on the search_path; the output schemas must not exist (or are dropped)."""
    cursor.execute(
        "select nspname from pg_namespace where nspname = any(%s) order by nspname",
        (list(OUTPUT_SCHEMAS),),
    )
    existing = [row[0] for row in cursor.fetchall()]
    if existing and not replace:
        raise SystemExit(
            f"error: the database already holds the schemas {', '.join(existing)}; "
            "use a database of its own or --replace to drop them"
        )
    for schema in (*existing, WORK_SCHEMA):
        cursor.execute(f"drop schema if exists {schema} cascade")
    cursor.execute(f"create schema {WORK_SCHEMA}")
    cursor.execute(f"set search_path = {WORK_SCHEMA}, public")


def build_floor(
    args: argparse.Namespace, floor_sql: str | None = None, env: Mapping[str, str] | None = None
) -> list[str]:
    """Write the floor's tables into the PG* database (of `env`, default the process's) from args.raw_dir
    with `floor_sql` (default: bench/floor_pg.sql); return the failed checks (empty when all passed)."""
    connection = connect(env)
    try:
        connection.set_client_encoding("UTF8")
        with connection.cursor() as cursor:
            prepare_schemas(cursor, args.replace)
            set_vars(cursor, args)
            load_raw_files(cursor, args.raw_dir)
            connection.commit()
            cursor.execute(floor_sql if floor_sql is not None else FLOOR_PG_SQL.read_text(encoding="utf-8"))
            connection.commit()
            cursor.execute(CHECKS_SQL.read_text(encoding="utf-8"))
            failed = [row[0] for row in cursor.fetchall()]
            cursor.execute(f"drop schema {WORK_SCHEMA} cascade")
            connection.commit()
        return failed
    finally:
        connection.close()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[1:]),
    )
    parser.add_argument("raw_dir", type=Path, help="folder with the customers*, products*, transactions* CSV files")
    parser.add_argument(
        "--replace",
        action="store_true",
        help="drop the schemas staging, intermediate, marts and semantic first when the database has them",
    )
    add_project_vars(parser)
    args = parser.parse_args(argv)
    return check_project_vars(parser, args)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    try:
        failed = build_floor(args)
    except psycopg2.OperationalError as error:
        print(f"error: cannot use PostgreSQL: {str(error).strip().splitlines()[0]}", file=sys.stderr)
        return 1
    except RawFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    seconds = time.monotonic() - started
    if failed:
        print(f"error: {len(failed)} data checks failed: " + "; ".join(sorted(failed)), file=sys.stderr)
        return 1
    print(f"floor (PostgreSQL): {args.raw_dir} in {seconds:.1f}s, every data check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
