"""An independent pandas implementation of docs/metrics.md: the oracle the SQL marts are compared with.

Written from the metric contract, not from the SQL: plain Python/pandas, `Decimal` for money, dates as
`datetime.date`. Slow on purpose-free simplicity; it is meant for test-sized data (thousands of rows).
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

INTEGER = re.compile(r"[+-]?[0-9]{1,9}")
AMOUNT = re.compile(r"[+-]?[0-9]{1,15}(\.[0-9]{1,2})?")
TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}:[0-9]{2})?")
CENT = Decimal("0.01")
# What the cleaning rules call a space: ASCII blanks and line breaks, and the Unicode spaces an export may
# carry (no-break, the U+2000 family, ideographic, zero-width, byte-order mark).
SPACES = (
    " \t\n\r\x0b\x0c\x85\xa0\u1680"
    + "".join(chr(c) for c in range(0x2000, 0x200C))
    + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)


@dataclass(frozen=True)
class Params:
    """The dbt vars the metrics depend on, with the project's defaults."""

    as_of_date: date | None = None
    active_days: int = 90
    churned_days: int = 180
    pareto_share: Decimal = Decimal("0.80")
    total_tolerance: Decimal = CENT
    min_valid_date: date = date(2000, 1, 1)
    max_valid_date: date = date(2099, 12, 31)
    anomaly_weeks: int = 12
    anomaly_min_weeks: int = 6
    anomaly_threshold: Decimal = Decimal("3.5")

    def dbt_vars(self) -> dict:
        return {
            "as_of_date": self.as_of_date.isoformat() if self.as_of_date else None,
            "active_days": self.active_days,
            "churned_days": self.churned_days,
            "pareto_share": float(self.pareto_share),
            "total_tolerance": float(self.total_tolerance),
            "min_valid_date": self.min_valid_date.isoformat(),
            "max_valid_date": self.max_valid_date.isoformat(),
            "anomaly_weeks": self.anomaly_weeks,
            "anomaly_min_weeks": self.anomaly_min_weeks,
            "anomaly_threshold": float(self.anomaly_threshold),
        }


DEFAULTS = Params()


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def text(value: str) -> str | None:
    value = value.strip(SPACES)
    return value or None


def ident(value: str) -> str | None:
    value = value.strip(SPACES).upper()
    return value or None


def parse_timestamp(value: str | None) -> datetime | None:
    if value is None or not TIMESTAMP.fullmatch(value):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S" if len(value) > 10 else "%Y-%m-%d")
    except ValueError:
        return None


def parse_amount(value: str | None) -> Decimal | None:
    if value is None or not AMOUNT.fullmatch(value):
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def parse_integer(value: str | None) -> int | None:
    return int(value) if value is not None and INTEGER.fullmatch(value) else None


def copy_verdicts(rows: list[dict], key: str, content: list[str]) -> list[str | None]:
    """'duplicate' for later exact copies, 'conflicting_id' for every row of an id with several contents."""
    contents: dict[str, set[tuple]] = {}
    for row in rows:
        if row[key] is not None:
            contents.setdefault(row[key], set()).add(tuple(row[c] for c in content))
    seen: set[tuple] = set()
    verdicts: list[str | None] = []
    for row in rows:
        if row[key] is None:
            verdicts.append(None)
            continue
        if len(contents[row[key]]) > 1:
            verdicts.append("conflicting_id")
            continue
        signature = (row[key], *(row[c] for c in content))
        verdicts.append("duplicate" if signature in seen else None)
        seen.add(signature)
    return verdicts


def read_raw(path: Path) -> list[dict[str, str]]:
    return pd.read_csv(path, dtype=str, keep_default_na=False).to_dict("records")


@dataclass
class Cleaned:
    customers: pd.DataFrame
    products: pd.DataFrame
    transactions: pd.DataFrame
    quarantine: dict[str, pd.DataFrame]


