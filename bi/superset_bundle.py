"""The dashboard in Superset's own export format, kept unzipped in bi/superset/dashboard/.

Superset exports a dashboard as a ZIP of YAML files (metadata.yaml, databases/, datasets/, charts/,
dashboards/) and imports the same ZIP. The folder holds such a bundle with what changes from one Superset
to the next taken out, so that loading it and exporting it again gives back the same files:
- the export's folder name and timestamp, and the numeric ids in file names (uuids stay: they are the keys);
- chart ids, which Superset assigns anew on import: the bundle numbers charts 1, 2, ... in layout order, and
  the import maps those numbers to the new ids through each chart's uuid;
- the connection (database URI, schema): `make bi` fills in the serving file or PostgreSQL;
- dataset and column descriptions: dbt's descriptions are filled in from target/manifest.json on every load
  (their home is the mart YAML);
- values Superset derives again when it draws the dashboard (query_context, chartsInScope, label colours).
"""

from __future__ import annotations

import copy
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
BUNDLE = REPO_ROOT / "bi" / "superset" / "dashboard"
SCHEMA = "marts"
# What the committed database file says; `make bi` replaces it with the connection it uses.
PLACEHOLDER_URI = "duckdb:///serving/ecommerce_marts.duckdb?access_mode=read_only"
# Recomputed by Superset from other fields, or holding ids of one Superset installation.
CHART_DROPPED = ("query_context",)
PARAMS_DROPPED = ("datasource", "slice_id", "dashboards", "url_params")
METADATA_DROPPED = ("shared_label_colors", "map_label_colors", "color_scheme_domain", "positions")


class BundleError(Exception):
    """The bundle cannot be read or written; the message is one line meant for a human."""


@dataclass
class Bundle:
    """The files of a bundle: relative path (posix) -> parsed YAML."""

    files: dict[str, dict]

    def of_kind(self, folder: str) -> dict[str, dict]:
        return {path: content for path, content in sorted(self.files.items()) if path.startswith(f"{folder}/")}

    def datasets(self) -> dict[str, dict]:
        return self.of_kind("datasets")

    def charts(self) -> dict[str, dict]:
        return self.of_kind("charts")

    def dashboards(self) -> dict[str, dict]:
        return self.of_kind("dashboards")

    def databases(self) -> dict[str, dict]:
        return self.of_kind("databases")


def read_bundle(root: Path = BUNDLE) -> Bundle:
    if not (root / "metadata.yaml").is_file():
        raise BundleError(f"{root} holds no Superset bundle (no metadata.yaml)")
    return Bundle(
        {
            path.relative_to(root).as_posix(): yaml.safe_load(path.read_text(encoding="utf-8"))
            for path in sorted(root.rglob("*.yaml"))
        }
    )


def dump(content: dict) -> str:
    return yaml.safe_dump(content, sort_keys=False, allow_unicode=True, width=120)


