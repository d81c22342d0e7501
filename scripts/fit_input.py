"""Copy what the predicted-value fit reads (customer_rfm_summary, fct_transactions) from the warehouse into a
DuckDB file of its own, the input of `clv.predict` on every engine: the fit's venv needs no database driver.

    python -m scripts.fit_input build/clv/fit_input.duckdb [--target duckdb|postgres]

DuckDB: from the published serving file (ECOMMERCE_SERVING_PATH). PostgreSQL: from the relations the last dbt
build made, as target/manifest.json names them (so the `dev` target's own schemas are read, never another's).
"""

from __future__ import annotations

import argparse
import datetime
import decimal
import json
import os
import sys
from pathlib import Path

import duckdb
import pandas as pd

from scripts.load_raw import connect_postgres
from scripts.targets import postgres_targets

# What clv.predict reads, and the columns it needs of each.
# What to select of each; rows in a fixed order, so that the same marts give the same fit on every engine.
QUERIES = {
    "customer_rfm_summary": "select * from {relation} order by customer_id",
    "fct_transactions": "select customer_id, transaction_date, revenue from {relation} "
    "order by customer_id, transaction_date, revenue",
}
DEFAULT_SERVING = "serving/ecommerce_marts.duckdb"


class FitInputError(Exception):
    """The fit's input cannot be read; the message is one line meant for a human."""


def from_duckdb(serving: Path) -> dict[str, pd.DataFrame]:
    if not serving.is_file():
        raise FitInputError(f"{serving}: no published marts; run `make run` (or dbt build) first")
    with duckdb.connect(str(serving), read_only=True) as connection:
        return {table: connection.sql(query.format(relation=f"marts.{table}")).df() for table, query in QUERIES.items()}


def built_relations(manifest: Path) -> dict[str, str]:
    """The relation (database.schema.table, quoted) each table of QUERIES was built as in the last dbt run."""
    if not manifest.is_file():
        raise FitInputError(f"{manifest}: no dbt manifest; run `dbt build` first")
    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"]
    return {table: nodes[f"model.ecommerce.{table}"]["relation_name"] for table in QUERIES}


def as_duckdb_reads_them(frame: pd.DataFrame) -> pd.DataFrame:
    """psycopg2's Decimals and dates as DuckDB hands its DECIMAL and DATE columns to pandas: floats, datetimes."""
    for name in frame.columns:
        first = frame[name].dropna().head(1).tolist()
        if first and isinstance(first[0], decimal.Decimal):
            frame[name] = frame[name].astype(float)
        elif first and isinstance(first[0], datetime.date):
            frame[name] = pd.to_datetime(frame[name])
    return frame


def from_postgres(manifest: Path) -> dict[str, pd.DataFrame]:
    relations = built_relations(manifest)
    target = connect_postgres()
    try:
        frames = {}
        for table, relation in relations.items():
            with target.connection.cursor() as cursor:
                cursor.execute(QUERIES[table].format(relation=relation))
                names = [column.name for column in cursor.description]
                frames[table] = as_duckdb_reads_them(pd.DataFrame(cursor.fetchall(), columns=names))
        return frames
    finally:
        target.close()


def write(frames: dict[str, pd.DataFrame], out: Path) -> None:
    """A fresh DuckDB file with schema marts holding the frames (replaced as a whole, never appended to)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".tmp")
    partial.unlink(missing_ok=True)
    with duckdb.connect(str(partial)) as connection:
        connection.execute("create schema marts")
        for table, frame in frames.items():
            connection.register("frame", frame)
            connection.execute(f"create table marts.{table} as select * from frame")
            connection.unregister("frame")
    partial.replace(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the DuckDB file to write (replaced)")
    parser.add_argument(
        "--target",
        default=os.environ.get("DBT_TARGET", "duckdb"),
        help="dbt target the marts were built with (default: DBT_TARGET or duckdb); "
        f"{', '.join(postgres_targets())} read PostgreSQL",
    )
    parser.add_argument(
        "--serving",
        type=Path,
        default=Path(os.environ.get("ECOMMERCE_SERVING_PATH", DEFAULT_SERVING)),
        help=f"DuckDB: the published marts (default: ECOMMERCE_SERVING_PATH or {DEFAULT_SERVING})",
    )
    parser.add_argument(
        "--manifest",
        type=Path,
        default=Path(os.environ.get("DBT_TARGET_PATH", "target")) / "manifest.json",
        help="PostgreSQL: the manifest of the last build (default: target/manifest.json)",
    )
    args = parser.parse_args(argv)
    try:
        frames = from_postgres(args.manifest) if args.target in postgres_targets() else from_duckdb(args.serving)
    except (FitInputError, ConnectionError, duckdb.Error) as error:
        print(f"fit_input: {str(error).splitlines()[0]}", file=sys.stderr)
        return 1
    write(frames, args.out)
    print(
        f"fit_input: {', '.join(f'{table} {len(frame)} rows' for table, frame in frames.items())} "
        f"from {args.target} into {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
