"""dbt-duckdb plugin: the two file operations the publish hook (macros/publish_marts.sql) needs and SQL lacks.

DuckDB can write a database file (ATTACH + CREATE TABLE) but cannot create a folder or rename a file;
these scalar functions do, so the whole publish step runs inside dbt's own on-run-end hook.
"""
from __future__ import annotations

import os
from pathlib import Path

from dbt.adapters.duckdb.plugins import BasePlugin


def make_parent_dirs(path: str) -> str:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return path


def replace_file(source: str, destination: str) -> str:
    # rename(2) is atomic: open readers keep the old file, new connections open the new one.
    os.replace(source, destination)
    return destination


def register(connection) -> None:
    import duckdb

    for name, function in (("ecommerce_make_parent_dirs", make_parent_dirs), ("ecommerce_replace_file", replace_file)):
        parameters = [duckdb.sqltype("VARCHAR")] * function.__code__.co_argcount
        try:
            connection.create_function(name, function, parameters, duckdb.sqltype("VARCHAR"), side_effects=True)
        except duckdb.CatalogException:
            pass  # a cursor of a connection that already has it


class Plugin(BasePlugin):
    def configure_connection(self, conn) -> None:
        register(conn)

    def configure_cursor(self, cursor) -> None:
        register(cursor)
