"""Run the dbt project in an isolated copy, so tests never touch the user's ecommerce.duckdb or target/."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from scripts.project_copy import REPO_ROOT, copy_project, replace_seeds
from scripts.targets import postgres_targets


class DbtCommandFailed(AssertionError):
    """A dbt command exited non-zero; the message carries its output."""


@dataclass
class DbtProject:
    """A private copy of the project with its own seeds, DuckDB file and target folder."""

    root: Path
    env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def copy_of_repo(cls, destination: Path, raw_dir: Path | None = None) -> DbtProject:
        copy_project(destination, seeds_from=raw_dir)
        return cls(root=destination, env={"ECOMMERCE_DUCKDB_PATH": str(destination / "ecommerce.duckdb")})

    def replace_seeds(self, raw_dir: Path) -> None:
        replace_seeds(self.root, raw_dir)

    @property
    def serving_path(self) -> Path:
        """The DuckDB serving file a successful `dbt build` of this copy publishes."""
        return self.root / "serving" / "ecommerce_marts.duckdb"

    @property
    def duckdb_path(self) -> Path:
        return Path(self.env["ECOMMERCE_DUCKDB_PATH"])

    def dbt(
        self, *args: str, check: bool = True, extra_env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess:
        """Run `dbt <args>` inside the copy; raise DbtCommandFailed with dbt's output when it fails."""
        env = {**os.environ, **self.env, **(extra_env or {}), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
        dbt = Path(sys.executable).parent / "dbt"
        result = subprocess.run(
            [str(dbt), *args, "--project-dir", str(self.root), "--profiles-dir", str(self.root)],
            cwd=self.root,
            env=env,
            capture_output=True,
            text=True,
        )
        if check and result.returncode != 0:
            raise DbtCommandFailed(f"dbt {' '.join(args)} failed:\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}")
        return result

    def load_raw(self, raw_dir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """`python -m scripts.load_raw raw_dir` into this copy's warehouse (the README's own-files step)."""
        target = self.env.get("DBT_TARGET") if self.env.get("DBT_TARGET") in ("postgres", "spark_cluster") else "duckdb"
        env = {**os.environ, **self.env}
        result = subprocess.run(
            [sys.executable, "-m", "scripts.load_raw", str(raw_dir), "--target", target, *args],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if check and result.returncode != 0:
            raise DbtCommandFailed(f"load_raw {raw_dir} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def query(self, sql: str):
        """Run `sql` on the copy's warehouse (DuckDB file, or PostgreSQL when DBT_TARGET=postgres)."""
        if self.env.get("DBT_TARGET") in postgres_targets():
            return self._query_postgres(sql)
        import duckdb

        with duckdb.connect(str(self.duckdb_path), read_only=True) as connection:
            return connection.sql(sql).df()

    def _query_postgres(self, sql: str):
        import pandas as pd
        import psycopg2

        connection = psycopg2.connect(
            host=self.env["PGHOST"],
            port=self.env["PGPORT"],
            user=self.env["PGUSER"],
            password=self.env["PGPASSWORD"],
            dbname=self.env["PGDATABASE"],
        )
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                columns = [column.name for column in cursor.description]
                return pd.DataFrame(cursor.fetchall(), columns=columns, dtype=object)
        finally:
            connection.close()
