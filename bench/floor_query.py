"""The benchmark's floor: one DuckDB query that reads transactions.csv once and aggregates revenue by day.

No cleaning, no tests, no tables written: the least work any pipeline over this file can do.

    python -m bench.floor_query path/to/transactions.csv
"""
from __future__ import annotations

import argparse
from pathlib import Path

import duckdb


def revenue_by_day(transactions_csv: Path) -> list[tuple]:
    return duckdb.sql(
        """
        select
            try_cast(TransactionDate as date) as revenue_date,
            sum(try_cast(TotalValue as decimal(18, 2))) as revenue,
            count(*) as transactions
        from read_csv($path, header = true, all_varchar = true)
        group by all
        order by revenue_date
        """,
        params={"path": str(transactions_csv)},
    ).fetchall()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("transactions_csv", type=Path, help="the raw transactions export")
    args = parser.parse_args(argv)
    days = revenue_by_day(args.transactions_csv)
    print(f"{len(days)} days, {sum(row[2] for row in days):,} rows read")


if __name__ == "__main__":
    main()
