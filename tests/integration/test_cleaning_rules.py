"""The cleaning rules on hand-written rows: each edge case decided by hand, one raw row per case."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.check_raw_files import EXPECTED_HEADERS
from tests.integration.dbt_project import DbtProject

CUSTOMERS = """\
C0001,Ann Lee,Europe,2023-01-15
 c0002 , Bo Chan ,Asia,2024-02-29
C0003,Cy Dahl,Asia,2023-02-29
C0004,Di Eze,Europe,2023-04-31
C0005,Ed Fox,Europe,
C0006,Flo Gil,Asia,2023-1-5
,Nameless,Asia,2023-01-01
C0007,Gus Hu,Asia,2023-05-05
C0007,Gus Hu,Asia,2023-05-05
C0008,Ha Ito,Asia,2023-05-05
C0008,Ha Ito,Europe,2023-05-05
,Nameless,Asia,2023-01-01
,Nobody,Asia,2023-02-30
C0009,Io Jo,Asia,2023-05-05
C0009,Io Jo,Asia,2023-05-05
C0009,Io Jo,Asia,2023-05-06
C0010,Jo Ka,Asia,2023-05-05
C0010,Jo Ka,Asia,2023-13-05
"""
PRODUCTS = """\
P001,Lamp,Home Decor,20.00
P002,Book,Books,0.00
P003,Pen,Books,-1.00
P004,Cup,Home Decor,12.345
P005,Mug,Home Decor,abc
P006,Hat,Clothing, 15.5
P007,Cap,Clothing,5.00
P007,Cap,Clothing,-5.00
,Blank,Books,-1.00
"""
# Each line: transaction, and the reason expected for it (None = clean).
TRANSACTIONS = [
    ("T001,C0001,P001,2024-03-01 10:00:00,2,40.00,20.00", None),
    ("T002,c0001,p001,2024-03-01,1,20.00,20.00", None),
    ("T003,C0001,P001,2024-03-01 24:00:00,1,20.00,20.00", "bad_timestamp"),
    ("T004,C0001,P001,2023-02-29 10:00:00,1,20.00,20.00", "bad_timestamp"),
    ("T005,C0001,P001,2024-02-29 10:00:00,1,20.00,20.00", None),
    ("T006,C0003,P001,2024-03-01,1,20.00,20.00", "unknown_customer"),
    ("T007,C0001,P002,2024-03-01,1,0.00,0.00", "unknown_product"),
    ("T008,C0001,P001,2024-03-01,0,0.00,20.00", "bad_quantity"),
    ("T009,C0001,P001,2024-03-01,2.0,40.00,20.00", "bad_quantity"),
    ("T010,C0001,P001,2024-03-01,1,20.00,0", "bad_price"),
    ("T011,C0001,P001,2024-03-01,3,60.02,20.00", "total_mismatch"),
    ("T012,C0001,P001,2024-03-01,3,60.01,20.00", None),
    ("T013,C0001,P001,2024-03-01,1,,20.00", "total_mismatch"),
    (",C0001,P001,2024-03-01,1,20.00,20.00", "missing_id"),
    ("T014,,P001,2024-03-01,1,20.00,20.00", "missing_id"),
    ("T015,C0001,P001,2024-03-02,1,20.00,20.00", None),
    ("t015 ,C0001,P001,2024-03-02,1,20.00,20.00", "duplicate"),
    ("T016,C0001,P001,2024-03-02,1,20.00,20.00", "conflicting_id"),
    ("T016,C0001,P001,2024-03-03,1,20.00,20.00", "conflicting_id"),
    ("T017,C0002,P006,2024-03-04,2,31.00,15.50", None),
    ("T018,C0099,P001,not-a-date,1,20.00,20.00", "bad_timestamp"),
    # Refused rows dated after the last clean one (2024-03-04): the default as-of date must ignore them.
    ("T019,C0099,P001,2024-04-01 09:00:00,1,20.00,20.00", "unknown_customer"),
    ("T020,C0001,P001,2024-04-02,2,40.50,20.00", "total_mismatch"),
    # Precedence, each pair of neighbouring rules (seeds/quarantine_reasons.csv) on one row or id: the earlier
    # rule decides. (bad_timestamp before unknown_customer: T018.)
    (",C0001,P001,2024-03-01,1,20.00,20.00", "missing_id"),  # and a copy of an earlier row: missing_id first
    ("T021,C0001,P001,2024-03-01,1,20.00,20.00", "conflicting_id"),  # two exact copies and one that differs:
    ("T021,C0001,P001,2024-03-01,1,20.00,20.00", "conflicting_id"),  # every copy conflicting, none duplicate
    ("T021,C0001,P001,2024-03-01,2,40.00,20.00", "conflicting_id"),
    ("T022,C0001,P001,2024-03-01,1,20.00,20.00", "conflicting_id"),  # conflicting_id before bad_timestamp
    ("T022,C0001,P001,2024-02-30,1,20.00,20.00", "conflicting_id"),
    ("T023,C0099,P002,2024-03-01,1,20.00,20.00", "unknown_customer"),  # before unknown_product (P002 refused)
    ("T024,C0001,P099,2024-03-01,0,0.00,20.00", "unknown_product"),  # before bad_quantity
    ("T025,C0001,P001,2024-03-01,0,0.00,0", "bad_quantity"),  # before bad_price
    ("T026,C0001,P001,2024-03-01,1,5.00,0", "bad_price"),  # before total_mismatch
]
LAST_CLEAN_DAY = "2024-03-04"


def write_raw(raw_dir: Path) -> None:
    raw_dir.mkdir()
    bodies = {
        "customers.csv": CUSTOMERS,
        "products.csv": PRODUCTS,
        "transactions.csv": "".join(line + "\n" for line, _ in TRANSACTIONS),
    }
    for name, body in bodies.items():
        (raw_dir / name).write_text(",".join(EXPECTED_HEADERS[name]) + "\n" + body, encoding="utf-8")


@pytest.fixture(scope="module")
def edge_case_build(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    root = tmp_path_factory.mktemp("edge_cases")
    write_raw(root / "raw")
    project = DbtProject.copy_of_repo(root / "project", raw_dir=root / "raw")
    project.dbt("seed")
    project.dbt("run", "--select", "staging", "quarantine_transactions", "+customer_segments", "+fct_transactions")
    return project


def test_customer_reasons(edge_case_build: DbtProject) -> None:
    rows = edge_case_build.query(
        "select coalesce(customer_id, '') as id, quarantine_reason from staging.quarantine_customers order by 1, 2"
    )
    assert list(rows.itertuples(index=False, name=None)) == [
        ("", "missing_id"),  # blank id, and a later exact copy: missing_id before duplicate
        ("", "missing_id"),
        ("", "missing_id"),  # blank id and 30 February: missing_id before bad_signup_date
        ("C0003", "bad_signup_date"),  # 2023 is not a leap year
        ("C0004", "bad_signup_date"),  # April has 30 days
        ("C0005", "bad_signup_date"),  # blank
        ("C0006", "bad_signup_date"),  # not zero-padded
        ("C0007", "duplicate"),
        ("C0008", "conflicting_id"),
        ("C0008", "conflicting_id"),
        ("C0009", "conflicting_id"),  # two exact copies and one that differs: conflicting_id before duplicate
        ("C0009", "conflicting_id"),
        ("C0009", "conflicting_id"),
        ("C0010", "conflicting_id"),  # conflicting_id before bad_signup_date
        ("C0010", "conflicting_id"),
    ]


def test_clean_customers_are_trimmed_and_upper_cased(edge_case_build: DbtProject) -> None:
    rows = edge_case_build.query(
        "select customer_id, customer_name, cast(signup_date as varchar) as signup "
        "from staging.stg_customers order by 1"
    )
    assert list(rows.itertuples(index=False, name=None)) == [
        ("C0001", "Ann Lee", "2023-01-15"),
        ("C0002", "Bo Chan", "2024-02-29"),
        ("C0007", "Gus Hu", "2023-05-05"),
    ]


def test_product_reasons(edge_case_build: DbtProject) -> None:
    rows = edge_case_build.query(
        "select coalesce(product_id, '') as id, quarantine_reason from staging.quarantine_products order by 1, 2"
    )
    assert list(rows.itertuples(index=False, name=None)) == [
        ("", "missing_id"),  # blank id and a negative price: missing_id before bad_price
        ("P002", "bad_price"),
        ("P003", "bad_price"),
        ("P004", "bad_price"),
        ("P005", "bad_price"),
        ("P007", "conflicting_id"),  # conflicting_id before bad_price
        ("P007", "conflicting_id"),
    ]
    prices = edge_case_build.query(
        "select product_id, cast(price as varchar) as price from staging.stg_products order by 1"
    )
    assert list(prices.itertuples(index=False, name=None)) == [("P001", "20.00"), ("P006", "15.50")]


def test_transaction_reasons_row_by_row(edge_case_build: DbtProject) -> None:
    rows = edge_case_build.query(
        "select coalesce(transaction_id, '') as id, coalesce(customer_id, '') as customer, quarantine_reason "
        "from staging.quarantine_transactions"
    )
    actual = sorted((row.id, row.quarantine_reason) for row in rows.itertuples())
    expected = sorted((line.split(",")[0].strip().upper(), reason) for line, reason in TRANSACTIONS if reason)
    assert actual == expected


def test_clean_transactions_are_exactly_the_rows_without_a_reason(edge_case_build: DbtProject) -> None:
    clean = edge_case_build.query("select transaction_id from intermediate.int_transactions_clean order by 1")
    expected = sorted(line.split(",")[0] for line, reason in TRANSACTIONS if reason is None)
    assert clean.transaction_id.tolist() == expected


def test_default_as_of_date_is_the_last_clean_day_not_a_later_refused_one(edge_case_build: DbtProject) -> None:
    as_of = edge_case_build.query("select distinct cast(as_of_date as varchar) as day from marts.customer_segments")
    assert as_of.day.tolist() == [LAST_CLEAN_DAY]


def test_revenue_is_the_raw_total_even_a_cent_off_quantity_times_price(edge_case_build: DbtProject) -> None:
    # T012: 3 x 20.00 = 60.00, but the shop booked 60.01 (within the tolerance): revenue is what was booked.
    rows = edge_case_build.query(
        "select cast(revenue as varchar) as revenue from marts.fct_transactions where transaction_id = 'T012'"
    )
    assert rows.revenue.tolist() == ["60.01"]