def write_bundle(bundle: Bundle, root: Path) -> None:
    """Replace the folder's YAML files with the bundle's (files no longer in it are deleted)."""
    for old in root.rglob("*.yaml"):
        if old.relative_to(root).as_posix() not in bundle.files:
            old.unlink()
    for path, content in bundle.files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(dump(content), encoding="utf-8")
    for folder in sorted((p for p in root.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()


# ---- export -> bundle -------------------------------------------------------------------------------------


def file_stem(name: str) -> str:
    """A file name from a title, as Superset writes it but without the numeric id."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name.strip().replace(" ", "_")).strip("._") or "unnamed"


def read_zip(data: bytes) -> dict[str, dict]:
    """The YAML files of an exported ZIP, keyed by their path inside the export's root folder."""
    files = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            parts = PurePosixPath(name).parts
            if name.endswith(".yaml") and len(parts) > 1:
                files["/".join(parts[1:])] = yaml.safe_load(archive.read(name))
    if "metadata.yaml" not in files:
        raise BundleError("the export holds no metadata.yaml: not a Superset export")
    return files


def chart_numbers(position: dict) -> dict[int, int]:
    """Chart id -> its number in the bundle: 1, 2, ... in the order the layout shows the charts."""
    order: list[int] = []

    def visit(node_id: str) -> None:
        node = position.get(node_id) or {}
        if node.get("type") == "CHART" and node.get("meta", {}).get("chartId") not in order:
            order.append(node["meta"]["chartId"])
        for child in node.get("children") or []:
            visit(child)

    visit("ROOT_ID")
    for node in position.values():  # charts outside the tree (should not happen) keep a number too
        if isinstance(node, dict) and node.get("type") == "CHART" and node["meta"].get("chartId") not in order:
            order.append(node["meta"]["chartId"])
    return {chart_id: number for number, chart_id in enumerate(order, start=1)}


def renumber_charts(dashboard: dict, number: Callable[[int], int]) -> None:
    """Rewrite every chart id in a dashboard's position and metadata (the places Superset's import maps)."""
    for node in dashboard.get("position", {}).values():
        if isinstance(node, dict) and node.get("type") == "CHART" and "chartId" in node.get("meta", {}):
            node["meta"]["chartId"] = number(node["meta"]["chartId"])
    metadata = dashboard.get("metadata") or {}
    ids = lambda values: [number(value) for value in values]  # noqa: E731
    keys = lambda mapping: {str(number(int(key))): value for key, value in mapping.items()}  # noqa: E731
    if "timed_refresh_immune_slices" in metadata:
        metadata["timed_refresh_immune_slices"] = ids(metadata["timed_refresh_immune_slices"])
    if "expanded_slices" in metadata:
        metadata["expanded_slices"] = keys(metadata["expanded_slices"])
    if "filter_scopes" in metadata:
        metadata["filter_scopes"] = keys(metadata["filter_scopes"])
        for columns in metadata["filter_scopes"].values():
            for attributes in columns.values():
                attributes["immune"] = ids(attributes.get("immune", []))
    if isinstance(metadata.get("default_filters"), str):
        metadata["default_filters"] = json.dumps(keys(json.loads(metadata["default_filters"])))
    scoped = [*metadata.get("native_filter_configuration", []), metadata.get("global_chart_configuration") or {}]
    if "chart_configuration" in metadata:
        metadata["chart_configuration"] = keys(metadata["chart_configuration"])
        for key, configuration in metadata["chart_configuration"].items():
            configuration["id"] = int(key)
            scoped.append(configuration.get("crossFilters") or {})
    for item in scoped:
        item.pop("chartsInScope", None)
        scope = item.get("scope")
        if isinstance(scope, dict) and scope.get("excluded"):
            scope["excluded"] = ids(scope["excluded"])


def normalise(files: dict[str, dict]) -> Bundle:
    """An export's files as the bundle keeps them (see the module docstring); the input is not changed."""
    files = copy.deepcopy(files)
    out: dict[str, dict] = {}
    database_names = {db["uuid"]: db["database_name"] for path, db in files.items() if path.startswith("databases/")}
    for path, content in files.items():
        folder = path.split("/", 1)[0]
        if path == "metadata.yaml":
            content.pop("timestamp", None)
            out[path] = content
        elif folder == "databases":
            content["sqlalchemy_uri"] = PLACEHOLDER_URI
            content.pop("password", None)
            out[f"databases/{file_stem(content['database_name'])}.yaml"] = content
        elif folder == "datasets":
            content["schema"] = SCHEMA
            if "catalog" in content:
                content["catalog"] = None
            content.pop("description", None)
            for column in content.get("columns") or []:
                column.pop("description", None)
            database = file_stem(database_names.get(content["database_uuid"], "database"))
            out[f"datasets/{database}/{file_stem(content['table_name'])}.yaml"] = content
        elif folder == "charts":
            for key in CHART_DROPPED:
                content.pop(key, None)
            for key in PARAMS_DROPPED:
                (content.get("params") or {}).pop(key, None)
            out[f"charts/{file_stem(content['slice_name'])}.yaml"] = content
        elif folder == "dashboards":
            numbers = chart_numbers(content.get("position") or {})
            renumber_charts(content, lambda chart_id, numbers=numbers: numbers[chart_id])
            for key in METADATA_DROPPED:
                (content.get("metadata") or {}).pop(key, None)
            out[f"dashboards/{file_stem(content['dashboard_title'])}.yaml"] = content
        else:  # themes, tags: kept as exported
            out[path] = content
    duplicates = len(files) - len(out)
    if duplicates:
        raise BundleError(
            f"{duplicates} files of the export would share a name: give each chart, dataset and dashboard its own name"
        )
    return Bundle(dict(sorted(out.items())))


# ---- bundle -> import ------------------------------------------------------------------------------------


def for_import(bundle: Bundle, uri: str, schema: str, models: dict[str, dict]) -> bytes:
    """The ZIP to import: the bundle with this connection and dbt's descriptions filled in.

    models: dbt model name -> manifest node (description, columns).
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in bundle.files.items():
            content = copy.deepcopy(content)
            folder = path.split("/", 1)[0]
            if folder == "databases":
                content["sqlalchemy_uri"] = uri
            elif folder == "datasets":
                content["schema"] = schema
                node = models.get(content["table_name"])
                if node is None:
                    raise BundleError(
                        f"{path}: the dbt manifest has no model {content['table_name']}: rebuild with dbt (make run)"
                    )
                content["description"] = node["description"].strip() or None
                for column in content.get("columns") or []:
                    described = node["columns"].get(column["column_name"], {})
                    column["description"] = described.get("description") or None
            archive.writestr(f"ecommerce_dashboard/{path}", dump(content))
    return buffer.getvalue()


def dashboard_slugs(bundle: Bundle) -> list[str]:
    return [dashboard["slug"] for dashboard in bundle.dashboards().values()]


def uuids(bundle: Bundle, folder: str) -> set[str]:
    return {content["uuid"] for content in bundle.of_kind(folder).values()}
