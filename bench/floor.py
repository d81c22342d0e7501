"""The benchmark's engine floor: the project's whole job as one hand-written DuckDB script (bench/floor.sql).

It reads the raw CSV exports the project takes (every batch file of each table: `transactions.csv`,
`transactions_2024-07-01.csv`, ...; columns matched by header name, all as text), normalises and judges
every row with the project's rules and precedence, and writes the clean and quarantine tables (schema
`staging`), every mart (schema `marts`, same names, columns, types and values as `dbt build`) and the
MetricFlow time spine (schema `semantic`) into one DuckDB file. Then it runs bench/floor_checks.sql and
fails when any check fails.

Data checks: the build's six singular tests (raw = clean + quarantined, revenue totals, customer and
transaction counts, new + returning = monthly, cohort grids and totals, RFM scores follow their measures),
the grain of every table (the unique, one_row_per and unique_combination_of_columns tests, plus the key
never NULL) and the declared reason codes (reason_is_declared). Omitted, so the floor is a little lower
than a build with every test: not_null on non-key columns, accepted_range, accepted_values,
expression_is_true, relationships, present_when, null_exactly_when, matches_aggregate, is_running_total,
is_trailing_average (each one more scan of a table the floor just wrote), and the unit tests (which run on
fixtures, not on the data). Also omitted: dbt's publish step (the copy of the marts into the serving file)
and the raw tables dbt keeps (the floor reads the files directly). Differences in reading the files: a
line the CSV reader cannot parse is quarantined as malformed_row with its text, as scripts/load_raw.py
does, but the floor reads CSV only (no .parquet batches) and does not retry a file that mixes CRLF and LF.

    python -m bench.floor data/raw --out build/floor.duckdb --threads 2 --memory-limit 2.7GB
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb

BENCH_DIR = Path(__file__).resolve().parent
FLOOR_SQL = BENCH_DIR / "floor.sql"
CHECKS_SQL = BENCH_DIR / "floor_checks.sql"
RAW_TABLES = ("customers", "products", "transactions")


def batch_files(raw_dir: Path, table: str) -> list[str]:
    """The table's CSV batch files in name order, as scripts/load_raw.py finds them."""
    files = sorted(
        path for path in raw_dir.glob(f"{table}*.csv") if path.stem == table or path.stem[len(table)] in "_-."
    )
    if not files:
        raise SystemExit(f"error: {raw_dir / (table + '.csv')}: file is missing")
    return [str(path) for path in files]


def decimal_text(value: str, name: str) -> str:
    """A var as the project renders it (macros/config/vars.sql): six decimals, an exact literal."""
    try:
        return f"{float(Decimal(value)):.6f}"
    except ArithmeticError:
        raise SystemExit(f"error: --{name} must be a number; got {value!r}") from None


def set_variables(connection: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> None:
    """Everything floor.sql reads with getvariable(): the files and the project's vars (dbt_project.yml)."""
    for table in RAW_TABLES:
        connection.execute(f"set variable {table}_files = ?", [batch_files(args.raw_dir, table)])
    connection.execute("set variable min_valid_date = cast(? as date)", [args.min_valid_date.isoformat()])
    connection.execute("set variable max_valid_date = cast(? as date)", [args.max_valid_date.isoformat()])
    connection.execute(
        "set variable as_of_date = cast(? as date)", [args.as_of_date.isoformat() if args.as_of_date else None]
    )
    connection.execute(f"set variable total_tolerance = {decimal_text(args.total_tolerance, 'total-tolerance')}")
    connection.execute(f"set variable pareto_share = {decimal_text(args.pareto_share, 'pareto-share')}")
    connection.execute("set variable active_days = cast(? as integer)", [args.active_days])
    connection.execute("set variable churned_days = cast(? as integer)", [args.churned_days])


def build_floor(args: argparse.Namespace, floor_sql: str | None = None) -> list[str]:
    """Write args.out from the raw files with `floor_sql` (default: bench/floor.sql); return the failed
    checks (empty when every check passed)."""
    args.out.parent.mkdir(parents=True, exist_ok=True)
    for stale in (args.out, args.out.with_name(args.out.name + ".wal")):
        stale.unlink(missing_ok=True)
    with duckdb.connect(str(args.out)) as connection:
        connection.execute(f"set threads = {int(args.threads)}")
        connection.execute("set memory_limit = ?", [args.memory_limit])
        # no table here relies on row order; DuckDB needs less memory for big writes when it may reorder them
        connection.execute("set preserve_insertion_order = false")
        set_variables(connection, args)
        connection.execute(floor_sql if floor_sql is not None else FLOOR_SQL.read_text(encoding="utf-8"))
        return [row[0] for row in connection.execute(CHECKS_SQL.read_text(encoding="utf-8")).fetchall()]


def add_project_vars(parser: argparse.ArgumentParser) -> None:
    """The project's vars as options, with dbt_project.yml's defaults (both floors take them)."""
    vars_group = parser.add_argument_group("the project's vars (defaults as in dbt_project.yml)")
    vars_group.add_argument(
        "--as-of-date",
        type=date.fromisoformat,
        default=None,
        help="ISO date; default: the latest clean transaction date",
    )
    vars_group.add_argument("--min-valid-date", type=date.fromisoformat, default=date(2000, 1, 1))
    vars_group.add_argument("--max-valid-date", type=date.fromisoformat, default=date(2099, 12, 31))
    vars_group.add_argument("--total-tolerance", default="0.01")
    vars_group.add_argument("--active-days", type=int, default=90)
    vars_group.add_argument("--churned-days", type=int, default=180)
    vars_group.add_argument("--pareto-share", default="0.80")


def check_project_vars(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.Namespace:
    """Refuse the var combinations the project refuses (macros/config/vars.sql)."""
    if not 0 < args.active_days < args.churned_days:
        parser.error("--active-days must be positive and smaller than --churned-days")
    if args.min_valid_date >= args.max_valid_date:
        parser.error("--min-valid-date must be earlier than --max-valid-date")
    return args


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[1:]),
    )
    parser.add_argument("raw_dir", type=Path, help="folder with the customers*, products*, transactions* CSV files")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("build/floor.duckdb"),
        help="DuckDB file to write (replaced; default: build/floor.duckdb)",
    )
    parser.add_argument("--threads", type=int, default=2, help="DuckDB threads (default: 2, as profiles.yml)")
    parser.add_argument(
        "--memory-limit",
        default="2.7GB",
        help="DuckDB memory cap (default: 2.7GB, the build's default cap in profiles.yml)",
    )
    add_project_vars(parser)
    args = parser.parse_args(argv)
    if args.threads < 1:
        parser.error("--threads must be at least 1")
    return check_project_vars(parser, args)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    failed = build_floor(args)
    seconds = time.monotonic() - started
    if failed:
        print(f"error: {len(failed)} data checks failed: " + "; ".join(sorted(failed)), file=sys.stderr)
        return 1
    print(f"floor: {args.raw_dir} -> {args.out} in {seconds:.1f}s, every data check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
