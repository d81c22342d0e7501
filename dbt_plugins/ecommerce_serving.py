"""dbt-duckdb plugin: what the publish step (macros/publish_marts.sql) needs and SQL lacks.

DuckDB can write a database file (ATTACH + CREATE TABLE) but cannot check a path, create a folder, rename a
file or remove one; these scalar functions do, so the whole publish step runs inside dbt's own hooks.
The plugin also turns "another process holds the working database" into one readable line.
"""

from __future__ import annotations

import os
from pathlib import Path

from dbt.adapters.duckdb.plugins import BasePlugin
from dbt_common.exceptions import DbtRuntimeError

# Bytes 8..11 of every DuckDB database file (after the header checksum).
DUCKDB_MAGIC = b"DUCK"
STAGING_SUFFIX = ".tmp"


def _same_file(first: Path, second: Path) -> bool:
    if os.path.realpath(first) == os.path.realpath(second):
        return True
    try:
        return os.path.samefile(first, second)  # hard links and bind mounts
    except OSError:
        return False


def _nearest_existing_folder(path: Path) -> Path:
    folder = path.absolute().parent
    while not folder.exists():
        folder = folder.parent
    return folder


def _is_duckdb_file(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(12)[8:12] == DUCKDB_MAGIC


def serving_path_problem(serving: str, open_files: list[str]) -> str:
    """Why publishing to `serving` would destroy or fail something, in one sentence; '' when it is safe.

    `open_files` are the database files dbt has open (the working database and anything attached to it).
    """
    path = Path(serving)
    advice = "set ECOMMERCE_SERVING_PATH to a file of its own (default serving/ecommerce_marts.duckdb)"
    for open_file in open_files:
        for used in (Path(open_file), Path(open_file + ".wal")):
            if _same_file(path, used):
                return (
                    f"ECOMMERCE_SERVING_PATH {serving} is {used}, a file dbt builds in: publishing would "
                    f"replace it with the marts alone; {advice}"
                )
    if path.stem.lower() == "marts":
        return (
            f"ECOMMERCE_SERVING_PATH {serving}: DuckDB names a database after its file, and a database "
            f"called marts makes `marts.<table>` ambiguous for every reader; {advice}"
        )
    if path.is_dir():
        return f"ECOMMERCE_SERVING_PATH {serving} is a folder, not a file; {advice}"
    if path.exists() and not _is_duckdb_file(path):
        return (
            f"ECOMMERCE_SERVING_PATH {serving} exists and is not a DuckDB database: publishing would "
            f"replace it; {advice}"
        )
    folder = _nearest_existing_folder(path)
    if not folder.is_dir():
        return f"ECOMMERCE_SERVING_PATH {serving}: {folder} is a file, so no folder can be made there; {advice}"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"ECOMMERCE_SERVING_PATH {serving}: the folder {folder} is not writable; {advice}"
    return ""


def check_serving_path(serving: str, open_files: list[str]) -> str:
    return serving_path_problem(serving, [name for name in open_files if name])


def make_parent_dirs(path: str) -> str:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return path


def replace_file(source: str, destination: str) -> str:
    # rename(2) is atomic: open readers keep the old file, new connections open the new one.
    try:
        os.replace(source, destination)
    except OSError:
        Path(source).unlink(missing_ok=True)  # never leave a marts copy behind
        raise
    return destination


def remove_stale_copies(prefix: str) -> str:
    """Delete unfinished serving copies named `prefix*.tmp` (left by a killed or failed publish).

    The prefix names the working database, and a DuckDB database has one writer, so every such copy belongs
    to a build of this database that has ended. Names are compared as text: a path is never a pattern here.
    """
    folder, stem = Path(prefix).parent, Path(prefix).name
    removed = 0
    if folder.is_dir():
        for entry in folder.iterdir():
            if entry.name.startswith(stem) and entry.name.endswith(STAGING_SUFFIX) and entry.is_file():
                entry.unlink(missing_ok=True)
                removed += 1
    return str(removed)


FUNCTIONS = {
    "ecommerce_make_parent_dirs": (make_parent_dirs, ["VARCHAR"]),
    "ecommerce_replace_file": (replace_file, ["VARCHAR", "VARCHAR"]),
    "ecommerce_remove_stale_copies": (remove_stale_copies, ["VARCHAR"]),
    "ecommerce_check_serving_path": (check_serving_path, ["VARCHAR", "VARCHAR[]"]),
}


def register(connection) -> None:
    import duckdb

    for name, (function, parameters) in FUNCTIONS.items():
        try:
            connection.create_function(
                name,
                function,
                [duckdb.sqltype(kind) for kind in parameters],
                duckdb.sqltype("VARCHAR"),
                side_effects=True,
            )
        except duckdb.CatalogException:
            pass  # a cursor of a connection that already has it


def refuse_locked_database(path: str, config: dict) -> None:
    """Fail with one line when another process holds the working database.

    dbt-duckdb would report the lock with a long traceback (its rollback reopens the database). Opening it
    here first turns the same failure into dbt's one-line error. The probe connection is closed at once.
    """
    import duckdb

    if path in ("", ":memory:") or path.startswith("md:") or not Path(path).exists():
        return
    try:
        duckdb.connect(path, read_only=False, config=config).close()
    except duckdb.IOException as error:
        if "lock" not in str(error).lower():
            return
        holder = str(error).split("Conflicting lock is held in", 1)[-1].split(". See also")[0].strip()
        raise DbtRuntimeError(
            f"The DuckDB database {path} is in use by another process ({holder}): a DuckDB file has one "
            "writer. Wait for that build or loader to finish, or close that program (BI tools and notebooks "
            "should read the serving file, never the working database), then run again."
        ) from None
    except duckdb.Error:
        return  # anything else: let dbt-duckdb open the database and report it


class Plugin(BasePlugin):
    def update_connection_config(self, creds, config) -> None:
        refuse_locked_database(str(creds.path), dict(config))

    def configure_connection(self, conn) -> None:
        register(conn)

    def configure_cursor(self, cursor) -> None:
        register(cursor)
