"""The daily job in one command: load the new batches, then build and publish only when something changed.

    ecommerce-daily DIR                                  # DuckDB: load DIR into the working database, build
    ecommerce-daily DIR --vars '{total_tolerance: 0.05}'  # any dbt vars (raw_source: files is implied)
    ecommerce-daily DIR --target postgres                # PostgreSQL (PG* variables): loads and builds every time

It runs `ecommerce-load-raw DIR` and then `dbt build --vars '{raw_source: files, ...}'`, which publishes the
marts. Before building it compares what the build would read with what the last successful daily run built
from: the batches loaded (`raw._loaded_batches`), every file of the project (models, macros, tests, seeds,
dbt_project.yml, selectors.yml, profiles.yml), the vars, the target, the dbt-core version and every
ECOMMERCE_* / DBT_* / PG* setting except passwords. When all of them are the same and the published serving
file is still the one that run wrote, the marts already are what a build would make: it says so in one line
and exits 0 without starting dbt. Anything else builds: a new batch, a changed file, another var, another
build that published in between, a failed or interrupted last run, `--full-refresh`, or `--force`. The record
is `daily_run.json` in dbt's target folder (DBT_TARGET_PATH, default target/). On PostgreSQL the publish
step swaps schemas, which leaves nothing to recognise, so every run builds.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

if not __package__:  # run as a file (`python scripts/x.py`): import the project's modules as `-m` does
    sys.path[0] = str(Path(__file__).resolve().parents[1])
from scripts.venv_check import require_modules

require_modules("daily_run", "duckdb", "yaml")
import yaml

from scripts import load_raw
from scripts.targets import postgres_targets, targets_of_type

PROJECT_FOLDERS = ("models", "macros", "tests", "seeds", "analyses", "dbt_plugins")
PROJECT_FILES = ("dbt_project.yml", "selectors.yml", "profiles.yml")
SETTING_PREFIXES = ("ECOMMERCE_", "DBT_", "PG")
NOT_A_SETTING = ("PGPASSWORD", "DBT_SEND_ANONYMOUS_USAGE_STATS")


def project_digest(root: Path) -> str:
    """One hash over the name and content of every file dbt reads from the project."""
    digest = hashlib.sha256()
    paths = [root / name for name in PROJECT_FILES if (root / name).is_file()]
    for folder in PROJECT_FOLDERS:
        paths += [path for path in (root / folder).rglob("*") if path.is_file() and "__pycache__" not in path.parts]
    for path in sorted(paths):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def loaded_batches(duckdb_path: Path) -> list[list[str]]:
    """Every batch the loader has recorded in the DuckDB working database, as text, in a stable order."""
    import duckdb

    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        rows = connection.execute(f"select * from {load_raw.SCHEMA}.{load_raw.BATCHES_TABLE}").fetchall()
    return sorted([str(value) for value in row] for row in rows)


def settings() -> dict[str, str]:
    return {
        name: value
        for name, value in sorted(os.environ.items())
        if name.startswith(SETTING_PREFIXES) and name not in NOT_A_SETTING
    }


def build_inputs(root: Path, duckdb_path: Path, dbt_vars: dict) -> dict:
    """Everything a build's result depends on, as one comparable record."""
    return {
        "batches": hashlib.sha256(json.dumps(loaded_batches(duckdb_path)).encode()).hexdigest(),
        "project": project_digest(root),
        "vars": dbt_vars,
        "dbt_core": version("dbt-core"),
        "settings": settings(),
    }


def serving_file(root: Path) -> Path:
    path = Path(os.environ.get("ECOMMERCE_SERVING_PATH", "serving/ecommerce_marts.duckdb"))
    return path if path.is_absolute() else root / path


def published(root: Path) -> list[int] | None:
    """The identity of what the last publish wrote: a new publish replaces the serving file (new inode and
    time)."""
    try:
        status = serving_file(root).stat()
    except FileNotFoundError:
        return None
    return [status.st_ino, status.st_mtime_ns, status.st_size]


def parse_vars(text: str) -> dict:
    dbt_vars = yaml.safe_load(text) or {}
    if not isinstance(dbt_vars, dict):
        raise ValueError(f"--vars must be a YAML mapping, e.g. '{{as_of_date: \"2024-06-30\"}}', not {text!r}")
    if dbt_vars.get("raw_source", "files") != "files":
        raise ValueError("--vars: a daily run reads the loaded files (raw_source: files); use dbt build for the seeds")
    return {**dbt_vars, "raw_source": "files"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[1:]),
    )
    parser.add_argument("raw_dir", type=Path, help="folder with the customers*, products*, transactions* files")
    parser.add_argument(
        "--target",
        choices=["duckdb", "postgres"],
        default="postgres" if os.environ.get("DBT_TARGET") in postgres_targets() else "duckdb",
        help="engine (default: duckdb, or postgres when DBT_TARGET names a PostgreSQL target)",
    )
    parser.add_argument("--vars", default="{}", help="dbt vars as YAML (raw_source: files is implied)")
    parser.add_argument("--full-refresh", action="store_true", help="reload every batch and rebuild every table")
    parser.add_argument("--force", action="store_true", help="build even when nothing changed")
    args = parser.parse_args(argv)
    root = Path.cwd()
    if os.environ.get("DBT_TARGET") in targets_of_type("spark"):
        print(
            "error: ecommerce-daily runs on DuckDB and PostgreSQL; on Spark load with "
            "`ecommerce-load-raw DIR --target spark_cluster` and run `dbt build` (README, Spark)",
            file=sys.stderr,
        )
        return 2
    try:
        dbt_vars = parse_vars(args.vars)
    except (ValueError, yaml.YAMLError) as error:
        print(f"error: {str(error).splitlines()[0]}", file=sys.stderr)
        return 2
    duckdb_path = Path(os.environ.get("ECOMMERCE_DUCKDB_PATH", "ecommerce.duckdb"))
    load_args = [str(args.raw_dir), "--target", args.target, *(["--full-refresh"] if args.full_refresh else [])]
    status = load_raw.main(load_args)
    if status:
        return status

    dbt = Path(sys.executable).parent / "dbt"
    command = [str(dbt), "build", "--vars", json.dumps(dbt_vars), *(["--full-refresh"] if args.full_refresh else [])]
    if args.target != "duckdb":
        # PostgreSQL publishes by swapping schemas, which leaves nothing to recognise: build every time.
        return subprocess.run(command).returncode

    record = Path(os.environ.get("DBT_TARGET_PATH", "target")) / "daily_run.json"
    inputs = build_inputs(root, duckdb_path, dbt_vars)
    last = json.loads(record.read_text(encoding="utf-8")) if record.is_file() else None
    serving = published(root)
    if not (args.force or args.full_refresh) and serving and last == {"inputs": inputs, "published": serving}:
        print(
            f"Nothing changed since the last daily run (same batches, project files, vars and settings): "
            f"{serving_file(root)} already holds these marts; no build."
        )
        return 0

    record.unlink(missing_ok=True)  # a failed or interrupted build must not leave a record to skip on
    status = subprocess.run(command).returncode
    serving = published(root)
    if status == 0 and serving:
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps({"inputs": inputs, "published": serving}, indent=1), encoding="utf-8")
    return status


if __name__ == "__main__":
    sys.exit(main())
