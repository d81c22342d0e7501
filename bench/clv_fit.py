"""Fit time and peak memory of the predicted-value models (BG/NBD + Gamma-Gamma, MAP) by customer count.

Runs in the fit's own venv (`make clv-venv`), from the project root:

    build/venv-clv/bin/python -m bench.clv_fit --customers 10000 100000 500000

Customers are drawn from the stated world of scripts/clv_world.py over two years and summarised as
customer_rfm_summary does (one occasion per customer per day; frequency, recency_days, tenure_days,
avg_repeat_order_value as of the last day). Each size is fitted in a fresh process started by
bench/measure_child.py, so its peak memory (max RSS) is the fit's alone: the import of pymc-marketing, the
two MAP fits and the predictions `make predict` writes. The sizes run in interleaved rounds (`--repeats`);
the fastest run of each is reported, every run's wall time after the table. The very first fit on a machine
also compiles PyTensor's C code (cached in ~/.pytensor): that is why rounds repeat.
Prints a Markdown table for bench/results.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd

from scripts.clv_world import simulate_occasions

REPO_ROOT = Path(__file__).resolve().parents[1]
START, END = date(2023, 1, 1), date(2024, 12, 31)


def rfm_summary(occasions: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """customer_rfm_summary's columns from one row per occasion (the world draws at most one a day)."""
    ordered = occasions.sort_values(["customer_number", "occasion_date"])
    days = pd.to_datetime(ordered.occasion_date)
    by_customer = ordered.assign(day=days).groupby("customer_number")
    first, last = by_customer.day.min(), by_customer.day.max()
    repeats = ordered[ordered.duplicated("customer_number")]  # every occasion after a customer's first
    return pd.DataFrame(
        {
            "customer_id": first.index.astype(str),
            "frequency": by_customer.size().to_numpy() - 1,
            "recency_days": (last - first).dt.days.to_numpy(),
            "tenure_days": (pd.Timestamp(as_of) - first).dt.days.to_numpy(),
            "avg_repeat_order_value": repeats.groupby("customer_number").value.mean().reindex(first.index).to_numpy(),
        }
    )


def fit_one(rfm_path: Path, report: Path) -> None:
    """The measured child: fit both models and compute the predictions, timing the steps."""
    started = time.perf_counter()
    from clv.fit import fit_models, predictions_table

    imported = time.perf_counter()
    rfm = pd.read_pickle(rfm_path)
    models = fit_models(rfm)
    fitted = time.perf_counter()
    predictions_table(models, rfm, monthly_discount_rate=0.01)
    predicted = time.perf_counter()
    report.write_text(
        json.dumps(
            {
                "import_s": imported - started,
                "fit_s": fitted - imported,
                "predict_s": predicted - fitted,
                "repeat_buyers": int((rfm.frequency > 0).sum()),
            }
        )
    )


def measure(customers: int, work_dir: Path, seed: int) -> dict[str, float]:
    rfm_path = work_dir / f"rfm-{customers}.pkl"
    if not rfm_path.exists():
        rfm_summary(simulate_occasions(customers, START, END, seed), END).to_pickle(rfm_path)
    timings, memory = work_dir / f"timings-{customers}.json", work_dir / f"memory-{customers}.json"
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bench.measure_child", "--report", str(memory), "--"]
        + [sys.executable, "-m", "bench.clv_fit", "--fit-one", str(rfm_path), "--report", str(timings)],
        cwd=REPO_ROOT,
        check=True,
    )
    wall = time.perf_counter() - started
    return {
        "customers": customers,
        "wall_s": wall,
        "peak_mib": json.loads(memory.read_text())["max_rss_kib"] / 1024,
        **json.loads(timings.read_text()),
    }


def table(rows: list[dict[str, float]], runs: dict[int, list[float]]) -> str:
    lines = [
        "| customers | repeat buyers | wall time (s) | import (s) | fit (s) | predictions (s) | peak memory (MiB) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['customers']:,} | {row['repeat_buyers']:,} | {row['wall_s']:.1f} | {row['import_s']:.1f} "
            f"| {row['fit_s']:.1f} | {row['predict_s']:.1f} | {row['peak_mib']:,.0f} |"
        )
    lines.append("")
    lines += [
        f"- {size:,} customers: runs {', '.join(f'{wall:.1f}' for wall in walls)} s" for size, walls in runs.items()
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__
    )
    parser.add_argument("--customers", type=int, nargs="+", default=[10_000, 100_000, 500_000])
    parser.add_argument("--repeats", type=int, default=2, help="interleaved rounds; the fastest run is reported")
    parser.add_argument("--seed", type=int, default=42, help="the world's random seed")
    parser.add_argument("--work-dir", type=Path, default=REPO_ROOT / "build" / "bench-clv")
    parser.add_argument("--fit-one", type=Path, help=argparse.SUPPRESS)  # the measured child's input
    parser.add_argument("--report", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.fit_one:
        fit_one(args.fit_one, args.report)
        return 0
    args.work_dir.mkdir(parents=True, exist_ok=True)
    fastest: dict[int, dict[str, float]] = {}
    runs: dict[int, list[float]] = {customers: [] for customers in args.customers}
    for _ in range(args.repeats):
        for customers in args.customers:
            run = measure(customers, args.work_dir, args.seed)
            runs[customers].append(run["wall_s"])
            if customers not in fastest or run["wall_s"] < fastest[customers]["wall_s"]:
                fastest[customers] = run
            print(f"{customers:,} customers: {run['wall_s']:.1f} s", file=sys.stderr)
    print(table([fastest[customers] for customers in args.customers], runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