def in_window(day: date | None, params: Params) -> bool:
    return day is not None and params.min_valid_date <= day <= params.max_valid_date


def clean_customers(raw: list[dict[str, str]], params: Params = DEFAULTS) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = [
        {
            "customer_id": ident(r["CustomerID"]),
            "customer_name": text(r["CustomerName"]),
            "region": text(r["Region"]),
            "signup_text": text(r["SignupDate"]),
        }
        for r in raw
    ]
    verdicts = copy_verdicts(rows, "customer_id", ["customer_name", "region", "signup_text"])
    clean, refused = [], []
    for row, verdict in zip(rows, verdicts):
        signup = parse_timestamp(row["signup_text"]) if row["signup_text"] and len(row["signup_text"]) == 10 else None
        reason = (
            "missing_id"
            if row["customer_id"] is None
            else verdict or (None if signup and in_window(signup.date(), params) else "bad_signup_date")
        )
        if reason:
            refused.append({"customer_id": row["customer_id"], "quarantine_reason": reason})
        else:
            clean.append(
                {
                    "customer_id": row["customer_id"],
                    "customer_name": row["customer_name"],
                    "region": row["region"],
                    "signup_date": signup.date(),
                }
            )
    return pd.DataFrame(clean), pd.DataFrame(refused, columns=["customer_id", "quarantine_reason"])


