"""Fit BG/NBD + Gamma-Gamma (pymc-marketing, MAP) on customer_rfm_summary and write the predictions, the
fitted parameters and a holdout check as CSV files, for scripts.load_predictions to load.

Runs in the model's own venv (make clv-venv, Python 3.12): `make predict` calls it between two builds, on
the DuckDB copy of its input that scripts.fit_input makes from any engine.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from clv.fit import calibration_table, fit_models, parameters_table, predictions_table

DEFAULT_DISCOUNT_RATE = 0.01  # per month
DEFAULT_HOLDOUT_DAYS = 90


def read_marts(serving: Path) -> tuple[pd.DataFrame, pd.DataFrame, date]:
    """customer_rfm_summary and the clean transactions of the serving file, and their as-of date."""
    if not serving.is_file():
        raise FileNotFoundError(f"{serving}: no published marts; run `make run` (or dbt build) first")
    with duckdb.connect(str(serving), read_only=True) as connection:
        rfm = connection.sql("select * from marts.customer_rfm_summary").df()
        transactions = connection.sql("select customer_id, transaction_date, revenue from marts.fct_transactions").df()
    if rfm.empty:
        raise ValueError(f"{serving}: customer_rfm_summary is empty: nobody bought anything yet")
    as_of = pd.Timestamp(rfm.as_of_date.iloc[0]).date()
    return rfm, transactions, as_of


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--serving",
        type=Path,
        default=Path("serving/ecommerce_marts.duckdb"),
        help="a DuckDB file with marts.customer_rfm_summary and marts.fct_transactions: the published marts, or "
        "scripts.fit_input's copy (default: serving/ecommerce_marts.duckdb)",
    )
    parser.add_argument("--out", type=Path, default=Path("build/clv"), help="folder for the CSVs (default: build/clv)")
    parser.add_argument(
        "--discount-rate",
        type=float,
        default=DEFAULT_DISCOUNT_RATE,
        help=f"monthly discount rate of predicted_clv_12m (default: {DEFAULT_DISCOUNT_RATE})",
    )
    parser.add_argument(
        "--holdout-days",
        type=int,
        default=DEFAULT_HOLDOUT_DAYS,
        help="the holdout check fits up to as-of minus this many days and predicts them "
        f"(default: {DEFAULT_HOLDOUT_DAYS})",
    )
    args = parser.parse_args(argv)
    try:
        rfm, transactions, as_of = read_marts(args.serving)
    except (FileNotFoundError, ValueError, duckdb.Error) as error:
        print(f"predict: {error}", file=sys.stderr)
        return 1
    models = fit_models(rfm)
    args.out.mkdir(parents=True, exist_ok=True)
    predictions_table(models, rfm, args.discount_rate).assign(as_of_date=as_of).to_csv(
        args.out / "clv_predictions.csv", index=False
    )
    parameters_table(models).assign(as_of_date=as_of, time_unit="day", discount_rate=args.discount_rate).to_csv(
        args.out / "clv_parameters.csv", index=False
    )
    calibration = calibration_table(transactions, as_of - timedelta(days=args.holdout_days), as_of)
    calibration.assign(as_of_date=as_of).to_csv(args.out / "clv_calibration.csv", index=False)
    print(f"predict: fitted {len(rfm)} customers as of {as_of}; CSVs in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
