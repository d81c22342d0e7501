"""The committed Superset dashboard checked against the dbt definitions: it may only compute what they allow.

    python -m bi.dashboard_rules [--bundle DIR] [--models DIR]   # one line per break; exit 1 if any

A mart column is *additive* when the semantic layer (models/semantic) defines a measure of the same name that
adds up (`agg: sum` or `count`): revenue, units, new_customers, ... Summing it over days, months or a filter
gives the total. Any other numeric mart column is a value of its row (a growth, an average, a share, a
distinct count, a rank): summed or averaged over rows it gives a number that is neither. So every metric of
the dashboard (saved on a dataset, or ad hoc in a chart) may
- sum an additive column (also filtered: `sum(case when <condition on non-numeric columns> then col [else 0] end)`),
  count rows or distinct values, or aggregate a non-numeric column (a flag, a category), and combine such
  aggregates (a share of customers computed at the chart's own grain);
- read a non-additive column only locked to the mart's grain: `case when count(*) = 1 then max(col) end`
  is the mart's value where a chart group is one mart row, and empty at any coarser grain.
Rolling windows (sum, mean, cumulative) and contribution percentages are applied to additive metrics only.
Every dataset is a mart (physical, schema marts) and lists exactly its columns (calculated columns aside);
the exposure whose url is the dashboard's lists exactly the marts its datasets read.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import jinja2
import sqlglot
import yaml
from sqlglot import exp

from bi.superset_bundle import BUNDLE, Bundle, read_bundle

REPO_ROOT = Path(__file__).resolve().parents[1]
MODELS = REPO_ROOT / "models"
ADDITIVE_AGGREGATIONS = {"sum", "count", "sum_boolean"}
NUMERIC_TYPE = re.compile(
    r"^\s*(decimal|numeric|bigint|int|integer|smallint|tinyint|hugeint|double|float|real)", re.IGNORECASE
)
# Chart settings that post-process a metric's series: only meaningful for a metric that adds up.
POST_PROCESSING = ("rolling_type", "rolling_type_b", "contributionMode", "contributionMode_b")
# Chart settings that name the metrics shown (saved metric names or ad hoc metric objects).
METRIC_KEYS = (
    "metric",
    "metrics",
    "metric_b",
    "metrics_b",
    "percent_metrics",
    "timeseries_limit_metric",
    "secondary_metric",
    "size",
    "x",
    "y",
    "series_limit_metric",
)


class Kind(Enum):
    ADDITIVE = "additive"
    VALUE = "non-additive"
    DIMENSION = "non-numeric"


@dataclass(frozen=True)
class Definitions:
    """What dbt says: the marts with their column kinds, and the exposures' dashboard urls and refs."""

    marts: dict[str, dict[str, Kind]]
    exposures: dict[str, tuple[str, set[str]]]  # exposure name -> (url, refs)


