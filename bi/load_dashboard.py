"""Register the marts in Superset and (re)create the dashboard of bi/superset/dashboard.yml through the REST API.

The database is the DuckDB serving file, opened read-only (a BI connection never blocks a build), or
PostgreSQL as the read-only role `bi_reader` when PGHOST is set. Dataset and column descriptions come from
dbt's target/manifest.json, so a BI user reads the same definitions as the docs site.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import yaml

from bi.superset_api import SupersetApi

REPO_ROOT = Path(__file__).resolve().parents[1]
SPEC = REPO_ROOT / "bi" / "superset" / "dashboard.yml"
SERVING_FILE = Path("serving") / "ecommerce_marts.duckdb"  # as macros/publish_marts.sql publishes it
DEFAULT_SERVING = REPO_ROOT / SERVING_FILE
DEFAULT_MANIFEST = REPO_ROOT / "target" / "manifest.json"
SCHEMA = "marts"
# Columns of a dataset that PUT /api/v1/dataset/<id> accepts back.
COLUMN_FIELDS = ("id", "column_name", "type", "verbose_name", "description", "expression", "filterable",
                 "groupby", "is_active", "is_dttm", "python_date_format")


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
        raise LoadError(f"serving file {path} not found: build the marts first (a successful `make run` "
                        "publishes them there), or point ECOMMERCE_SERVING_PATH at the file")
    # DuckDB names the file's catalog after its stem; for a file named marts.duckdb `marts.<table>` would be
    # ambiguous (catalog or schema?). duckdb-engine reads a dotted schema as catalog.schema: always qualify.
    return Connection(f"duckdb:///{path}?access_mode=read_only", f"DuckDB {path} (read-only)",
                      schema=f"{path.stem}.{SCHEMA}")


def load_manifest(path: Path) -> dict[str, dict]:
    """Model name -> manifest node, for the project's models."""
    if not path.is_file():
        raise LoadError(f"{path} not found: run dbt (make run) so the dashboard gets the marts' descriptions")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    return {node["name"]: node for node in manifest["nodes"].values() if node["resource_type"] == "model"}


def load_spec(path: Path = SPEC) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def remove_previous(api: SupersetApi, spec: dict) -> None:
    """Delete the dashboard, charts, datasets and database an earlier load made (matched by name)."""
    chart_names = {chart["name"] for chart in spec["charts"].values()}
    for dashboard in api.list("dashboard"):
        if dashboard.get("slug") == spec["dashboard"]["slug"]:
            api.call("DELETE", f"/api/v1/dashboard/{dashboard['id']}")
    for chart in api.list("chart"):
        if chart["slice_name"] in chart_names:
            api.call("DELETE", f"/api/v1/chart/{chart['id']}")
    databases = [db for db in api.list("database") if db["database_name"] == spec["database_name"]]
    for database in databases:
        for dataset in api.list("dataset"):
            if dataset["database"]["id"] == database["id"]:
                api.call("DELETE", f"/api/v1/dataset/{dataset['id']}")
        api.call("DELETE", f"/api/v1/database/{database['id']}")


def create_database(api: SupersetApi, name: str, connection: Connection) -> int:
    api.call("POST", "/api/v1/database/test_connection/", {"database_name": name, "sqlalchemy_uri": connection.uri})
    result = api.call("POST", "/api/v1/database/", {
        "database_name": name, "sqlalchemy_uri": connection.uri, "expose_in_sqllab": True,
        "allow_dml": False, "allow_run_async": False})
    return result["id"]


