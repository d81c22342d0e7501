"""The seed's approach done well in pandas: read the three raw CSVs and compute the headline marts.

This is the benchmark's competitor, not the test oracle (`tests/integration/reference.py` is): it is
vectorised, keeps money in integer cents, and applies the same cleaning rules as the dbt staging layer
(docs/metrics.md) so both sides do the same work. `tests/integration/test_bench_pandas_pipeline.py` checks it
against the oracle on dirty data.

    python -m bench.pandas_pipeline RAW_DIR --out-dir OUT_DIR
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

INTEGER = r"[+-]?[0-9]{1,9}"
AMOUNT = r"[+-]?[0-9]{1,15}(?:\.[0-9]{1,2})?"
TIMESTAMP = r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?: [0-9]{2}:[0-9]{2}:[0-9]{2})?"
ACTIVE_DAYS, CHURNED_DAYS, PARETO_SHARE = 90, 180, 0.80
# Dates outside this window are refused (the project's default min_valid_date / max_valid_date).
FIRST_VALID_DAY, LAST_VALID_DAY = pd.Timestamp("2000-01-01"), pd.Timestamp("2099-12-31")
# The spaces cleaning trims: ASCII blanks and line breaks and the Unicode spaces (as in the dbt macro).
SPACES = (
    " \t\n\r\x0b\x0c\x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200C))) + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)


@dataclass
class Cleaned:
    customers: pd.DataFrame
    products: pd.DataFrame
    transactions: pd.DataFrame
    quarantined: dict[str, pd.DataFrame]


def read_raw(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)


def clean_text(values: pd.Series) -> pd.Series:
    stripped = values.str.strip(SPACES)
    return stripped.where(stripped != "")


def clean_id(values: pd.Series) -> pd.Series:
    return clean_text(values).str.upper()


def parse_cents(values: pd.Series) -> pd.Series:
    """Amounts with at most two decimals as integer cents (exact), NA where the text is not such an amount."""
    valid = values.str.fullmatch(AMOUNT).fillna(False).astype(bool)
    numbers = pd.to_numeric(values.where(valid), errors="coerce")
    return (numbers * 100).round().astype("Int64")


def parse_integer(values: pd.Series) -> pd.Series:
    valid = values.str.fullmatch(INTEGER).fillna(False).astype(bool)
    return pd.to_numeric(values.where(valid), errors="coerce").astype("Int64")


def parse_timestamp(values: pd.Series) -> pd.Series:
    valid = values.str.fullmatch(TIMESTAMP).fillna(False).astype(bool)
    lengths = values.str.len().fillna(0)
    with_time = pd.to_datetime(values.where(valid & (lengths > 10)), format="%Y-%m-%d %H:%M:%S", errors="coerce")
    date_only = pd.to_datetime(values.where(valid & (lengths == 10)), format="%Y-%m-%d", errors="coerce")
    parsed = with_time.fillna(date_only)
    return parsed.where((parsed >= FIRST_VALID_DAY) & (parsed < LAST_VALID_DAY + pd.Timedelta(days=1)))


def copy_verdicts(frame: pd.DataFrame, key: str, content: list[str]) -> pd.Series:
    """'conflicting_id' for every row of an id seen with different contents, 'duplicate' for later exact copies."""
    keyed = frame[key].notna()
    contents_per_id = frame.loc[keyed, [key, *content]].drop_duplicates().groupby(key).size()
    conflicting = keyed & (frame[key].map(contents_per_id) > 1)
    duplicate = keyed & ~conflicting & frame.duplicated([key, *content])
    return pd.Series(
        np.select([conflicting, duplicate], ["conflicting_id", "duplicate"], default=""), index=frame.index
    )


def first_reason(checks: list[tuple[str, pd.Series]], index: pd.Index) -> pd.Series:
    """The first failing check's reason per row (checks in docs/metrics.md order), '' for a clean row."""
    reasons = pd.Series("", index=index)
    for reason, failed in reversed(checks):
        reasons = reasons.mask(failed.fillna(True).astype(bool), reason)
    return reasons


