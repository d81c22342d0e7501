"""Load the CSVs of `clv.predict` (predicted customer value, fitted parameters, holdout check) into schema
raw of the warehouse, where dbt models them (customer_predicted_value, clv_model_parameters, clv_calibration).

A fit is kept per as-of date: loading a fit replaces the rows of its as-of date and keeps the others, so
a point-in-time build (var as_of_date) finds the fit made at that date.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import duckdb
import pandas as pd

from scripts.load_raw import SCHEMA, DuckDBTarget, Target, connect_postgres
from scripts.targets import postgres_targets

TABLES = {
    "clv_predictions": {
        "customer_id": "text",
        "probability_alive": "double precision",
        "expected_purchases_90d": "double precision",
        "expected_purchases_365d": "double precision",
        "expected_occasion_value": "double precision",
        "predicted_clv_12m": "double precision",
        "as_of_date": "date",
    },
    "clv_parameters": {
        "model": "text",
        "parameter": "text",
        "value": "double precision",
        "as_of_date": "date",
        "time_unit": "text",
        "discount_rate": "double precision",
    },
    "clv_calibration": {
        "calibration_frequency": "text",
        "bin_order": "integer",
        "customers": "bigint",
        "predicted_repeat_occasions": "double precision",
        "actual_repeat_occasions": "double precision",
        "calibration_end_date": "date",
        "holdout_end_date": "date",
        "as_of_date": "date",
    },
}


def load_table(target: Target, table: str, frame: pd.DataFrame) -> None:
    columns = TABLES[table]
    missing = set(columns) - set(frame.columns)
    if missing:
        raise ValueError(f"{table}.csv lacks the columns {sorted(missing)}; was it written by clv.predict?")
    target.execute(f"create schema if not exists {SCHEMA}")
    target.execute(
        f"create table if not exists {SCHEMA}.{table} ("
        + ", ".join(f"{name} {kind}" for name, kind in columns.items())
        + ")"
    )
    for as_of in sorted(set(frame.as_of_date)):
        target.execute(f"delete from {SCHEMA}.{table} where as_of_date = cast(? as date)", [str(as_of)])
    placeholders = ", ".join("?" for _ in columns)
    for record in (
        frame[list(columns)].astype(object).where(frame[list(columns)].notna(), None).itertuples(index=False, name=None)
    ):
        target.execute(f"insert into {SCHEMA}.{table} values ({placeholders})", list(record))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv_dir", type=Path, help="folder with the CSVs clv.predict wrote")
    parser.add_argument(
        "--target",
        choices=["duckdb", *postgres_targets()],
        default=os.environ.get("DBT_TARGET", "duckdb"),
        help="dbt target to load for (default: DBT_TARGET or duckdb); the PostgreSQL ones load into PG*'s database",
    )
    parser.add_argument(
        "--duckdb-path",
        type=Path,
        default=Path(os.environ.get("ECOMMERCE_DUCKDB_PATH", "ecommerce.duckdb")),
        help="DuckDB working database (default: ECOMMERCE_DUCKDB_PATH or ecommerce.duckdb)",
    )
    args = parser.parse_args(argv)
    try:
        frames = {table: pd.read_csv(args.csv_dir / f"{table}.csv", dtype={"customer_id": str}) for table in TABLES}
        target: Target = connect_postgres() if args.target in postgres_targets() else DuckDBTarget(args.duckdb_path)
    except (FileNotFoundError, ConnectionError, duckdb.IOException) as error:
        print(f"error: {str(error).splitlines()[0]}", file=sys.stderr)
        return 1
    try:
        for table, frame in frames.items():
            load_table(target, table, frame)
        target.finish(TABLES)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        target.close()
    print(
        f"loaded the predictions of {args.csv_dir} into schema {SCHEMA} on {args.target}: "
        + ", ".join(f"{table} {len(frame)} rows" for table, frame in frames.items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
