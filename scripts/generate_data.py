"""Generate realistic raw e-commerce exports (customers, products, transactions), optionally dirty.

Deterministic: the same arguments always give byte-identical files. Transactions are written in chunks,
so 10 million rows need no more memory than one chunk. With ``--dirty-rate`` every kind of bad row named
in docs/metrics.md is injected, and ``defects.csv`` records which raw rows are bad and why (the ground truth
the tests compare the quarantine models with).

An incremental batch (``--append-from N``) continues a run made with ``--transactions N`` and otherwise the
same arguments: every one of its transaction ids lies above every id that run wrote, its dirty rows
included, so the batch holds new sales only. ``--cross-batch-rate`` adds a set share of deliberate
cross-batch copies on top: exact copies and conflicting versions of clean rows of the earlier run.

``--anomalies N`` plants N days of unusual revenue, alternately a spike (the day draws SPIKE_FACTOR times
its usual share of sales) and a drop (DROP_FACTOR times), spread evenly over the days that have at least
ANOMALY_HISTORY_DAYS of history; ``planted_anomalies.csv`` lists them (the ground truth of the anomaly tests).
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

if not __package__:  # run as a file (`python scripts/x.py`): import the project's modules as `-m` does
    sys.path[0] = str(Path(__file__).resolve().parents[1])
from scripts.venv_check import require_modules

require_modules("generate_data", "numpy", "pandas")
import numpy as np
import pandas as pd

from scripts import progress

REGIONS = ["Asia", "Europe", "North America", "South America"]
CATEGORY_PRICE_RANGES = {
    "Books": (10, 60),
    "Clothing": (15, 200),
    "Electronics": (50, 500),
    "Home Decor": (20, 300),
}
CATEGORY_NOUNS = {
    "Books": ["Biography", "Cookbook", "Novel", "Rug Guide", "Textbook", "Thriller"],
    "Clothing": ["Cap", "Jacket", "Jeans", "Running Shoes", "Sweater", "T-Shirt"],
    "Electronics": ["Headphones", "Laptop", "Smartphone", "Smartwatch", "Soundbar", "Tablet"],
    "Home Decor": ["Cushion", "Desk Lamp", "Mirror", "Rug", "Vase", "Wall Art"],
}
BRANDS = ["ActiveWear", "BookWorld", "ComfortLiving", "HomeSense", "SoundWave", "TechPro", "UrbanStyle"]
FIRST_NAMES = [
    "Aisha",
    "Ben",
    "Carla",
    "David",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jamal",
    "Kathleen",
    "Lawrence",
    "Mei",
    "Nora",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sven",
    "Tara",
]
LAST_NAMES = [
    "Carroll",
    "Diaz",
    "Evans",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ito",
    "Jensen",
    "Kowalski",
    "Lutz",
    "Moreau",
    "Nguyen",
    "Okafor",
    "Patel",
    "Rivera",
    "Rodriguez",
    "Silva",
    "Weber",
]
# Sales swing with the season (a strong November/December, a weak February) and the weekday.
MONTH_WEIGHTS = [0.9, 0.7, 0.9, 0.95, 1.0, 0.95, 0.9, 0.95, 1.0, 1.1, 1.45, 1.7]
WEEKDAY_WEIGHTS = [0.9, 0.95, 1.0, 1.0, 1.1, 1.25, 1.15]
QUANTITY_WEIGHTS = {1: 0.5, 2: 0.3, 3: 0.13, 4: 0.07}
SIGNUP_START = date(2022, 1, 1)
TRANSACTION_HEADER = ["TransactionID", "CustomerID", "ProductID", "TransactionDate", "Quantity", "TotalValue", "Price"]
CUSTOMER_HEADER = ["CustomerID", "CustomerName", "Region", "SignupDate"]
PRODUCT_HEADER = ["ProductID", "ProductName", "Category", "Price"]
DEFECT_HEADER = ["table", "record_id", "row_number", "expected_reason"]
DEFAULT_CHUNK_ROWS = 500_000
SPIKE_FACTOR = 5.0
DROP_FACTOR = 0.1
# Twelve weeks: the default anomaly window is full before the first planted day.
ANOMALY_HISTORY_DAYS = 84

TRANSACTION_DEFECTS = [
    "missing_id",
    "duplicate",
    "conflicting_id",
    "bad_timestamp",
    "unknown_customer",
    "unknown_product",
    "bad_quantity",
    "bad_price",
    "total_mismatch",
]
CUSTOMER_DEFECTS = ["missing_id", "duplicate", "conflicting_id", "bad_signup_date"]
PRODUCT_DEFECTS = ["missing_id", "duplicate", "conflicting_id", "bad_price"]
BAD_TIMESTAMPS = ["2024-13-45 10:00:00", "not a date", "2024-02-30 08:00:00", "25/08/2024", ""]
BAD_QUANTITIES = ["0", "-2", "1.5", "abc", ""]
BAD_PRICES = ["0.00", "-5.00", "", "abc"]
BAD_SIGNUP_DATES = ["2023-02-29", "yesterday", ""]
# The first row of each of these kinds is dated after every good transaction: refused for another reason
# than its date, it must not move the default as-of date (the latest *clean* transaction date).
LATE_DEFECTS = ("unknown_customer", "total_mismatch")


@dataclass(frozen=True)
class GeneratorConfig:
    seed: int = 42
    customers: int = 200
    products: int = 100
    transactions: int = 1000
    dirty_rate: float = 0.0
    start_date: date = date(2024, 1, 1)
    end_date: date = date(2024, 12, 31)
    chunk_rows: int = DEFAULT_CHUNK_ROWS
    append_from: int | None = None
    cross_batch_rate: float = 0.0
    anomalies: int = 0


def padded_ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    return np.array([f"{prefix}{number:0{width}d}" for number in numbers], dtype=object)


def id_width(minimum: int, count: int) -> int:
    return max(minimum, len(str(count)))


def money(cents: np.ndarray) -> pd.Series:
    """Format integer cents as `123.45`; integers keep money exact (no float rounding surprises)."""
    cents = pd.Series(cents, dtype="int64")
    return (cents // 100).astype(str) + "." + (cents % 100).astype(str).str.zfill(2)


def dirty_count(rows: int, rate: float, kinds: int) -> int:
    if rate <= 0:
        return 0
    return max(kinds, round(rows * rate))


def last_transaction_number(transactions: int, dirty_rate: float) -> int:
    """The highest transaction number a full run with these arguments can write: its good rows are numbered
    1..transactions and each dirty row that needs an id of its own takes the next fresh one."""
    return transactions + dirty_count(transactions, dirty_rate, len(TRANSACTION_DEFECTS))


def donor_rows_of_a_full_run(transactions: int, dirty_rate: float) -> int:
    """How many leading rows of a full run's file its dirty rows may copy or contradict: the donors are the
    first 2 x dirty rows not given lower-case ids (see generate), so all lie among these. A row given
    lower-case ids elsewhere still normalises to its generated self."""
    n_dirty = dirty_count(transactions, dirty_rate, len(TRANSACTION_DEFECTS))
    return 2 * n_dirty + max(2, n_dirty // 10) if n_dirty else 0


def build_customers(config: GeneratorConfig, rng: np.random.Generator) -> pd.DataFrame:
    width = id_width(4, config.customers)
    latest_signup = config.end_date - timedelta(days=30)
    signup_span = max(1, (latest_signup - SIGNUP_START).days)
    signup_offsets = rng.integers(0, signup_span, size=config.customers)
    names = [
        f"{FIRST_NAMES[a]} {LAST_NAMES[b]}"
        for a, b in zip(
            rng.integers(0, len(FIRST_NAMES), config.customers), rng.integers(0, len(LAST_NAMES), config.customers)
        )
    ]
    return pd.DataFrame(
        {
            "CustomerID": padded_ids("C", np.arange(1, config.customers + 1), width),
            "CustomerName": names,
            "Region": rng.choice(REGIONS, size=config.customers, p=[0.22, 0.28, 0.27, 0.23]),
            "SignupDate": [(SIGNUP_START + timedelta(days=int(offset))).isoformat() for offset in signup_offsets],
        }
    )


def build_products(config: GeneratorConfig, rng: np.random.Generator) -> pd.DataFrame:
    width = id_width(3, config.products)
    categories = rng.choice(list(CATEGORY_PRICE_RANGES), size=config.products)
    price_cents = [
        int(rng.integers(low * 100, high * 100))
        for low, high in (CATEGORY_PRICE_RANGES[category] for category in categories)
    ]
    names = [
        f"{BRANDS[rng.integers(len(BRANDS))]} {CATEGORY_NOUNS[c][rng.integers(len(CATEGORY_NOUNS[c]))]}"
        for c in categories
    ]
    return pd.DataFrame(
        {
            "ProductID": padded_ids("P", np.arange(1, config.products + 1), width),
            "ProductName": names,
            "Category": categories,
            "Price": money(np.array(price_cents)),
            "price_cents": price_cents,
        }
    )


def customer_weights(count: int, rng: np.random.Generator) -> np.ndarray:
    """A long tail: Zipf-like purchase propensity, and about one customer in ten never buys."""
    weights = 1.0 / np.arange(1, count + 1) ** 0.9
    rng.shuffle(weights)
    never_buys = rng.random(count) < 0.1
    if never_buys.all():
        never_buys[0] = False
    weights[never_buys] = 0.0
    return weights / weights.sum()


def day_weights(start: date, end: date, planted: dict[int, float] | None = None) -> np.ndarray:
    days = [start + timedelta(days=offset) for offset in range((end - start).days + 1)]
    weights = np.array([MONTH_WEIGHTS[d.month - 1] * WEEKDAY_WEIGHTS[d.weekday()] for d in days])
    for offset, factor in (planted or {}).items():
        weights[offset] *= factor
    return weights / weights.sum()


def planted_anomalies(config: GeneratorConfig) -> dict[int, float]:
    """Day offset -> factor of the planted days: evenly spread after the history, spike and drop in turn."""
    span_days = (config.end_date - config.start_date).days + 1
    if config.anomalies == 0:
        return {}
    offsets = np.linspace(ANOMALY_HISTORY_DAYS, span_days - 1, config.anomalies).round().astype(int)
    return {int(offset): SPIKE_FACTOR if i % 2 == 0 else DROP_FACTOR for i, offset in enumerate(offsets)}


def write_planted_anomalies(config: GeneratorConfig, path: Path) -> None:
    rows = [
        {
            "revenue_date": (config.start_date + timedelta(days=offset)).isoformat(),
            "kind": "spike" if factor > 1 else "drop",
            "factor": factor,
        }
        for offset, factor in planted_anomalies(config).items()
    ]
    pd.DataFrame(rows, columns=["revenue_date", "kind", "factor"]).to_csv(path, index=False, lineterminator="\n")


@dataclass
class Catalogue:
    customers: pd.DataFrame
    products: pd.DataFrame
    customer_p: np.ndarray
    product_p: np.ndarray
    signup_days: np.ndarray  # days since config.start_date, per customer
    day_p: np.ndarray


def build_catalogue(config: GeneratorConfig) -> Catalogue:
    rng = np.random.default_rng([config.seed, 0])
    customers = build_customers(config, rng)
    products = build_products(config, rng)
    product_p = rng.gamma(2.0, 1.0, size=config.products)
    signup_days = np.array([(date.fromisoformat(d) - config.start_date).days for d in customers["SignupDate"]])
    return Catalogue(
        customers,
        products,
        customer_weights(config.customers, rng),
        product_p / product_p.sum(),
        signup_days,
        day_weights(config.start_date, config.end_date, planted_anomalies(config)),
    )


def transaction_chunk(
    config: GeneratorConfig, catalogue: Catalogue, first_number: int, rows: int, chunk_index: int
) -> pd.DataFrame:
    """`rows` good transactions numbered from `first_number`; every one after its customer's signup."""
    rng = np.random.default_rng([config.seed, 1, chunk_index])
    span_days = len(catalogue.day_p)
    customer_idx = rng.choice(len(catalogue.customer_p), size=rows, p=catalogue.customer_p)
    product_idx = rng.choice(len(catalogue.product_p), size=rows, p=catalogue.product_p)
    day = rng.choice(span_days, size=rows, p=catalogue.day_p)
    earliest = np.clip(catalogue.signup_days[customer_idx], 0, span_days - 1)
    too_early = day < earliest
    day[too_early] = earliest[too_early] + (rng.random(too_early.sum()) * (span_days - earliest[too_early])).astype(int)
    seconds = rng.integers(0, 86_400, size=rows)
    timestamps = (
        np.datetime64(config.start_date.isoformat(), "s")
        + day.astype("timedelta64[D]")
        + seconds.astype("timedelta64[s]")
    )
    quantity = rng.choice(list(QUANTITY_WEIGHTS), size=rows, p=list(QUANTITY_WEIGHTS.values()))
    price_cents = catalogue.products["price_cents"].to_numpy()[product_idx]
    width = id_width(5, config.transactions)
    return pd.DataFrame(
        {
            "TransactionID": padded_ids("T", np.arange(first_number, first_number + rows), width),
            "CustomerID": catalogue.customers["CustomerID"].to_numpy()[customer_idx],
            "ProductID": catalogue.products["ProductID"].to_numpy()[product_idx],
            "TransactionDate": pd.Series(np.datetime_as_string(timestamps, unit="s")).str.replace(
                "T", " ", regex=False
            ),
            "Quantity": quantity.astype(str),
            "TotalValue": money(price_cents * quantity).to_numpy(),
            "Price": money(price_cents).to_numpy(),
        }
    )


