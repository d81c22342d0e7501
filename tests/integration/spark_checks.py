"""Shared by the Spark tests: every node of a build passed, and reading a table through the Thrift server."""

from __future__ import annotations

import json

from tests.integration.dbt_project import DbtProject


def assert_every_node_passed(project: DbtProject, least_models: int = 20) -> None:
    results = json.loads((project.root / "target" / "run_results.json").read_text())["results"]
    statuses = {result["status"] for result in results}
    assert statuses <= {"success", "pass", "no-op"}, statuses  # no-op: the exposures and saved queries
    assert sum(result["unique_id"].startswith("model.") for result in results) >= least_models


def thrift_query(env: dict[str, str], sql: str):
    """`sql` through the cluster's Thrift server with PyHive, as a BI tool reads the marts; dates and
    timestamps (strings on the wire) become pandas timestamps, decimals stay exact."""
    import pandas as pd
    from pyhive import hive

    connection = hive.connect(host=env["SPARK_HOST"], port=int(env["SPARK_PORT"]), username=env["SPARK_USER"])
    try:
        cursor = connection.cursor()
        cursor.execute(sql)
        names = [column[0].split(".")[-1] for column in cursor.description]
        types = [column[1] for column in cursor.description]
        frame = pd.DataFrame(cursor.fetchall(), columns=names, dtype=object)
    finally:
        connection.close()
    for name, type_code in zip(names, types):
        if type_code in ("DATE_TYPE", "TIMESTAMP_TYPE"):
            frame[name] = [None if value is None else pd.Timestamp(value) for value in frame[name]]
    return frame
