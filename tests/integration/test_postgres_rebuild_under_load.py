"""A rebuild on PostgreSQL while BI readers query the marts: no reader ever sees an error or a partial table."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import pytest

from tests.integration.dbt_project import DbtProject
from tests.integration.waiting import DEADLINE_S, wait_until

pytestmark = pytest.mark.postgres
READERS = 4
# Readers stop when the test says so; this only bounds a reader left behind by a crashed test.
SAFETY_SECONDS = 3600
REPORT = Path(__file__).resolve().parents[2] / "build" / "pg_rebuild_under_load.json"
# What a BI tool asks: one row count and one total per mart; a half-built table would change them.
QUERIES = {
    "revenue_daily": "select count(*), sum(revenue) from marts.revenue_daily",
    "revenue_monthly": "select count(*), sum(revenue) from marts.revenue_monthly",
    "customer_lifetime_value": "select count(*), sum(total_revenue) from marts.customer_lifetime_value",
    "dim_customers": "select count(*), sum(total_revenue) from marts.dim_customers",
    "fct_transactions": "select count(*), sum(revenue) from marts.fct_transactions",
}


@dataclass
class ReaderLog:
    reads: int = 0
    rounds: int = 0  # complete rounds over every mart
    errors: list[str] = field(default_factory=list)
    wrong_answers: list[str] = field(default_factory=list)


def read_in_a_loop(build: DbtProject, expected: dict[str, tuple], stop: threading.Event, log: ReaderLog) -> None:
    connection = psycopg2.connect(
        host=build.env["PGHOST"],
        port=build.env["PGPORT"],
        user="bi_reader",
        password=build.env["BI_READER_PASSWORD"],
        dbname=build.env["PGDATABASE"],
    )
    connection.autocommit = True
    deadline = time.monotonic() + SAFETY_SECONDS
    try:
        while not stop.is_set() and time.monotonic() < deadline:
            for mart, sql in QUERIES.items():
                try:
                    with connection.cursor() as cursor:
                        cursor.execute(sql)
                        answer = cursor.fetchone()
                except psycopg2.Error as error:
                    log.errors.append(f"{mart}: {error}".strip())
                    connection.rollback()
                    continue
                log.reads += 1
                if answer != expected[mart]:
                    log.wrong_answers.append(f"{mart}: got {answer}, expected {expected[mart]}")
            log.rounds += 1
    finally:
        connection.close()


def test_readers_see_only_complete_marts_during_a_rebuild(postgres_build: DbtProject) -> None:
    expected = {}
    with (
        psycopg2.connect(
            host=postgres_build.env["PGHOST"],
            port=postgres_build.env["PGPORT"],
            user="bi_reader",
            password=postgres_build.env["BI_READER_PASSWORD"],
            dbname=postgres_build.env["PGDATABASE"],
        ) as connection,
        connection.cursor() as cursor,
    ):
        for mart, sql in QUERIES.items():
            cursor.execute(sql)
            expected[mart] = cursor.fetchone()
    assert all(count > 0 for count, _ in expected.values())

    stop = threading.Event()
    logs = [ReaderLog() for _ in range(READERS)]
    readers = [threading.Thread(target=read_in_a_loop, args=(postgres_build, expected, stop, log)) for log in logs]
    for reader in readers:
        reader.start()
    started = time.monotonic()
    try:
        result = postgres_build.dbt("build", "--exclude", "test_type:unit", check=False)
        build_seconds = time.monotonic() - started
        reads_during_rebuild = sum(log.reads for log in logs)
        # Reads after the swap, too: every reader completes two more full rounds (the first may have begun
        # before the swap), however slowly the machine runs them.
        after = [log.rounds for log in logs]
        wait_until(
            lambda: all(
                log.rounds >= done + 2 or not reader.is_alive() for log, done, reader in zip(logs, after, readers)
            ),
            "every reader to read every mart twice after the rebuild",
            last_seen=lambda: f"rounds {[log.rounds for log in logs]}, from {after}",
        )
    finally:
        stop.set()
        for reader in readers:
            reader.join(timeout=DEADLINE_S)
    assert not [reader for reader in readers if reader.is_alive()], (
        f"a reader did not stop within {DEADLINE_S:.0f} s of being told to"
    )

    reads = reads_during_rebuild
    errors = [error for log in logs for error in log.errors]
    wrong = [answer for log in logs for answer in log.wrong_answers]
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(
        json.dumps(
            {
                "readers": READERS,
                "reads_during_rebuild": reads,
                "errors": len(errors),
                "wrong_answers": len(wrong),
                "rebuild_seconds": round(build_seconds, 2),
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert not errors, errors[:5]
    assert not wrong, wrong[:5]
    assert reads >= READERS * len(QUERIES), "the readers did not run during the rebuild"
