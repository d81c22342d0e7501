"""Read the marts (and only the marts) from DuckDB, or from PostgreSQL when the environment says so.

DuckDB is the default: the serving file the build publishes (ECOMMERCE_SERVING_PATH, else
serving/ecommerce_marts.duckdb in the project root), opened read-only, so the notebook never blocks a build.
PostgreSQL when ECOMMERCE_TARGET (or DBT_TARGET) is `postgres`, with the usual PG* variables.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parents[1]
MARTS_SCHEMA = "marts"


@dataclass(frozen=True)
class MartSource:
    target: str
    duckdb_path: Path

    @classmethod
    def from_environment(cls) -> MartSource:
        target = os.environ.get("ECOMMERCE_TARGET") or os.environ.get("DBT_TARGET") or "duckdb"
        path = Path(os.environ.get("ECOMMERCE_SERVING_PATH", PROJECT_ROOT / "serving" / "ecommerce_marts.duckdb"))
        if not path.is_absolute():
            path = PROJECT_ROOT / path
        return cls(target=target, duckdb_path=path)

    def describe(self) -> str:
        if self.target == "postgres":
            return f"PostgreSQL {os.environ.get('PGHOST', '127.0.0.1')}:{os.environ.get('PGPORT', '5432')}"
        return f"DuckDB {self.duckdb_path}"

    def read(self, mart: str, order_by: str | None = None) -> pd.DataFrame:
        """All rows of one mart, as a DataFrame (optionally sorted by `order_by`)."""
        if not mart.replace("_", "").isalnum():
            raise ValueError(f"not a mart name: {mart!r}")
        sql = f"select * from {MARTS_SCHEMA}.{mart}" + (f" order by {order_by}" if order_by else "")
        if self.target == "postgres":
            return self._read_postgres(sql)
        if self.target != "duckdb":
            raise ValueError(f"unsupported target {self.target!r}: use duckdb or postgres")
        return self._read_duckdb(sql)

    def _read_duckdb(self, sql: str) -> pd.DataFrame:
        import duckdb

        if not self.duckdb_path.exists():
            raise FileNotFoundError(
                f"{self.duckdb_path} does not exist: run `make run` first (a successful build publishes it)"
            )
        with duckdb.connect(str(self.duckdb_path), read_only=True) as connection:
            return connection.sql(sql).df()

    def _read_postgres(self, sql: str) -> pd.DataFrame:
        import psycopg2

        connection = psycopg2.connect(
            host=os.environ.get("PGHOST", "127.0.0.1"),
            port=os.environ.get("PGPORT", "5432"),
            user=os.environ.get("PGUSER", "bi_reader"),
            password=os.environ.get("PGPASSWORD", ""),
            dbname=os.environ.get("PGDATABASE", "ecommerce"),
        )
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                frame = pd.DataFrame(cursor.fetchall(), columns=[c.name for c in cursor.description])
        finally:
            connection.close()
        # numeric columns arrive as Decimal; charts want floats
        return frame.apply(
            lambda column: (
                pd.to_numeric(column) if column.map(lambda v: v.__class__.__name__ == "Decimal").any() else column
            )
        )