def create_dataset(api: SupersetApi, database_id: int, schema: str, table: str, spec: dict, node: dict) -> int:
    """A physical dataset on marts.<table> with its saved metrics and the dbt descriptions."""
    dataset_id = api.call("POST", "/api/v1/dataset/", {
        "database": database_id, "schema": schema, "table_name": table})["id"]
    current = api.call("GET", f"/api/v1/dataset/{dataset_id}")["result"]
    described = node["columns"]
    columns = []
    for column in current["columns"]:
        kept = {field: column.get(field) for field in COLUMN_FIELDS if field in column}
        kept["description"] = described.get(column["column_name"], {}).get("description") or None
        kept["is_dttm"] = column["column_name"] == spec.get("main_dttm_col") or bool(column.get("is_dttm"))
        columns.append(kept)
    metrics = [{"metric_name": name, "expression": metric["expression"], "verbose_name": metric["verbose_name"],
                "d3format": metric.get("d3format"), "description": metric.get("description")}
               for name, metric in spec.get("metrics", {}).items()]
    update = {"description": node["description"].strip(), "columns": columns, "metrics": metrics}
    if spec.get("main_dttm_col"):
        update["main_dttm_col"] = spec["main_dttm_col"]
    api.call("PUT", f"/api/v1/dataset/{dataset_id}", update)
    return dataset_id


def dashboard_layout(spec: dict, charts: dict[str, int]) -> dict:
    """Superset's position_json: a grid of rows, each holding charts of the given widths."""
    layout: dict = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
        "GRID_ID": {"type": "GRID", "id": "GRID_ID", "children": [], "parents": ["ROOT_ID"]},
        "HEADER_ID": {"type": "HEADER", "id": "HEADER_ID", "meta": {"text": spec["dashboard"]["title"]}},
    }
    for row_number, row in enumerate(spec["layout"], start=1):
        row_id = f"ROW-{row_number}"
        layout["GRID_ID"]["children"].append(row_id)
        layout[row_id] = {"type": "ROW", "id": row_id, "children": [], "parents": ["ROOT_ID", "GRID_ID"],
                          "meta": {"background": "BACKGROUND_TRANSPARENT"}}
        for key, width in row:
            if key not in charts:
                continue
            chart_id = f"CHART-{key}"
            layout[row_id]["children"].append(chart_id)
            layout[chart_id] = {"type": "CHART", "id": chart_id, "children": [],
                                "parents": ["ROOT_ID", "GRID_ID", row_id],
                                "meta": {"chartId": charts[key], "width": width, "height": 50,
                                         "sliceName": spec["charts"][key]["name"]}}
    return layout


def load(api: SupersetApi, connection: Connection, manifest_path: Path = DEFAULT_MANIFEST,
         spec_path: Path = SPEC) -> str:
    """Replace the database, datasets, charts and dashboard; return the dashboard's path (/superset/dashboard/..)."""
    spec = load_spec(spec_path)
    models = load_manifest(manifest_path)
    missing = [table for table in spec["datasets"] if table not in models]
    if missing:
        raise LoadError(f"{manifest_path} has no model {', '.join(missing)}: rebuild with dbt (make run)")
    remove_previous(api, spec)
    database_id = create_database(api, spec["database_name"], connection)
    datasets = {table: create_dataset(api, database_id, connection.schema, table, dataset, models[table])
                for table, dataset in spec["datasets"].items()}
    dashboard = spec["dashboard"]
    dashboard_id = api.call("POST", "/api/v1/dashboard/", {
        "dashboard_title": dashboard["title"], "slug": dashboard["slug"], "published": True})["id"]
    charts = {}
    for key, chart in spec["charts"].items():
        params = {**chart["params"], "datasource": f"{datasets[chart['dataset']]}__table"}
        charts[key] = api.call("POST", "/api/v1/chart/", {
            "slice_name": chart["name"], "viz_type": params["viz_type"], "description": chart.get("description"),
            "datasource_id": datasets[chart["dataset"]], "datasource_type": "table",
            "params": json.dumps(params), "dashboards": [dashboard_id]})["id"]
    api.call("PUT", f"/api/v1/dashboard/{dashboard_id}", {
        "position_json": json.dumps(dashboard_layout(spec, charts)),
        "json_metadata": json.dumps({"color_scheme": "supersetColors", "refresh_frequency": 0,
                                     "timed_refresh_immune_slices": [], "expanded_slices": {}})})
    return f"/superset/dashboard/{dashboard['slug']}/"
