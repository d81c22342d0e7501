"""Register the marts in Superset and (re)create the dashboard of bi/superset/dashboard/ through the REST API.

The database is the DuckDB serving file, opened read-only (a BI connection never blocks a build), or
PostgreSQL as the read-only role `bi_reader` when PGHOST is set. Dataset and column descriptions come from
dbt's target/manifest.json, so a BI user reads the same definitions as the docs site. The dashboard itself
is Superset's own export bundle (bi/superset_bundle.py), imported through POST /api/v1/dashboard/import/.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from bi.superset_api import SupersetApi
from bi.superset_bundle import BUNDLE, Bundle, BundleError, dashboard_slugs, for_import, read_bundle, uuids

REPO_ROOT = Path(__file__).resolve().parents[1]
SERVING_FILE = Path("serving") / "ecommerce_marts.duckdb"  # as macros/publish_marts.sql publishes it
DEFAULT_SERVING = REPO_ROOT / SERVING_FILE
DEFAULT_MANIFEST = REPO_ROOT / "target" / "manifest.json"
SCHEMA = "marts"


class LoadError(Exception):
    """The marts or the dashboard could not be loaded; the message is one line meant for a human."""


@dataclass
class Connection:
    """How Superset reaches the marts: a SQLAlchemy URI, the schema to name, a label without the password."""

    uri: str
    label: str
    schema: str = SCHEMA


def serving_path() -> Path:
    return Path(os.environ.get("ECOMMERCE_SERVING_PATH", DEFAULT_SERVING)).resolve()


def marts_connection() -> Connection:
    """PostgreSQL as bi_reader when PGHOST is set, otherwise the DuckDB serving file, read-only."""
    if os.environ.get("PGHOST"):
        role = os.environ.get("ECOMMERCE_BI_ROLE", "bi_reader")
        password = os.environ.get("BI_READER_PASSWORD", "")
        if not password:
            raise LoadError(f"PGHOST is set but BI_READER_PASSWORD is empty: set the password of role {role}")
        host, port = os.environ["PGHOST"], os.environ.get("PGPORT", "5432")
        database = os.environ.get("PGDATABASE", "ecommerce")
        uri = f"postgresql://{quote(role, safe='')}:{quote(password, safe='')}@{host}:{port}/{database}"
        return Connection(uri, f"PostgreSQL {host}:{port}/{database} as {role}")
    return duckdb_connection(serving_path())


def duckdb_connection(path: Path) -> Connection:
    """The DuckDB serving file, read-only: Superset never takes the write lock a publish or build needs."""
    path = path.resolve()
    if not path.is_file():
        raise LoadError(
            f"serving file {path} not found: build the marts first (a successful `make run` "
            "publishes them there), or point ECOMMERCE_SERVING_PATH at the file"
        )
    # DuckDB names the file's catalog after its stem; for a file named marts.duckdb `marts.<table>` would be
    # ambiguous (catalog or schema?). duckdb-engine reads a dotted schema as catalog.schema: always qualify.
    return Connection(
        f"duckdb:///{path}?access_mode=read_only", f"DuckDB {path} (read-only)", schema=f"{path.stem}.{SCHEMA}"
    )


def load_manifest(path: Path) -> dict[str, dict]:
    """Model name -> manifest node, for the project's models."""
    if not path.is_file():
        raise LoadError(f"{path} not found: run dbt (make run) so the dashboard gets the marts' descriptions")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    return {node["name"]: node for node in manifest["nodes"].values() if node["resource_type"] == "model"}


def remove_previous(api: SupersetApi, bundle: Bundle) -> None:
    """Delete what an earlier load made: the bundle's dashboards, charts, datasets and database, matched by
    uuid or by name (slug), and every dataset of that database, so the import below starts clean.

    Superset's dashboard import replaces the dashboard but keeps an existing chart, dataset or database of
    the same uuid as it is, which would hide the committed version of them.
    """
    slugs, titles = set(dashboard_slugs(bundle)), {c["slice_name"] for c in bundle.charts().values()}
    for dashboard in api.list("dashboard", ("id", "uuid", "slug")):
        if dashboard["uuid"] in uuids(bundle, "dashboards") or dashboard.get("slug") in slugs:
            api.call("DELETE", f"/api/v1/dashboard/{dashboard['id']}")
    for chart in api.list("chart", ("id", "uuid", "slice_name")):
        if chart["uuid"] in uuids(bundle, "charts") or chart["slice_name"] in titles:
            api.call("DELETE", f"/api/v1/chart/{chart['id']}")
    names = {database["database_name"] for database in bundle.databases().values()}
    for database in api.list("database", ("id", "uuid", "database_name")):
        if database["uuid"] in uuids(bundle, "databases") or database["database_name"] in names:
            for dataset in api.list("dataset", ("id", "database.id")):
                if dataset["database"]["id"] == database["id"]:
                    api.call("DELETE", f"/api/v1/dataset/{dataset['id']}")
            api.call("DELETE", f"/api/v1/database/{database['id']}")


def load(
    api: SupersetApi, connection: Connection, manifest_path: Path = DEFAULT_MANIFEST, bundle_path: Path = BUNDLE
) -> str:
    """Replace the database, datasets, charts and dashboard; return the dashboard's path (/superset/dashboard/..)."""
    try:
        bundle = read_bundle(bundle_path)
    except BundleError as error:
        raise LoadError(str(error)) from None
    models = load_manifest(manifest_path)
    missing = [d["table_name"] for d in bundle.datasets().values() if d["table_name"] not in models]
    if missing:
        raise LoadError(f"{manifest_path} has no model {', '.join(missing)}: rebuild with dbt (make run)")
    remove_previous(api, bundle)
    api.import_dashboards(for_import(bundle, connection.uri, connection.schema, models))
    return f"/superset/dashboard/{dashboard_slugs(bundle)[0]}/"