def yaml_documents(models: Path) -> Iterator[tuple[Path, dict]]:
    for path in sorted(models.rglob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(document, dict):
            yield path, document


def read_definitions(models: Path = MODELS) -> Definitions:
    documents = list(yaml_documents(models))
    aggregations: dict[str, set[str]] = {}
    for _, document in documents:
        for semantic_model in document.get("semantic_models") or []:
            for measure in semantic_model.get("measures") or []:
                aggregations.setdefault(measure["name"], set()).add(measure["agg"])
    additive = {name for name, aggs in aggregations.items() if aggs <= ADDITIVE_AGGREGATIONS}
    marts: dict[str, dict[str, Kind]] = {}
    exposures: dict[str, tuple[str, set[str]]] = {}
    for path, document in documents:
        for exposure in document.get("exposures") or []:
            refs = {
                re.fullmatch(r"ref\(\s*['\"](\w+)['\"]\s*\)", ref.strip()).group(1)
                for ref in exposure.get("depends_on") or []
            }
            exposures[exposure["name"]] = (exposure.get("url", ""), refs)
        if "marts" not in path.relative_to(models).parts:
            continue
        for model in document.get("models") or []:
            marts[model["name"]] = {
                column["name"]: column_kind(column, additive) for column in model.get("columns") or []
            }
    return Definitions(marts, exposures)


def column_kind(column: dict, additive: set[str]) -> Kind:
    data_type = str(column.get("data_type") or "numeric")  # no declared type: assume the worst
    if "{{" in data_type:  # a type spelled per engine (`double precision` on PostgreSQL): DuckDB's
        data_type = jinja2.Template(data_type).render(target={"type": "duckdb"})
    if not NUMERIC_TYPE.match(data_type):
        return Kind.DIMENSION
    return Kind.ADDITIVE if column["name"] in additive else Kind.VALUE


def parse(sql: str) -> exp.Expression:
    return sqlglot.parse_one(sql, read="duckdb")


def is_locked_to_grain(tree: exp.Expression) -> bool:
    """`case when count(*) = 1 then max(col) end` (or min): one mart row's value, else nothing."""
    if not isinstance(tree, exp.Case) or tree.args.get("default") is not None or len(tree.args["ifs"]) != 1:
        return False
    condition, value = tree.args["ifs"][0].this, tree.args["ifs"][0].args.get("true")
    return (
        isinstance(condition, exp.EQ)
        and isinstance(condition.this, exp.Count)
        and isinstance(condition.this.this, exp.Star)
        and condition.expression == exp.Literal.number(1)
        and isinstance(value, (exp.Max, exp.Min))
        and isinstance(value.this, exp.Column)
    )


def summed_column(tree: exp.Expression, kinds: dict[str, Kind]) -> exp.Column | None:
    """The additive column a sum's argument is: the column itself, or the column on the rows a condition on
    non-numeric columns keeps (`case when is_anomaly then revenue end`); else None."""
    if isinstance(tree, exp.Column):
        return tree if kinds.get(tree.name) == Kind.ADDITIVE else None
    if not isinstance(tree, exp.Case) or len(tree.args["ifs"]) != 1:
        return None
    if tree.args.get("default") not in (None, exp.Literal.number(0)):
        return None
    condition, value = tree.args["ifs"][0].this, tree.args["ifs"][0].args.get("true")
    if any(kinds.get(column.name) != Kind.DIMENSION for column in condition.find_all(exp.Column)):
        return None
    return value if isinstance(value, exp.Column) and kinds.get(value.name) == Kind.ADDITIVE else None


def is_additive(tree: exp.Expression, kinds: dict[str, Kind]) -> bool:
    """A sum of an additive column (filtered or not) or a row count: a metric whose values add up across groups."""
    if isinstance(tree, exp.Sum):
        return summed_column(tree.this, kinds) is not None
    return isinstance(tree, exp.Count) and not isinstance(tree.this, exp.Distinct)


def metric_problems(where: str, sql: str, kinds: dict[str, Kind]) -> list[str]:
    """Why this metric SQL breaks the rules (empty when it keeps them)."""
    try:
        tree = parse(sql)
    except sqlglot.errors.ParseError:
        return [f"{where}: cannot parse the metric SQL {sql!r}"]
    problems = [
        f"{where}: column {column.name!r} is not a column of the mart"
        for column in tree.find_all(exp.Column)
        if column.name not in kinds
    ]
    if is_locked_to_grain(tree):
        return problems
    for aggregate in tree.find_all(exp.AggFunc):
        for column in aggregate.find_all(exp.Column):
            kind = kinds.get(column.name)
            if kind in (None, Kind.DIMENSION) or isinstance(aggregate, exp.Count):
                continue
            if isinstance(aggregate, exp.Sum) and summed_column(aggregate.this, kinds) is column:
                continue
            function = aggregate.sql_name().lower()
            problems.append(
                f"{where}: {function}({column.name}) aggregates {column.name}, which is not additive (no semantic-"
                f"layer measure with agg sum/count): lock it to the mart's grain with "
                f"`case when count(*) = 1 then max({column.name}) end`, or compute it from additive columns"
            )
    if not any(True for _ in tree.find_all(exp.AggFunc)):
        problems.append(f"{where}: {sql!r} aggregates nothing; a metric must be an aggregate")
    return problems


def adhoc_sql(metric: dict) -> str:
    """The SQL of an ad hoc metric made in Superset's metric editor (SIMPLE: aggregate + column, or SQL)."""
    if metric.get("expressionType") == "SQL":
        return metric.get("sqlExpression") or ""
    column = (metric.get("column") or {}).get("column_name", "")
    aggregate = (metric.get("aggregate") or "").upper()
    if aggregate == "COUNT_DISTINCT":
        return f"count(distinct {column})"
    return f"{aggregate.lower()}({column})"


def chart_metrics(params: dict) -> Iterator[str | dict]:
    for key in METRIC_KEYS:
        value = params.get(key)
        for metric in value if isinstance(value, list) else [value]:
            if isinstance(metric, (str, dict)) and metric:
                yield metric


def bundle_problems(bundle: Bundle, definitions: Definitions) -> list[str]:
    """Every break of the rules in the bundle, one line each, naming the file."""
    problems: list[str] = []
    kinds_of: dict[str, dict[str, Kind]] = {}  # dataset uuid -> column kinds (calculated columns included)
    saved_sql: dict[str, dict[str, str]] = {}  # dataset uuid -> metric name -> SQL
    for path, dataset in bundle.datasets().items():
        table = dataset["table_name"]
        if dataset.get("sql"):
            problems.append(
                f"{path}: dataset {table} is a SQL query; the dashboard reads marts only (physical "
                "datasets on schema marts)"
            )
        if table not in definitions.marts or dataset.get("schema") != "marts":
            problems.append(f"{path}: dataset {dataset.get('schema')}.{table} is not a mart of models/marts")
            continue
        kinds = dict(definitions.marts[table])
        physical = [c["column_name"] for c in dataset.get("columns") or [] if not c.get("expression")]
        if sorted(physical) != sorted(kinds):
            problems.append(f"{path}: columns {sorted(physical)} differ from the mart's {sorted(kinds)}")
        for column in dataset.get("columns") or []:
            if column.get("expression"):
                referenced = [kinds.get(c.name, Kind.VALUE) for c in parse(column["expression"]).find_all(exp.Column)]
                kinds[column["column_name"]] = (
                    Kind.DIMENSION if all(k == Kind.DIMENSION for k in referenced) else Kind.VALUE
                )
        kinds_of[dataset["uuid"]] = kinds
        saved_sql[dataset["uuid"]] = {m["metric_name"]: m["expression"] for m in dataset.get("metrics") or []}
        for name, sql in saved_sql[dataset["uuid"]].items():
            problems += metric_problems(f"{path}: metric {name}", sql, kinds)

    for path, chart in bundle.charts().items():
        params = chart.get("params") or {}
        dataset_uuid = chart.get("dataset_uuid")
        if dataset_uuid not in kinds_of:
            if dataset_uuid not in {d["uuid"] for d in bundle.datasets().values()}:
                problems.append(f"{path}: chart {chart['slice_name']!r} reads a dataset the bundle lacks")
            continue
        kinds, saved = kinds_of[dataset_uuid], saved_sql[dataset_uuid]
        additive = True
        for metric in chart_metrics(params):
            where = f"{path}: chart {chart['slice_name']!r}"
            if isinstance(metric, str):
                if metric not in saved:
                    problems.append(f"{where} uses metric {metric!r}, which its dataset does not define")
                    continue
                sql = saved[metric]
            else:
                sql = adhoc_sql(metric)
                problems += metric_problems(f"{where}, metric {metric.get('label') or sql}", sql, kinds)
            try:
                additive = additive and is_additive(parse(sql), kinds)
            except sqlglot.errors.ParseError:
                additive = False
        used = [key for key in POST_PROCESSING if params.get(key) not in (None, "", "None", False)]
        if used and not additive:
            problems.append(
                f"{path}: chart {chart['slice_name']!r} applies {', '.join(used)} to a metric that "
                "is not a sum of an additive column or a count"
            )
    return problems + exposure_problems(bundle, definitions)


def exposure_problems(bundle: Bundle, definitions: Definitions) -> list[str]:
    """The exposure of each dashboard (matched by url) lists exactly the marts the dashboard reads."""
    problems = []
    read = {dataset["table_name"] for dataset in bundle.datasets().values()}
    for path, dashboard in bundle.dashboards().items():
        suffix = f"/superset/dashboard/{dashboard['slug']}/"
        matching = [name for name, (url, _) in definitions.exposures.items() if str(url).endswith(suffix)]
        if len(matching) != 1:
            problems.append(
                f"{path}: {len(matching)} exposures have a url ending in {suffix}; the dashboard "
                "needs exactly one (models/marts/_exposures.yml)"
            )
            continue
        listed = definitions.exposures[matching[0]][1]
        if listed != read:
            problems.append(
                f"exposure {matching[0]} lists {', '.join(sorted(listed))} but dashboard {dashboard['slug']} "
                f"reads {', '.join(sorted(read))}: make its depends_on exactly the marts the dashboard reads"
            )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bundle", type=Path, default=BUNDLE, help="Superset bundle folder (default %(default)s)")
    parser.add_argument("--models", type=Path, default=MODELS, help="dbt models folder (default %(default)s)")
    args = parser.parse_args(argv)
    problems = bundle_problems(read_bundle(args.bundle), read_definitions(args.models))
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