def clean_products(raw: list[dict[str, str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = [
        {
            "product_id": ident(r["ProductID"]),
            "product_name": text(r["ProductName"]),
            "category": text(r["Category"]),
            "price_text": text(r["Price"]),
        }
        for r in raw
    ]
    verdicts = copy_verdicts(rows, "product_id", ["product_name", "category", "price_text"])
    clean, refused = [], []
    for row, verdict in zip(rows, verdicts):
        price = parse_amount(row["price_text"])
        reason = (
            "missing_id"
            if row["product_id"] is None
            else verdict or (None if price is not None and price > 0 else "bad_price")
        )
        if reason:
            refused.append({"product_id": row["product_id"], "quarantine_reason": reason})
        else:
            clean.append(
                {
                    "product_id": row["product_id"],
                    "product_name": row["product_name"],
                    "category": row["category"],
                    "price": cents(price),
                }
            )
    return pd.DataFrame(clean), pd.DataFrame(refused, columns=["product_id", "quarantine_reason"])


def transaction_reason(
    row: dict, verdict: str | None, customers: set[str], products: set[str], params: Params = DEFAULTS
) -> str | None:
    if row["transaction_id"] is None or row["customer_id"] is None or row["product_id"] is None:
        return "missing_id"
    if verdict:
        return verdict
    if row["at"] is None or not in_window(row["at"].date(), params):
        return "bad_timestamp"
    if row["customer_id"] not in customers:
        return "unknown_customer"
    if row["product_id"] not in products:
        return "unknown_product"
    if row["quantity"] is None or row["quantity"] <= 0:
        return "bad_quantity"
    if row["price"] is None or row["price"] <= 0:
        return "bad_price"
    if row["total"] is None or abs(row["total"] - row["quantity"] * row["price"]) > params.total_tolerance:
        return "total_mismatch"
    return None


def clean_transactions(
    raw: list[dict[str, str]], customers: set[str], products: set[str], params: Params = DEFAULTS
) -> tuple[pd.DataFrame, pd.DataFrame]:
    content = ["customer_id", "product_id", "date_text", "quantity_text", "total_text", "price_text"]
    rows = [
        {
            "transaction_id": ident(r["TransactionID"]),
            "customer_id": ident(r["CustomerID"]),
            "product_id": ident(r["ProductID"]),
            "date_text": text(r["TransactionDate"]),
            "quantity_text": text(r["Quantity"]),
            "total_text": text(r["TotalValue"]),
            "price_text": text(r["Price"]),
        }
        for r in raw
    ]
    for row in rows:
        row.update(
            at=parse_timestamp(row["date_text"]),
            quantity=parse_integer(row["quantity_text"]),
            price=parse_amount(row["price_text"]),
            total=parse_amount(row["total_text"]),
        )
    clean, refused = [], []
    for row, verdict in zip(rows, copy_verdicts(rows, "transaction_id", content)):
        reason = transaction_reason(row, verdict, customers, products, params)
        if reason:
            refused.append({"transaction_id": row["transaction_id"], "quarantine_reason": reason})
        else:
            clean.append(
                {
                    "transaction_id": row["transaction_id"],
                    "customer_id": row["customer_id"],
                    "product_id": row["product_id"],
                    "transaction_at": row["at"],
                    "transaction_date": row["at"].date(),
                    "quantity": row["quantity"],
                    "unit_price": cents(row["price"]),
                    "revenue": cents(row["total"]),
                }
            )
    return pd.DataFrame(clean), pd.DataFrame(refused, columns=["transaction_id", "quarantine_reason"])


def clean_raw(raw_dir: Path, params: Params = DEFAULTS) -> Cleaned:
    customers, quarantined_customers = clean_customers(read_raw(raw_dir / "customers.csv"), params)
    products, quarantined_products = clean_products(read_raw(raw_dir / "products.csv"))
    transactions, quarantined_transactions = clean_transactions(
        read_raw(raw_dir / "transactions.csv"), set(customers.customer_id), set(products.product_id), params
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


# ---- marts -----------------------------------------------------------------------------------------------


def month_of(day: date) -> date:
    return day.replace(day=1)


def quarter_of(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def months_from(first: date, last: date) -> list[date]:
    months, current = [], first
    while current <= last:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def growth_pct(current: Decimal, previous: Decimal | None) -> Decimal | None:
    if previous is None or previous == 0:
        return None
    return cents((current - previous) * 100 / previous)


def resolved(cleaned: Cleaned, params: Params) -> Params:
    """The one parameter set every mart function gets: the vars, with the as-of date resolved once (the var,
    else the latest clean transaction date), so no function can pick its own point in time."""
    return replace(params, as_of_date=params.as_of_date or cleaned.transactions.transaction_date.max())


def fct_transactions(cleaned: Cleaned, params: Params) -> pd.DataFrame:
    category = dict(zip(cleaned.products.product_id, cleaned.products.category))
    region = dict(zip(cleaned.customers.customer_id, cleaned.customers.region))
    fact = cleaned.transactions[cleaned.transactions.transaction_date <= params.as_of_date].copy()
    fact["category"] = fact.product_id.map(lambda p: category[p] or "Uncategorised")
    fact["region"] = fact.customer_id.map(lambda c: region[c] or "Unknown")
    return fact


def revenue_daily(fact: pd.DataFrame) -> pd.DataFrame:
    days = pd.date_range(fact.transaction_date.min(), fact.transaction_date.max(), freq="D").date
    rows, window, cumulative = [], [], Decimal(0)
    for day in days:
        on_day = fact[fact.transaction_date == day]
        revenue = sum(on_day.revenue, Decimal("0.00"))
        window = (window + [revenue])[-7:]
        cumulative += revenue
        rows.append(
            {
                "revenue_date": day,
                "revenue": revenue,
                "transactions": len(on_day),
                "units": int(on_day.quantity.sum()),
                "customers": on_day.customer_id.nunique(),
                "revenue_7d_avg": cents(sum(window) / 7),
                "cumulative_revenue": cumulative,
            }
        )
    return pd.DataFrame(rows)


def revenue_anomalies(
    daily: pd.DataFrame, weeks: int = 12, min_weeks: int = 6, threshold: Decimal = Decimal("3.5")
) -> pd.DataFrame:
    """Each day against the same weekday 1..weeks weeks earlier: modified z-score of ln(1 + revenue)."""
    log_revenue = {row.revenue_date: math.log(1 + float(row.revenue)) for row in daily.itertuples()}
    rows = []
    for day, value in log_revenue.items():
        window = [
            log_revenue[day - timedelta(days=7 * k)]
            for k in range(1, weeks + 1)
            if day - timedelta(days=7 * k) in log_revenue
        ]
        middle = statistics.median(window) if window else None
        mad = statistics.median([abs(v - middle) for v in window]) if window else None
        score = None
        if len(window) >= min_weeks and mad > 0:
            raw = Decimal(0.6745 * (value - middle) / mad).quantize(Decimal("1e-12"), rounding=ROUND_HALF_UP)
            score = raw.quantize(CENT, rounding=ROUND_HALF_UP)
        rows.append(
            {
                "revenue_date": day,
                "revenue": daily.set_index("revenue_date").revenue[day],
                "log_revenue": value,
                "window_weeks": len(window),
                "window_median_log_revenue": middle,
                "window_mad_log_revenue": mad,
                "typical_revenue": math.exp(middle) - 1 if window else None,
                "anomaly_score": score,
                "is_anomaly": score is not None and abs(score) >= threshold,
            }
        )
    return pd.DataFrame(rows)


def revenue_monthly(fact: pd.DataFrame) -> pd.DataFrame:
    fact = fact.assign(month=fact.transaction_date.map(month_of))
    rows, previous = [], None
    for month in months_from(fact.month.min(), fact.month.max()):
        in_month = fact[fact.month == month]
        revenue = sum(in_month.revenue, Decimal("0.00"))
        rows.append(
            {
                "revenue_month": month,
                "revenue": revenue,
                "transactions": len(in_month),
                "customers": in_month.customer_id.nunique(),
                "prev_month_revenue": previous,
                "mom_growth_pct": growth_pct(revenue, previous),
            }
        )
        previous = revenue
    return pd.DataFrame(rows)


def revenue_category_quarterly(fact: pd.DataFrame) -> pd.DataFrame:
    """Every category with a sale gets every quarter from the first to the last quarter of all data."""
    fact = fact.assign(quarter=fact.transaction_date.map(quarter_of))
    quarters = sorted(
        {
            quarter_of(m)
            for m in months_from(month_of(fact.transaction_date.min()), month_of(fact.transaction_date.max()))
        }
    )
    rows = []
    for category in sorted(fact.category.unique()):
        previous = None
        for quarter in quarters:
            revenue = sum(fact[(fact.category == category) & (fact.quarter == quarter)].revenue, Decimal("0.00"))
            rows.append(
                {
                    "category": category,
                    "revenue_quarter": quarter,
                    "revenue": revenue,
                    "prev_quarter_revenue": previous,
                    "qoq_growth_pct": growth_pct(revenue, previous),
                }
            )
            previous = revenue
    return pd.DataFrame(rows)


def customer_lifetime_value(fact: pd.DataFrame, params: Params) -> pd.DataFrame:
    per_customer = []
    for customer_id, lines in fact.groupby("customer_id"):
        total = sum(lines.revenue, Decimal("0.00"))
        per_customer.append(
            {
                "customer_id": customer_id,
                "total_revenue": total,
                "transactions": len(lines),
                "units": int(lines.quantity.sum()),
                "avg_order_value": cents(total / len(lines)),
                "first_purchase_date": lines.transaction_date.min(),
                "last_purchase_date": lines.transaction_date.max(),
            }
        )
    if not per_customer:  # an as-of date before the first sale: no buyers
        return pd.DataFrame(
            columns=[
                "customer_id",
                "total_revenue",
                "transactions",
                "units",
                "avg_order_value",
                "first_purchase_date",
                "last_purchase_date",
                "revenue_rank",
                "cumulative_revenue_share",
                "is_top_80pct",
            ]
        )
    per_customer.sort(key=lambda row: (-row["total_revenue"], row["customer_id"]))
    grand_total = sum((row["total_revenue"] for row in per_customer), Decimal(0))
    running = Decimal(0)
    for rank, row in enumerate(per_customer, start=1):
        before = running
        running += row["total_revenue"]
        row.update(
            revenue_rank=rank,
            cumulative_revenue_share=float(running / grand_total),
            is_top_80pct=before < params.pareto_share * grand_total,
        )
    return pd.DataFrame(per_customer)


def customer_segments(customers: pd.DataFrame, fact: pd.DataFrame, params: Params) -> pd.DataFrame:
    as_of = params.as_of_date
    last_purchase = fact.groupby("customer_id").transaction_date.max().to_dict()
    rows = []
    for customer_id in customers.customer_id:
        last = last_purchase.get(customer_id)
        recency = (as_of - last).days if last else None
        if recency is None:
            segment = "Never purchased"
        elif recency < params.active_days:
            segment = "Active"
        elif recency <= params.churned_days:
            segment = "Dormant"
        else:
            segment = "Churned"
        rows.append(
            {
                "customer_id": customer_id,
                "last_purchase_date": last,
                "recency_days": recency,
                "segment": segment,
                "as_of_date": as_of,
            }
        )
    return pd.DataFrame(rows)


def customer_favorite_category(fact: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for customer_id, lines in fact.groupby("customer_id"):
        total = sum(lines.revenue, Decimal(0))
        options = [
            (sum(group.revenue, Decimal(0)), len(group), category) for category, group in lines.groupby("category")
        ]
        revenue, count, category = min(options, key=lambda o: (-o[0], -o[1], o[2]))
        rows.append(
            {
                "customer_id": customer_id,
                "favorite_category": category,
                "category_revenue": revenue,
                "category_transactions": count,
                "share_of_customer_revenue": float(revenue / total),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "customer_id",
            "favorite_category",
            "category_revenue",
            "category_transactions",
            "share_of_customer_revenue",
        ],
    )


def customer_cohorts(fact: pd.DataFrame) -> pd.DataFrame:
    fact = fact.assign(month=fact.transaction_date.map(month_of))
    cohort = fact.groupby("customer_id").month.min()
    last_month = fact.month.max()
    active = fact.groupby("month").customer_id.agg(set).to_dict()
    rows = []
    for cohort_month, members in cohort.groupby(cohort):
        members = set(members.index)
        for offset, month in enumerate(months_from(cohort_month, last_month)):
            active_customers = len(members & active.get(month, set()))
            rows.append(
                {
                    "cohort_month": cohort_month,
                    "months_since_first_purchase": offset,
                    "cohort_size": len(members),
                    "active_customers": active_customers,
                    "retention_pct": cents(Decimal(active_customers) * 100 / len(members)),
                }
            )
    return pd.DataFrame(rows)


def rfm_segment(r: int, f: int, m: int) -> str:
    rules = [
        ("Champions", r >= 4 and f >= 4 and m >= 4),
        ("At risk", r <= 2 and f >= 3),
        ("Loyal", f >= 4),
        ("New", r >= 4 and f == 1),
        ("Promising", r >= 4),
        ("Hibernating", r <= 2),
    ]
    return next((name for name, matches in rules if matches), "Needs attention")


def shared_tie_scores(values: dict[str, object], descending: bool = False) -> dict[str, int]:
    """1 + floor(5 * (rank - 1) / n), where tied values share the lowest rank (SQL rank())."""
    n = len(values)
    ranks = {
        key: 1 + sum((other > value) if descending else (other < value) for other in values.values())
        for key, value in values.items()
    }
    return {key: 1 + 5 * (rank - 1) // n for key, rank in ranks.items()}


def customer_rfm(fact: pd.DataFrame, params: Params) -> pd.DataFrame:
    as_of = params.as_of_date
    per_customer = {customer_id: lines for customer_id, lines in fact.groupby("customer_id")}
    recency = {c: (as_of - lines.transaction_date.max()).days for c, lines in per_customer.items()}
    frequency = {c: len(lines) for c, lines in per_customer.items()}
    monetary = {c: sum(lines.revenue, Decimal("0.00")) for c, lines in per_customer.items()}
    r_scores = shared_tie_scores(recency, descending=True)
    f_scores, m_scores = shared_tie_scores(frequency), shared_tie_scores(monetary)
    rows = []
    for customer_id, lines in per_customer.items():
        r, f, m = r_scores[customer_id], f_scores[customer_id], m_scores[customer_id]
        rows.append(
            {
                "customer_id": customer_id,
                "last_purchase_date": lines.transaction_date.max(),
                "recency_days": recency[customer_id],
                "frequency": frequency[customer_id],
                "monetary": monetary[customer_id],
                "r_score": r,
                "f_score": f,
                "m_score": m,
                "rfm_cell": f"{r}{f}{m}",
                "rfm_segment": rfm_segment(r, f, m),
                "as_of_date": as_of,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "customer_id",
            "last_purchase_date",
            "recency_days",
            "frequency",
            "monetary",
            "r_score",
            "f_score",
            "m_score",
            "rfm_cell",
            "rfm_segment",
            "as_of_date",
        ],
    )


def customer_rfm_summary(fact: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The rfm_summary of pymc-marketing / lifetimes, daily: one purchase occasion per customer per day."""
    rows = []
    for customer_id, lines in fact.groupby("customer_id"):
        per_day = sorted(lines.groupby("transaction_date").revenue.agg(lambda v: sum(v, Decimal(0))).items())
        first, last = per_day[0][0], per_day[-1][0]
        repeats = [revenue for _, revenue in per_day[1:]]
        rows.append(
            {
                "customer_id": customer_id,
                "frequency": len(repeats),
                "recency_days": (last - first).days,
                "tenure_days": (as_of - first).days,
                "avg_repeat_order_value": cents(sum(repeats, Decimal(0)) / len(repeats)) if repeats else None,
                "first_purchase_date": first,
                "last_purchase_date": last,
                "as_of_date": as_of,
            }
        )
    return pd.DataFrame(rows)


def customer_activity_monthly(fact: pd.DataFrame) -> pd.DataFrame:
    fact = fact.assign(month=fact.transaction_date.map(month_of))
    first_month = fact.groupby("customer_id").month.min().to_dict()
    rows, seen = [], set()
    for month in months_from(fact.month.min(), fact.month.max()):
        in_month = fact[fact.month == month]
        is_new = in_month.customer_id.map(lambda c, month=month: first_month[c] == month)
        buyers = set(in_month.customer_id)
        new = {c for c in buyers if first_month[c] == month}
        seen |= buyers
        rows.append(
            {
                "revenue_month": month,
                "active_customers": len(buyers),
                "new_customers": len(new),
                "returning_customers": len(buyers - new),
                "new_customer_revenue": sum(in_month[is_new].revenue, Decimal("0.00")),
                "returning_customer_revenue": sum(in_month[~is_new].revenue, Decimal("0.00")),
                "returning_customer_rate": len(buyers - new) / len(buyers) if buyers else None,
                "cumulative_customers": len(seen),
            }
        )
    return pd.DataFrame(rows)


def cohort_revenue(fact: pd.DataFrame) -> pd.DataFrame:
    fact = fact.assign(month=fact.transaction_date.map(month_of))
    cohort = fact.groupby("customer_id").month.min()
    fact = fact.assign(cohort=fact.customer_id.map(cohort))
    last_month = fact.month.max()
    rows = []
    for cohort_month, members in cohort.groupby(cohort):
        cumulative = Decimal("0.00")
        for offset, month in enumerate(months_from(cohort_month, last_month)):
            revenue = sum(fact[(fact.cohort == cohort_month) & (fact.month == month)].revenue, Decimal("0.00"))
            cumulative += revenue
            rows.append(
                {
                    "cohort_month": cohort_month,
                    "months_since_first_purchase": offset,
                    "cohort_size": len(members),
                    "revenue": revenue,
                    "cumulative_revenue": cumulative,
                    "cumulative_revenue_per_customer": cents(cumulative / len(members)),
                }
            )
    return pd.DataFrame(rows)


def dim_products(products: pd.DataFrame, fact: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for product in products.itertuples():
        lines = fact[fact.product_id == product.product_id]
        rows.append(
            {
                "product_id": product.product_id,
                "product_name": product.product_name,
                "category": product.category,
                "price": product.price,
                "transactions": len(lines),
                "units_sold": int(lines.quantity.sum()),
                "revenue": sum(lines.revenue, Decimal("0.00")),
            }
        )
    return pd.DataFrame(rows)


def dim_customers(
    customers: pd.DataFrame, clv: pd.DataFrame, segments: pd.DataFrame, favorite: pd.DataFrame, rfm: pd.DataFrame
) -> pd.DataFrame:
    frame = customers.merge(clv, on="customer_id", how="left").merge(
        segments.drop(columns="last_purchase_date"), on="customer_id", how="left"
    )
    frame = frame.merge(
        favorite.rename(
            columns={
                "category_revenue": "favorite_category_revenue",
                "category_transactions": "favorite_category_transactions",
                "share_of_customer_revenue": "favorite_category_share",
            }
        ),
        on="customer_id",
        how="left",
    )
    frame["total_revenue"] = frame.total_revenue.map(lambda v: Decimal("0.00") if pd.isna(v) else v)
    frame["transactions"] = frame.transactions.fillna(0).astype(int)
    frame["units"] = frame.units.fillna(0).astype(int)
    frame["is_top_80pct"] = frame.is_top_80pct.map(lambda v: bool(v) if isinstance(v, bool) else False)
    frame = frame.merge(
        rfm[["customer_id", "r_score", "f_score", "m_score", "rfm_cell", "rfm_segment"]], on="customer_id", how="left"
    )
    frame["rfm_segment"] = frame.rfm_segment.fillna("Never purchased")
    return frame


def all_marts(cleaned: Cleaned, params: Params = DEFAULTS) -> dict[str, pd.DataFrame]:
    params = resolved(cleaned, params)
    fact = fct_transactions(cleaned, params)
    clv = customer_lifetime_value(fact, params)
    segments = customer_segments(cleaned.customers, fact, params)
    favorite = customer_favorite_category(fact)
    rfm = customer_rfm(fact, params)

    def periods(mart: Callable[[pd.DataFrame], pd.DataFrame]) -> pd.DataFrame:
        """A mart over calendar periods from the first to the last sale: none before the first sale."""
        return mart(fact) if len(fact) else pd.DataFrame()

    daily = periods(revenue_daily)
    return {
        "fct_transactions": fact,
        "dim_products": dim_products(cleaned.products, fact),
        "dim_customers": dim_customers(cleaned.customers, clv, segments, favorite, rfm),
        "revenue_daily": daily,
        "revenue_anomalies": revenue_anomalies(
            daily, params.anomaly_weeks, params.anomaly_min_weeks, params.anomaly_threshold
        )
        if len(daily)
        else pd.DataFrame(),
        "revenue_monthly": periods(revenue_monthly),
        "revenue_category_quarterly": periods(revenue_category_quarterly),
        "customer_lifetime_value": clv,
        "customer_segments": segments,
        "customer_favorite_category": favorite,
        "customer_cohorts": periods(customer_cohorts),
        "customer_rfm": rfm,
        "customer_activity_monthly": periods(customer_activity_monthly),
        "customer_rfm_summary": customer_rfm_summary(fact, params.as_of_date),
        "cohort_revenue": periods(cohort_revenue),
    }
