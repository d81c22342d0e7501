"""Every mart equals an independent pandas implementation of docs/metrics.md, row by row, on dirty generated data."""

from __future__ import annotations

import pytest

from tests.integration.compare import assert_frames_match
from tests.integration.dbt_project import DbtProject
from tests.integration.mart_specs import MARTS, TableSpec


@pytest.mark.parametrize("spec", MARTS, ids=lambda spec: spec.name)
def test_mart_matches_the_pandas_reference(duckdb_build: DbtProject, reference_marts: dict, spec: TableSpec) -> None:
    expected = reference_marts[spec.name]
    actual = duckdb_build.query(f"select * from {spec.schema}.{spec.name}")
    # Every mart column is compared: a column the reference lacks would go unchecked.
    assert set(actual.columns) == set(expected.columns), (
        f"{spec.name}: columns not in the reference: {sorted(set(actual.columns) - set(expected.columns))}, "
        f"missing from the mart: {sorted(set(expected.columns) - set(actual.columns))}"
    )
    assert_frames_match(
        actual,
        expected,
        spec.key,
        money=spec.money,
        approx=spec.approx,
        dates=spec.dates,
        ints=spec.ints,
        label=spec.name,
    )


@pytest.mark.parametrize("table", ["customers", "products", "transactions"])
def test_quarantine_matches_the_pandas_reference(duckdb_build: DbtProject, reference_cleaned, table: str) -> None:
    expected = reference_cleaned.quarantine[table]
    key = expected.columns[0]
    actual = duckdb_build.query(f"select {key}, quarantine_reason from staging.quarantine_{table}")
    assert_frames_match(actual, expected, [key, "quarantine_reason"], label=f"quarantine_{table}")
