"""Bulk-load the raw CSV exports into PostgreSQL's `raw` schema with COPY (the `raw_source: files` path).

Every column is loaded as text, exactly like the seeds, so a malformed value never aborts the load:
staging decides what is valid. Each table is replaced in one transaction. Connection from the PG* variables.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from scripts.check_raw_files import EXPECTED_HEADERS, check_raw_dir


def load_table(cursor, raw_dir: Path, file_name: str, schema: str) -> None:
    table = f"{schema}.{file_name.removesuffix('.csv')}"
    # Lower-case column names match the seeds (quote_columns: false), so staging reads both alike.
    columns = ", ".join(f"{name.lower()} text" for name in EXPECTED_HEADERS[file_name])
    cursor.execute(f"drop table if exists {table}")
    cursor.execute(f"create table {table} ({columns})")
    with (raw_dir / file_name).open(encoding="utf-8", newline="") as handle:
        cursor.copy_expert(f"copy {table} from stdin with (format csv, header true)", handle)
    # dbt plans the base models right after the load, before autovacuum would have gathered statistics.
    cursor.execute(f"analyze {table}")


def load_raw(raw_dir: Path, schema: str = "raw") -> dict[str, int]:
    import psycopg2

    connection = psycopg2.connect(host=os.environ.get("PGHOST", "127.0.0.1"), port=os.environ.get("PGPORT", "5432"),
                                  user=os.environ.get("PGUSER", "postgres"), password=os.environ.get("PGPASSWORD", ""),
                                  dbname=os.environ.get("PGDATABASE", "ecommerce"), connect_timeout=5)
    counts: dict[str, int] = {}
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(f"create schema if not exists {schema}")
            for file_name in EXPECTED_HEADERS:
                load_table(cursor, raw_dir, file_name, schema)
                cursor.execute(f"select count(*) from {schema}.{file_name.removesuffix('.csv')}")
                counts[file_name] = cursor.fetchone()[0]
    finally:
        connection.close()
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw_dir", type=Path, help="folder with customers.csv, products.csv, transactions.csv")
    parser.add_argument("--schema", default="raw", help="target schema (default: raw)")
    args = parser.parse_args(argv)
    problems = check_raw_dir(args.raw_dir)
    if problems:
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        return 1
    import psycopg2

    from scripts.pg_server import explain_connection_failure

    started = time.monotonic()
    try:
        counts = load_raw(args.raw_dir, args.schema)
    except psycopg2.OperationalError as error:
        print("error: " + explain_connection_failure(
            os.environ.get("PGHOST", "127.0.0.1"), int(os.environ.get("PGPORT", "5432")),
            os.environ.get("PGUSER", "postgres"), os.environ.get("PGDATABASE", "ecommerce"), error), file=sys.stderr)
        return 1
    except psycopg2.Error as error:
        print(f"error: loading {args.raw_dir} failed: {str(error).strip().splitlines()[0]}", file=sys.stderr)
        return 1
    summary = ", ".join(f"{name}: {rows}" for name, rows in counts.items())
    print(f"loaded into schema {args.schema} in {time.monotonic() - started:.1f}s — {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
