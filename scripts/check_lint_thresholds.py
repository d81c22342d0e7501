"""Fail when dbt-score or dbt-coverage fall below the levels stored in lint/thresholds.json.

`make lint` runs both tools (each in its own venv under build/) and hands their JSON reports to this script,
which prints one line per measure and exits 1 on a regression. Raise a threshold when the project improves;
lowering one is a decision to write down in the commit that does it.

A column counts as checked when a data test reads it (dbt-coverage) or when its model's enforced contract
declares a constraint on it that can reject a row (`not_null`, `check`, or a key: `primary_key`, `unique`,
on the column or on the model): DuckDB and PostgreSQL reject a breaking row while writing the table, and on
Spark the model test `contract_constraints_hold` checks the same declarations.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

CHECKING_CONSTRAINTS = {"not_null", "check", "primary_key", "unique"}


def constrained_columns(manifest: dict) -> set[tuple[str, str]]:
    """(schema.table, column) of every column a checking constraint of an enforced contract guards."""
    found = set()
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or not node["config"].get("contract", {}).get("enforced"):
            continue
        table = f"{node['schema']}.{node['alias']}".lower()
        for column in node["columns"].values():
            if {constraint["type"] for constraint in column.get("constraints", [])} & CHECKING_CONSTRAINTS:
                found.add((table, column["name"].lower()))
        for constraint in node.get("constraints", []):
            if constraint["type"] in CHECKING_CONSTRAINTS:
                found.update((table, column.lower()) for column in constraint.get("columns", []))
    return found


def column_check_coverage(coverage: dict, manifest: dict) -> float:
    """Share of columns (in %) that a data test reads or an enforced constraint guards."""
    constrained = constrained_columns(manifest)
    columns = [
        column["hits"] > 0 or (table["name"].lower(), column["name"].lower()) in constrained
        for table in coverage["tables"]
        for column in table["columns"]
    ]
    return round(100 * sum(columns) / len(columns), 1) if columns else 0.0


def measures(score_report: Path, coverage_report: Path, manifest_path: Path) -> dict[str, float]:
    """The measured values, in the units of the thresholds file (score 0-10, coverage in %)."""
    score = json.loads(score_report.read_text(encoding="utf-8"))
    coverage = json.loads(coverage_report.read_text(encoding="utf-8"))
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    lowest_item = min((item["score"] for item in score["evaluables"].values()), default=10.0)
    return {
        "dbt_score_project": round(score["project"]["score"], 2),
        "dbt_score_lowest_item": round(lowest_item, 2),
        "column_test_coverage_pct": round(100 * coverage["coverage"], 1),
        "column_check_coverage_pct": column_check_coverage(coverage, manifest),
    }


def regressions(measured: dict[str, float], thresholds: dict[str, float]) -> list[str]:
    """One message per measure below its threshold (a threshold without a measure is an error too)."""
    problems = []
    for name, minimum in thresholds.items():
        if name not in measured:
            problems.append(f"{name}: no such measure (known: {', '.join(sorted(measured))})")
        elif measured[name] < minimum:
            problems.append(f"{name} fell to {measured[name]} (threshold {minimum})")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dbt-score", type=Path, required=True, help="dbt-score lint -f json output")
    parser.add_argument("--coverage", type=Path, required=True, help="dbt-coverage compute test --cov-report file")
    parser.add_argument("--manifest", type=Path, required=True, help="the manifest.json dbt-coverage read")
    parser.add_argument("--thresholds", type=Path, default=Path("lint/thresholds.json"))
    args = parser.parse_args(argv)
    thresholds = {
        name: float(value)
        for name, value in json.loads(args.thresholds.read_text(encoding="utf-8")).items()
        if not name.startswith("_")
    }
    measured = measures(args.dbt_score, args.coverage, args.manifest)
    for name, value in measured.items():
        print(f"{name}: {value} (threshold {thresholds.get(name, '-')})")
    problems = regressions(measured, thresholds)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
