"""The benchmark's pandas competitor computes the same marts as the test oracle, so the race is fair."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import pandas_pipeline
from tests.integration.compare import assert_frames_match
from tests.integration.mart_specs import MARTS


@pytest.fixture(scope="module")
def fast(dirty_raw_dir: Path) -> pandas_pipeline.Cleaned:
    return pandas_pipeline.clean_raw(dirty_raw_dir)


@pytest.mark.parametrize(
    "name",
    ["revenue_daily", "revenue_monthly", "customer_lifetime_value", "customer_segments", "customer_favorite_category"],
)
def test_pandas_pipeline_mart_matches_the_oracle(fast, reference_marts: dict, name: str) -> None:
    spec = next(spec for spec in MARTS if spec.name == name)
    expected = reference_marts[name]
    assert_frames_match(
        pandas_pipeline.all_marts(fast)[name],
        expected,
        spec.key,
        money=spec.money,
        approx=spec.approx,
        dates=spec.dates,
        ints=spec.ints,
        label=f"pandas {name}",
    )


@pytest.mark.parametrize("table", ["customers", "products", "transactions"])
def test_pandas_pipeline_quarantines_what_the_oracle_does(fast, reference_cleaned, table: str) -> None:
    expected = reference_cleaned.quarantine[table]
    key = expected.columns[0]
    assert len(expected) > 0, "the dirty data set must hold bad rows for this test to mean anything"
    assert_frames_match(fast.quarantined[table], expected, [key, "quarantine_reason"], label=f"pandas {table}")