class DefectLog:
    """Collects the ground truth rows of defects.csv."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, int, str]] = []

    def add(self, table: str, record_id: str, row_number: int, reason: str) -> None:
        self.rows.append((table, record_id, row_number, reason))

    def write(self, path: Path) -> None:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(DEFECT_HEADER)
            writer.writerows(self.rows)


def dirty_entity_rows(
    good: pd.DataFrame,
    kinds: list[str],
    count: int,
    id_column: str,
    prefix: str,
    width: int,
    first_fresh: int,
    spoil: dict[str, list[str]],
    rng: np.random.Generator,
    table: str,
    log: DefectLog,
) -> pd.DataFrame:
    """Bad customer/product rows. Fresh ids come from a range no transaction references."""
    rows: list[dict[str, str]] = []
    fresh = first_fresh
    spoiled_column, spoiled_values = next(iter(spoil.items()))
    for position in range(count):
        kind = kinds[position % len(kinds)]
        row_number = len(good) + len(rows) + 1
        template = good.iloc[int(rng.integers(len(good)))][good.columns].to_dict()
        if kind == "missing_id":
            rows.append({**template, id_column: ""})
            log.add(table, "", row_number, kind)
        elif kind == "duplicate":
            rows.append(dict(template))
            log.add(table, template[id_column], row_number, kind)
        elif kind == "conflicting_id":
            fresh_id = f"{prefix}{fresh:0{width}d}"
            fresh += 1
            other = good.iloc[int(rng.integers(len(good)))][good.columns].to_dict()
            rows.append({**template, id_column: fresh_id})
            rows.append({**other, id_column: fresh_id})
            if rows[-1] == rows[-2]:
                rows[-1][good.columns[1]] = str(rows[-1][good.columns[1]]) + " II"
            log.add(table, fresh_id, row_number, kind)
            log.add(table, fresh_id, row_number + 1, kind)
        else:
            fresh_id = f"{prefix}{fresh:0{width}d}"
            fresh += 1
            rows.append(
                {**template, id_column: fresh_id, spoiled_column: spoiled_values[position % len(spoiled_values)]}
            )
            log.add(table, fresh_id, row_number, kind)
    return pd.DataFrame(rows, columns=good.columns)


def normalisation_rows(chunk: pd.DataFrame, count: int, rng: np.random.Generator, log: DefectLog) -> set[int]:
    """Give some good rows lower-case or padded ids: they must still end up clean."""
    picked = rng.choice(len(chunk), size=min(count, len(chunk)), replace=False)
    for step, index in enumerate(sorted(int(i) for i in picked)):
        column = "CustomerID" if step % 2 == 0 else "ProductID"
        value = chunk.at[index, column]
        chunk.at[index, column] = f" {value.lower()}" if step % 3 else f"{value.lower()} "
        log.add("transactions", chunk.at[index, "TransactionID"], index + 1, "clean_after_normalisation")
    return {int(i) for i in picked}


def dirty_transaction_rows(
    donors: pd.DataFrame,
    config: GeneratorConfig,
    good_rows: int,
    count: int,
    first_fresh: int,
    rng: np.random.Generator,
    log: DefectLog,
) -> pd.DataFrame:
    """`count` bad transactions to append after the `good_rows` good ones; each has exactly one defect.

    `donors` are good rows indexed by their 0-based position in the file; duplicates copy them and
    conflicting ids reuse their TransactionID, so both copies of a conflict are logged. Rows that need an id
    of their own are numbered from `first_fresh`.
    """
    width = id_width(5, config.transactions)
    fresh_numbers = iter(range(first_fresh, first_fresh + count))
    unknown_customer = f"C{config.customers + 5000:0{id_width(4, config.customers)}d}"
    unknown_product = f"P{config.products + 5000:0{id_width(3, config.products)}d}"
    donor_positions = [int(position) for position in rng.permutation(donors.index.to_numpy())]
    rows: list[dict[str, str]] = []
    for position in range(count):
        kind = TRANSACTION_DEFECTS[position % len(TRANSACTION_DEFECTS)]
        variant = position // len(TRANSACTION_DEFECTS)
        row_number = good_rows + len(rows) + 1
        donor_position = donor_positions.pop()
        donor = donors.loc[donor_position].to_dict()
        if kind == "missing_id":
            fresh_id = f"T{next(fresh_numbers):0{width}d}"
            blank_column = ["TransactionID", "CustomerID", "ProductID"][variant % 3]
            rows.append({**donor, "TransactionID": fresh_id, blank_column: ""})
            log.add("transactions", "" if blank_column == "TransactionID" else fresh_id, row_number, kind)
        elif kind == "duplicate":
            copy = dict(donor)
            if variant % 2:
                copy["CustomerID"] = f" {copy['CustomerID'].lower()} "
            rows.append(copy)
            log.add("transactions", donor["TransactionID"], row_number, kind)
        elif kind == "conflicting_id":
            quantity = int(donor["Quantity"]) % 4 + 1
            price_cents = round(float(donor["Price"]) * 100)
            rows.append(
                {**donor, "Quantity": str(quantity), "TotalValue": money(np.array([price_cents * quantity]))[0]}
            )
            log.add("transactions", donor["TransactionID"], donor_position + 1, kind)
            log.add("transactions", donor["TransactionID"], row_number, kind)
        else:
            fresh_id = f"T{next(fresh_numbers):0{width}d}"
            spoiled = {
                "bad_timestamp": {"TransactionDate": BAD_TIMESTAMPS[variant % len(BAD_TIMESTAMPS)]},
                "unknown_customer": {"CustomerID": unknown_customer},
                "unknown_product": {"ProductID": unknown_product},
                "bad_quantity": {"Quantity": BAD_QUANTITIES[variant % len(BAD_QUANTITIES)]},
                "bad_price": {"Price": BAD_PRICES[variant % len(BAD_PRICES)]},
                "total_mismatch": {"TotalValue": money(np.array([round(float(donor["TotalValue"]) * 100) + 100]))[0]},
            }[kind]
            if kind in LATE_DEFECTS and variant == 0:
                late_day = config.end_date + timedelta(days=10 + LATE_DEFECTS.index(kind))
                spoiled["TransactionDate"] = f"{late_day.isoformat()} 12:00:00"
            rows.append({**donor, "TransactionID": fresh_id, **spoiled})
            log.add("transactions", fresh_id, row_number, kind)
    return pd.DataFrame(rows, columns=TRANSACTION_HEADER)


def cross_batch_rows(
    config: GeneratorConfig, catalogue: Catalogue, count: int, first_row_number: int, log: DefectLog
) -> pd.DataFrame:
    """`count` rows repeating clean rows of the earlier run (the last ones of its file, which its own dirty
    rows never touch), alternately an exact copy (the copy is a `duplicate`) and a version with another
    quantity and total (a `conflicting_id`: the earlier row is refused as well once both are loaded)."""
    earlier_rows = config.append_from or 0
    if count > earlier_rows - donor_rows_of_a_full_run(earlier_rows, config.dirty_rate):
        raise ValueError(
            f"{count} cross-batch copies need more clean rows than the earlier run's {earlier_rows} transactions hold"
        )
    earlier = GeneratorConfig(**{**config.__dict__, "transactions": earlier_rows, "append_from": None})
    positions = range(earlier_rows - count, earlier_rows)
    chunks = []
    for chunk_index in sorted({position // config.chunk_rows for position in positions}):
        chunk_start = chunk_index * config.chunk_rows
        rows = min(config.chunk_rows, earlier_rows - chunk_start)
        chunks.append(
            transaction_chunk(earlier, catalogue, chunk_start + 1, rows, chunk_index).set_index(
                pd.RangeIndex(chunk_start, chunk_start + rows)
            )
        )
    originals = pd.concat(chunks).loc[list(positions)]
    rows_out: list[dict[str, str]] = []
    for step, original in enumerate(originals.to_dict("records")):
        if step % 2 == 0:
            rows_out.append(dict(original))
            reason = "duplicate"
        else:
            quantity = int(original["Quantity"]) % 4 + 1
            price_cents = round(float(original["Price"]) * 100)
            rows_out.append(
                {**original, "Quantity": str(quantity), "TotalValue": money(np.array([price_cents * quantity]))[0]}
            )
            reason = "conflicting_id"
        log.add("transactions", original["TransactionID"], first_row_number + step, reason)
    return pd.DataFrame(rows_out, columns=TRANSACTION_HEADER)


def write_frame(frame: pd.DataFrame, path: Path, header: bool) -> None:
    frame.to_csv(path, mode="w" if header else "a", header=header, index=False, lineterminator="\n")


def generate(
    out_dir: Path,
    *,
    seed: int = 42,
    customers: int = 200,
    products: int = 100,
    transactions: int = 1000,
    dirty_rate: float = 0.0,
    start_date: date = date(2024, 1, 1),
    end_date: date = date(2024, 12, 31),
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    append_from: int | None = None,
    cross_batch_rate: float = 0.0,
    parquet: bool = False,
    anomalies: int = 0,
) -> dict[str, int]:
    """Write the raw files (and defects.csv) into `out_dir`; return the row count of each raw file.

    With `append_from=N` only the `transactions - N` transactions after the first N are written (an
    incremental batch continuing a full run with `transactions=N` and the same other arguments), dated
    `start_date`..`end_date`; customers and products are the same as that run's. Every id of the batch lies
    above `last_transaction_number(N, dirty_rate)`, the highest id that run can hold, dirty rows included.
    `cross_batch_rate` (batches only) adds that share of the batch's new rows again as copies of clean rows
    of the earlier run, alternately exact (duplicate) and with another quantity (conflicting_id).
    `anomalies` plants that many days of unusual revenue and lists them in planted_anomalies.csv.
    """
    if cross_batch_rate and append_from is None:
        raise ValueError("cross_batch_rate needs append_from: a full run has no earlier batch to repeat")
    config = GeneratorConfig(
        seed,
        customers,
        products,
        transactions,
        dirty_rate,
        start_date,
        end_date,
        chunk_rows,
        append_from,
        cross_batch_rate,
        anomalies,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    catalogue = build_catalogue(config)
    log = DefectLog()
    dirty_rng = np.random.default_rng([seed, 2])

    customer_rows = dirty_entity_rows(
        catalogue.customers,
        CUSTOMER_DEFECTS,
        dirty_count(customers, dirty_rate, len(CUSTOMER_DEFECTS)),
        "CustomerID",
        "C",
        id_width(4, customers),
        customers + 1,
        {"SignupDate": BAD_SIGNUP_DATES},
        dirty_rng,
        "customers",
        log,
    )
    product_columns = catalogue.products.drop(columns="price_cents")
    product_rows = dirty_entity_rows(
        product_columns,
        PRODUCT_DEFECTS,
        dirty_count(products, dirty_rate, len(PRODUCT_DEFECTS)),
        "ProductID",
        "P",
        id_width(3, products),
        products + 1,
        {"Price": BAD_PRICES},
        dirty_rng,
        "products",
        log,
    )
    write_frame(pd.concat([catalogue.customers, customer_rows]), out_dir / "customers.csv", header=True)
    write_frame(pd.concat([product_columns, product_rows]), out_dir / "products.csv", header=True)

    # A batch's ids start above every id of the run it continues, so none of its rows is an old id again.
    first_number = 1 if append_from is None else last_transaction_number(append_from, dirty_rate) + 1
    total_good = transactions - (append_from or 0)
    transactions_path = out_dir / "transactions.csv"
    write_frame(pd.DataFrame(columns=TRANSACTION_HEADER), transactions_path, header=True)
    donors = pd.DataFrame(columns=TRANSACTION_HEADER)
    n_dirty = dirty_count(total_good, dirty_rate, len(TRANSACTION_DEFECTS))
    written = 0
    bar = progress.bar(total_good, "transactions.csv", unit="rows")
    for chunk_index, chunk_start in enumerate(range(0, total_good, chunk_rows)):
        rows = min(chunk_rows, total_good - chunk_start)
        chunk = transaction_chunk(config, catalogue, first_number + chunk_start, rows, chunk_index + (append_from or 0))
        if chunk_index == 0 and n_dirty:
            touched = normalisation_rows(chunk, max(2, n_dirty // 10), dirty_rng, log)
            donors = chunk.drop(index=list(touched)).head(2 * n_dirty)
        write_frame(chunk, transactions_path, header=False)
        written += rows
        bar.update(rows)
    bar.close()
    if n_dirty:
        first_fresh = transactions + 1 if append_from is None else first_number + total_good
        dirty = dirty_transaction_rows(
            donors, config, total_good, min(n_dirty, len(donors)), first_fresh, dirty_rng, log
        )
        write_frame(dirty, transactions_path, header=False)
        written += len(dirty)
    n_cross = round(total_good * cross_batch_rate)
    if n_cross:
        copies = cross_batch_rows(config, catalogue, n_cross, written + 1, log)
        write_frame(copies, transactions_path, header=False)
        written += len(copies)
    log.write(out_dir / "defects.csv")
    if anomalies:
        write_planted_anomalies(config, out_dir / "planted_anomalies.csv")
    if parquet:
        write_parquet(out_dir)
    return {
        "customers": len(catalogue.customers) + len(customer_rows),
        "products": len(product_columns) + len(product_rows),
        "transactions": written,
    }


def generate_clv_world(
    out_dir: Path,
    *,
    seed: int = 42,
    customers: int = 200,
    products: int = 100,
    start_date: date = date(2023, 1, 1),
    end_date: date = date(2024, 12, 31),
) -> dict[str, int]:
    """Clean raw files whose customers follow the stated BG/NBD + Gamma-Gamma world (scripts/clv_world.py):
    one transaction line (quantity 1, price = the occasion's value) per purchase occasion."""
    try:
        from scripts.clv_world import simulate_occasions
    except ModuleNotFoundError:  # run as a script: its own folder is on sys.path, the repo root is not
        from clv_world import simulate_occasions

    config = GeneratorConfig(
        seed=seed, customers=customers, products=products, start_date=start_date, end_date=end_date
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    catalogue = build_catalogue(config)
    occasions = simulate_occasions(customers, start_date, end_date, seed)
    customer_ids = catalogue.customers["CustomerID"].to_numpy()[occasions.customer_number.to_numpy() - 1]
    first_day = occasions.groupby("customer_number").occasion_date.min()
    signup = catalogue.customers.assign(
        SignupDate=[
            first_day[n].isoformat() if n in first_day.index else start_date.isoformat()
            for n in range(1, customers + 1)
        ]
    )
    rng = np.random.default_rng([seed, 23])
    product_ids = catalogue.products["ProductID"].to_numpy()[rng.integers(0, products, size=len(occasions))]
    values = money(np.round(occasions.value.to_numpy() * 100).astype(np.int64))
    transactions = pd.DataFrame(
        {
            "TransactionID": padded_ids("T", np.arange(1, len(occasions) + 1), id_width(5, len(occasions))),
            "CustomerID": customer_ids,
            "ProductID": product_ids,
            "TransactionDate": [f"{day.isoformat()} 12:00:00" for day in occasions.occasion_date],
            "Quantity": "1",
            "TotalValue": values.to_numpy(),
            "Price": values.to_numpy(),
        }
    )
    write_frame(signup, out_dir / "customers.csv", header=True)
    write_frame(catalogue.products.drop(columns="price_cents"), out_dir / "products.csv", header=True)
    write_frame(transactions, out_dir / "transactions.csv", header=True)
    return {"customers": customers, "products": products, "transactions": len(transactions)}


def write_parquet(out_dir: Path) -> None:
    import duckdb

    from scripts.literal_paths import duckdb_literal, sql_string

    with duckdb.connect() as connection:
        for name in ("customers", "products", "transactions"):
            source = duckdb_literal(connection, out_dir / f"{name}.csv")
            target = sql_string((out_dir / f"{name}.parquet").as_posix())
            connection.execute(
                f"copy (select * from read_csv(?, all_varchar = true, header = true)) to {target} (format parquet)",
                [source],
            )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("data/raw"), help="output folder (default: data/raw)")
    parser.add_argument("--seed", type=int, default=42, help="random seed; same seed, same bytes (default: 42)")
    parser.add_argument("--customers", type=int, default=200, help="good customer rows (default: 200)")
    parser.add_argument("--products", type=int, default=100, help="good product rows (default: 100)")
    parser.add_argument("--transactions", type=int, default=1000, help="good transaction rows (default: 1000)")
    parser.add_argument(
        "--dirty-rate",
        type=float,
        default=0.0,
        help="extra bad rows as a fraction of the good ones, every defect kind at least once when > 0 (default: 0)",
    )
    parser.add_argument(
        "--start-date",
        type=date.fromisoformat,
        default=date(2024, 1, 1),
        help="first transaction date (default: 2024-01-01)",
    )
    parser.add_argument(
        "--end-date",
        type=date.fromisoformat,
        default=date(2024, 12, 31),
        help="last transaction date (default: 2024-12-31)",
    )
    parser.add_argument(
        "--append-from",
        type=int,
        default=None,
        metavar="N",
        help="write an incremental batch continuing a run made with --transactions N and "
        "the same other arguments: the transactions after the first N, all with ids above "
        "every id of that run (its dirty rows included); customers and products as in a "
        "full run",
    )
    parser.add_argument(
        "--cross-batch-rate",
        type=float,
        default=0.0,
        metavar="RATE",
        help="with --append-from: also write this share of the batch's new rows as copies of "
        "clean rows of the earlier run, alternately exact (duplicate) and with another "
        "quantity (conflicting_id); default 0: the batch holds new sales only",
    )
    parser.add_argument(
        "--anomalies",
        type=int,
        default=0,
        metavar="N",
        help=f"plant N days of unusual revenue, spikes (x{SPIKE_FACTOR:g}) and drops "
        f"(x{DROP_FACTOR:g}) in turn, after {ANOMALY_HISTORY_DAYS} days of history; listed "
        "in planted_anomalies.csv (default: 0)",
    )
    parser.add_argument(
        "--clv-world",
        action="store_true",
        help="instead: clean files whose --customers follow the stated BG/NBD + Gamma-Gamma world "
        "of scripts/clv_world.py (one line per purchase occasion; --transactions unused)",
    )
    parser.add_argument("--parquet", action="store_true", help="also write .parquet copies (all columns text)")
    parser.add_argument("--chunk-rows", type=int, default=DEFAULT_CHUNK_ROWS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    for name in ("customers", "products", "transactions"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if not 0 <= args.dirty_rate < 1:
        parser.error("--dirty-rate must be in [0, 1)")
    if args.end_date < args.start_date:
        parser.error("--end-date must not be before --start-date")
    if args.append_from is not None and not 0 <= args.append_from < args.transactions:
        parser.error("--append-from must be in [0, --transactions)")
    if not 0 <= args.cross_batch_rate < 1:
        parser.error("--cross-batch-rate must be in [0, 1)")
    if args.cross_batch_rate and args.append_from is None:
        parser.error("--cross-batch-rate needs --append-from")
    history_left = (args.end_date - args.start_date).days + 1 - ANOMALY_HISTORY_DAYS
    if not 0 <= args.anomalies <= max(history_left, 0):
        parser.error(
            f"--anomalies must be between 0 and the {max(history_left, 0)} days after the first "
            f"{ANOMALY_HISTORY_DAYS} (the history the first planted day needs)"
        )
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.clv_world:
        counts = generate_clv_world(
            args.out,
            seed=args.seed,
            customers=args.customers,
            products=args.products,
            start_date=args.start_date,
            end_date=args.end_date,
        )
        print(", ".join(f"{name}.csv: {rows} rows" for name, rows in counts.items()) + f" -> {args.out}")
        return 0
    counts = generate(
        args.out,
        seed=args.seed,
        customers=args.customers,
        products=args.products,
        transactions=args.transactions,
        dirty_rate=args.dirty_rate,
        start_date=args.start_date,
        end_date=args.end_date,
        chunk_rows=args.chunk_rows,
        append_from=args.append_from,
        cross_batch_rate=args.cross_batch_rate,
        parquet=args.parquet,
        anomalies=args.anomalies,
    )
    print(", ".join(f"{name}.csv: {rows} rows" for name, rows in counts.items()) + f" -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