def split(frame: pd.DataFrame, reasons: pd.Series, key: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    quarantined = frame.loc[reasons != "", [key]].assign(quarantine_reason=reasons[reasons != ""])
    return frame[reasons == ""], quarantined


def clean_customers(raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = pd.DataFrame(
        {
            "customer_id": clean_id(raw.CustomerID),
            "customer_name": clean_text(raw.CustomerName),
            "region": clean_text(raw.Region),
            "signup_text": clean_text(raw.SignupDate),
        }
    )
    signup = parse_timestamp(frame.signup_text.where(frame.signup_text.str.len().fillna(0) == 10))
    frame["signup_date"] = signup.dt.normalize()
    verdict = copy_verdicts(frame, "customer_id", ["customer_name", "region", "signup_text"])
    reasons = first_reason(
        [
            ("missing_id", frame.customer_id.isna()),
            ("conflicting_id", verdict == "conflicting_id"),
            ("duplicate", verdict == "duplicate"),
            ("bad_signup_date", signup.isna()),
        ],
        frame.index,
    )
    clean, quarantined = split(frame, reasons, "customer_id")
    return clean[["customer_id", "customer_name", "region", "signup_date"]], quarantined


def clean_products(raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = pd.DataFrame(
        {
            "product_id": clean_id(raw.ProductID),
            "product_name": clean_text(raw.ProductName),
            "category": clean_text(raw.Category),
            "price_text": clean_text(raw.Price),
        }
    )
    frame["price_cents"] = parse_cents(frame.price_text)
    verdict = copy_verdicts(frame, "product_id", ["product_name", "category", "price_text"])
    reasons = first_reason(
        [
            ("missing_id", frame.product_id.isna()),
            ("conflicting_id", verdict == "conflicting_id"),
            ("duplicate", verdict == "duplicate"),
            ("bad_price", ~(frame.price_cents > 0)),
        ],
        frame.index,
    )
    clean, quarantined = split(frame, reasons, "product_id")
    return clean[["product_id", "product_name", "category", "price_cents"]], quarantined


def clean_transactions(
    raw: pd.DataFrame, customer_ids: pd.Series, product_ids: pd.Series
) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = pd.DataFrame(
        {
            "transaction_id": clean_id(raw.TransactionID),
            "customer_id": clean_id(raw.CustomerID),
            "product_id": clean_id(raw.ProductID),
            "date_text": clean_text(raw.TransactionDate),
            "quantity_text": clean_text(raw.Quantity),
            "total_text": clean_text(raw.TotalValue),
            "price_text": clean_text(raw.Price),
        }
    )
    frame["transaction_at"] = parse_timestamp(frame.date_text)
    frame["quantity"] = parse_integer(frame.quantity_text)
    frame["price_cents"] = parse_cents(frame.price_text)
    frame["revenue_cents"] = parse_cents(frame.total_text)
    verdict = copy_verdicts(
        frame, "transaction_id", ["customer_id", "product_id", "date_text", "quantity_text", "total_text", "price_text"]
    )
    reasons = first_reason(
        [
            ("missing_id", frame.transaction_id.isna() | frame.customer_id.isna() | frame.product_id.isna()),
            ("conflicting_id", verdict == "conflicting_id"),
            ("duplicate", verdict == "duplicate"),
            ("bad_timestamp", frame.transaction_at.isna()),
            ("unknown_customer", ~frame.customer_id.isin(customer_ids)),
            ("unknown_product", ~frame.product_id.isin(product_ids)),
            ("bad_quantity", ~(frame.quantity > 0)),
            ("bad_price", ~(frame.price_cents > 0)),
            ("total_mismatch", (frame.revenue_cents - frame.quantity * frame.price_cents).abs() > 1),
        ],
        frame.index,
    )
    clean, quarantined = split(frame, reasons, "transaction_id")
    clean = clean.assign(transaction_date=clean.transaction_at.dt.normalize())
    return clean[
        [
            "transaction_id",
            "customer_id",
            "product_id",
            "transaction_at",
            "transaction_date",
            "quantity",
            "price_cents",
            "revenue_cents",
        ]
    ], quarantined


def clean_raw(raw_dir: Path) -> Cleaned:
    customers, quarantined_customers = clean_customers(read_raw(raw_dir / "customers.csv"))
    products, quarantined_products = clean_products(read_raw(raw_dir / "products.csv"))
    transactions, quarantined_transactions = clean_transactions(
        read_raw(raw_dir / "transactions.csv"), customers.customer_id, products.product_id
    )
    return Cleaned(
        customers,
        products,
        transactions,
        {
            "customers": quarantined_customers,
            "products": quarantined_products,
            "transactions": quarantined_transactions,
        },
    )


def enrich(cleaned: Cleaned) -> pd.DataFrame:
    fact = cleaned.transactions.merge(cleaned.products[["product_id", "category"]], on="product_id", how="left")
    fact = fact.merge(cleaned.customers[["customer_id", "region"]], on="customer_id", how="left")
    return fact.assign(category=fact.category.fillna("Uncategorised"), region=fact.region.fillna("Unknown"))


def money(cents: pd.Series) -> pd.Series:
    return cents.astype("float64") / 100


def growth_pct(current: pd.Series, previous: pd.Series) -> pd.Series:
    previous = previous.astype("float64")
    return ((current - previous) * 100 / previous.where(previous != 0)).round(2)


def revenue_daily(fact: pd.DataFrame) -> pd.DataFrame:
    daily = fact.groupby("transaction_date").agg(
        revenue_cents=("revenue_cents", "sum"),
        transactions=("transaction_id", "size"),
        units=("quantity", "sum"),
        customers=("customer_id", "nunique"),
    )
    days = pd.date_range(daily.index.min(), daily.index.max(), freq="D", name="transaction_date")
    daily = daily.reindex(days, fill_value=0)
    return pd.DataFrame(
        {
            "revenue_date": days.date,
            "revenue": money(daily.revenue_cents).to_numpy(),
            "transactions": daily.transactions.to_numpy(),
            "units": daily.units.to_numpy(),
            "customers": daily.customers.to_numpy(),
            "revenue_7d_avg": (money(daily.revenue_cents).rolling(7, min_periods=1).sum() / 7).round(2).to_numpy(),
            "cumulative_revenue": money(daily.revenue_cents.cumsum()).to_numpy(),
        }
    )


def revenue_monthly(fact: pd.DataFrame) -> pd.DataFrame:
    month = fact.transaction_date.dt.to_period("M")
    monthly = fact.groupby(month).agg(
        revenue_cents=("revenue_cents", "sum"),
        transactions=("transaction_id", "size"),
        customers=("customer_id", "nunique"),
    )
    monthly = monthly.reindex(pd.period_range(monthly.index.min(), monthly.index.max(), freq="M"), fill_value=0)
    revenue = money(monthly.revenue_cents)
    return pd.DataFrame(
        {
            "revenue_month": monthly.index.to_timestamp().date,
            "revenue": revenue.to_numpy(),
            "transactions": monthly.transactions.to_numpy(),
            "customers": monthly.customers.to_numpy(),
            "prev_month_revenue": revenue.shift(1).to_numpy(),
            "mom_growth_pct": growth_pct(revenue, revenue.shift(1)).to_numpy(),
        }
    )


def customer_lifetime_value(fact: pd.DataFrame) -> pd.DataFrame:
    clv = (
        fact.groupby("customer_id")
        .agg(
            total_cents=("revenue_cents", "sum"),
            transactions=("transaction_id", "size"),
            units=("quantity", "sum"),
            first_purchase_date=("transaction_date", "min"),
            last_purchase_date=("transaction_date", "max"),
        )
        .reset_index()
    )
    clv = clv.sort_values(["total_cents", "customer_id"], ascending=[False, True], ignore_index=True)
    running = clv.total_cents.cumsum()
    grand_total = clv.total_cents.sum()
    return pd.DataFrame(
        {
            "customer_id": clv.customer_id,
            "total_revenue": money(clv.total_cents),
            "transactions": clv.transactions,
            "units": clv.units,
            # Half-up rounding of the exact cent quotient, as the SQL marts do.
            "avg_order_value": (clv.total_cents * 2 + clv.transactions) // (clv.transactions * 2) / 100,
            "first_purchase_date": clv.first_purchase_date.dt.date,
            "last_purchase_date": clv.last_purchase_date.dt.date,
            "revenue_rank": np.arange(1, len(clv) + 1),
            "cumulative_revenue_share": running / grand_total,
            "is_top_80pct": (running - clv.total_cents) < PARETO_SHARE * grand_total,
        }
    )


def customer_segments(customers: pd.DataFrame, fact: pd.DataFrame) -> pd.DataFrame:
    as_of = fact.transaction_date.max()
    last_purchase = customers.customer_id.map(fact.groupby("customer_id").transaction_date.max())
    recency = (as_of - last_purchase).dt.days
    segment = np.select(
        [recency.isna(), recency < ACTIVE_DAYS, recency <= CHURNED_DAYS],
        ["Never purchased", "Active", "Dormant"],
        default="Churned",
    )
    return pd.DataFrame(
        {
            "customer_id": customers.customer_id,
            "last_purchase_date": last_purchase.dt.date,
            "recency_days": recency.astype("Int64"),
            "segment": segment,
            "as_of_date": as_of.date(),
        }
    )


def customer_favorite_category(fact: pd.DataFrame) -> pd.DataFrame:
    per_category = (
        fact.groupby(["customer_id", "category"])
        .agg(category_cents=("revenue_cents", "sum"), category_transactions=("transaction_id", "size"))
        .reset_index()
    )
    customer_cents = per_category.groupby("customer_id").category_cents.transform("sum")
    per_category["share_of_customer_revenue"] = per_category.category_cents / customer_cents
    ranked = per_category.sort_values(
        ["customer_id", "category_cents", "category_transactions", "category"], ascending=[True, False, False, True]
    )
    favorite = ranked.drop_duplicates("customer_id")
    return pd.DataFrame(
        {
            "customer_id": favorite.customer_id,
            "favorite_category": favorite.category,
            "category_revenue": money(favorite.category_cents),
            "category_transactions": favorite.category_transactions,
            "share_of_customer_revenue": favorite.share_of_customer_revenue,
        }
    )


def all_marts(cleaned: Cleaned) -> dict[str, pd.DataFrame]:
    fact = enrich(cleaned)
    return {
        "revenue_daily": revenue_daily(fact),
        "revenue_monthly": revenue_monthly(fact),
        "customer_lifetime_value": customer_lifetime_value(fact),
        "customer_segments": customer_segments(cleaned.customers, fact),
        "customer_favorite_category": customer_favorite_category(fact),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Compute the headline marts from the raw CSVs with pandas.")
    parser.add_argument("raw_dir", type=Path, help="folder holding customers.csv, products.csv, transactions.csv")
    parser.add_argument("--out-dir", type=Path, required=True, help="where each mart is written as CSV")
    args = parser.parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    cleaned = clean_raw(args.raw_dir)
    for name, frame in all_marts(cleaned).items():
        frame.to_csv(args.out_dir / f"{name}.csv", index=False)
    for table, frame in cleaned.quarantined.items():
        frame.to_csv(args.out_dir / f"quarantine_{table}.csv", index=False)


if __name__ == "__main__":
    main()
