"""The loader's Spark cluster target: batches as Parquet files the cluster reads, behind external tables.

    python -m scripts.load_raw DIR --target spark_cluster    # after `source build/spark-cluster/env.sh`

A cluster reads files, so the loader parses each batch exactly as for DuckDB and PostgreSQL (the same
checks, columns as text, unparsable lines kept in `_malformed`) and writes it as one Parquet file to
`SPARK_RAW_FILES_DIR/<table>/` (default: `raw_files` in the cluster's warehouse folder, SPARK_WAREHOUSE_DIR).
Then, through the Thrift server (SPARK_HOST, SPARK_PORT, SPARK_USER), it (re)declares `raw.<table>` as an
external Parquet table over that folder, so `dbt build --target spark_cluster --vars '{raw_source: files}'`
reads every loaded batch. What was loaded is recorded in a small DuckDB ledger beside the files (and
published as `raw._loaded_batches`), so the append-only rules and `--full-refresh` work as on the other targets.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

import duckdb

from scripts.load_raw import BATCHES_TABLE, SCHEMA, Batch, Target
from scripts.raw_files import raw_columns

LEDGER = "_ledger.duckdb"


def raw_files_dir() -> Path:
    """Where the batch files go: SPARK_RAW_FILES_DIR, else `raw_files` in the cluster's warehouse folder."""
    if os.environ.get("SPARK_RAW_FILES_DIR"):
        return Path(os.environ["SPARK_RAW_FILES_DIR"]).resolve()
    if os.environ.get("SPARK_WAREHOUSE_DIR"):
        return Path(os.environ["SPARK_WAREHOUSE_DIR"]).resolve() / "raw_files"
    raise ConnectionError(
        "SPARK_WAREHOUSE_DIR is not set: `source build/spark-cluster/env.sh` after `make spark-up`, "
        "or set SPARK_RAW_FILES_DIR to a folder the cluster reads"
    )


def batch_file(files_dir: Path, batch: Batch) -> Path:
    return files_dir / batch.table / f"{batch.path.name}.{batch.sha256[:12]}.parquet"


def thrift_connection():
    """A PyHive connection to the Thrift server named by SPARK_HOST/SPARK_PORT; ConnectionError in one line."""
    host, port = os.environ.get("SPARK_HOST", "127.0.0.1"), int(os.environ.get("SPARK_PORT", "10000"))
    try:
        from pyhive import hive
    except ImportError:
        raise ConnectionError(
            "PyHive is not installed: pip install -r requirements/spark.txt (dbt-spark[PyHive])"
        ) from None
    # thrift logs its own line for a refused connection; the ConnectionError below says it in one.
    logging.getLogger("thrift.transport.TSocket").setLevel(logging.CRITICAL)
    try:
        return hive.connect(host=host, port=port, username=os.environ.get("SPARK_USER", "dbt"))
    except Exception as error:  # thrift raises several unrelated types for an unreachable server
        raise ConnectionError(
            f"cannot reach the Spark Thrift server at {host}:{port} ({type(error).__name__}) — "
            "is it running? (make spark-up starts one)"
        ) from None


def raw_table_statements(files_dir: Path) -> list[str]:
    """Spark SQL declaring schema `raw` as external Parquet tables over the loaded files. Declared afresh on
    every load: dropping an external table keeps its files, and a new declaration lists the folder again
    (a cached listing would miss the new batches)."""
    columns = {
        table: [f"{name.lower()} string" for name in names] + ["_batch string", "_line bigint", "_malformed string"]
        for table, names in raw_columns().items()
    }
    columns[BATCHES_TABLE] = [
        "table_name string",
        "batch string",
        "sha256 string",
        "row_count bigint",
        "loaded_at string",
    ]
    statements = [f"create database if not exists {SCHEMA}"]
    for table, definition in columns.items():
        statements += [
            f"drop table if exists {SCHEMA}.{table}",
            f"create table {SCHEMA}.{table} ({', '.join(definition)}) using parquet location '{files_dir / table}'",
        ]
    return statements


class SparkClusterTarget(Target):
    """Rows go to Parquet files; the ledger (DuckDB, beside the files) answers the loader's bookkeeping SQL."""

    def __init__(self) -> None:
        self.files_dir = raw_files_dir()
        self.thrift = thrift_connection()
        self.files_dir.mkdir(parents=True, exist_ok=True)
        self.ledger = duckdb.connect(str(self.files_dir / LEDGER))

    def execute(self, sql: str, parameters: list | None = None) -> list[tuple]:
        return self.ledger.execute(sql, parameters or []).fetchall()

    def parser(self) -> duckdb.DuckDBPyConnection:
        return self.ledger

    def write(self, parser: duckdb.DuckDBPyConnection, staging_table: str, batch: Batch, record: list) -> None:
        path = batch_file(self.files_dir, batch)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written under a temporary name and renamed, so the cluster never lists half a file.
        partial = path.with_suffix(".partial")
        parser.execute(f"copy {staging_table} to '{partial}' (format parquet)")
        partial.rename(path)
        self.ledger.execute(f"insert into {SCHEMA}.{BATCHES_TABLE} values (?, ?, ?, ?, ?)", record)

    def finish(self, tables: Iterable[str] | None = None) -> None:
        self._remove_unrecorded_files()
        batches_dir = self.files_dir / BATCHES_TABLE
        shutil.rmtree(batches_dir, ignore_errors=True)
        batches_dir.mkdir()
        self.ledger.execute(f"copy {SCHEMA}.{BATCHES_TABLE} to '{batches_dir / 'batches.parquet'}' (format parquet)")
        cursor = self.thrift.cursor()
        for statement in raw_table_statements(self.files_dir):
            cursor.execute(statement)
        cursor.close()

    def _remove_unrecorded_files(self) -> None:
        """After `--full-refresh` the ledger forgot the earlier batches: their files must go too."""
        recorded = {
            (table, f"{batch}.{sha[:12]}.parquet")
            for table, batch, sha in self.ledger.execute(
                f"select table_name, batch, sha256 from {SCHEMA}.{BATCHES_TABLE}"
            ).fetchall()
        }
        for table in raw_columns():
            for path in (self.files_dir / table).glob("*"):
                if (table, path.name) not in recorded:
                    path.unlink()

    def close(self) -> None:
        self.ledger.close()
        self.thrift.close()
