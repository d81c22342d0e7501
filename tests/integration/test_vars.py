"""Every documented var works in a plain `dbt build`, and a hostile or impossible value is refused in one
line before anything is built: never pasted into SQL."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from tests.integration import reference
from tests.integration.compare import assert_frames_match
from tests.integration.dbt_project import DbtProject
from tests.integration.mart_specs import MARTS, TableSpec

HOSTILE = [
    ({"as_of_date": "2024-06-30'; drop table marts.fct_transactions; --"}, "var as_of_date must be an ISO date"),
    ({"as_of_date": "2024-02-30"}, "var as_of_date must be an ISO date"),
    ({"as_of_date": "30/06/2024"}, "var as_of_date must be an ISO date"),
    ({"active_days": "(select count(*) from read_text('/etc/passwd'))"}, "var active_days must be a whole number"),
    ({"active_days": -5}, "var active_days must be a whole number >= 1"),
    ({"active_days": 200, "churned_days": 100}, "var active_days (200) must be smaller than churned_days (100)"),
    ({"pareto_share": 1.5}, "var pareto_share must be a number strictly between 0 and 1"),
    ({"pareto_share": "0.8 or 1=1"}, "var pareto_share must be a number strictly between 0 and 1"),
    ({"total_tolerance": -0.01}, "var total_tolerance must be a number >= 0"),
    ({"raw_source": "ftp"}, "var raw_source must be one of seeds, files"),
    ({"min_valid_date": "2030-01-01", "max_valid_date": "2020-01-01"}, "must be earlier than max_valid_date"),
    ({"raw_dir": "data/raw"}, "var raw_dir is no longer used"),
    ({"anomaly_weeks": 0}, "var anomaly_weeks must be a whole number >= 1"),
    ({"anomaly_weeks": 4, "anomaly_min_weeks": 5}, "var anomaly_min_weeks (5) must not exceed anomaly_weeks (4)"),
    ({"anomaly_threshold": -1}, "var anomaly_threshold must be a number >= 0"),
    ({"anomaly_threshold": "3.5; select 1"}, "var anomaly_threshold must be a number >= 0"),
]


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    project = DbtProject.copy_of_repo(tmp_path_factory.mktemp("vars sample 'quoted'"))
    project.dbt("seed")
    project.dbt("build")
    return project


@pytest.mark.parametrize("bad_vars, message", HOSTILE, ids=lambda value: json.dumps(value)[:40])
def test_bad_var_is_refused_in_one_line_and_nothing_changes(
    sample_build: DbtProject, bad_vars: dict, message: str
) -> None:
    before = sample_build.query("select count(*) as n from marts.fct_transactions").n[0]
    result = sample_build.dbt("run", "--vars", json.dumps(bad_vars), check=False)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert message in output, output[-2000:]
    assert "Traceback" not in output
    assert sample_build.query("select count(*) as n from marts.fct_transactions").n[0] == before


def test_path_with_space_and_quote_builds_and_publishes(sample_build: DbtProject) -> None:
    assert " '" in str(sample_build.root)
    serving = sample_build.root / "serving" / "ecommerce_marts.duckdb"
    assert serving.is_file()


def non_default_params(cleaned: reference.Cleaned) -> reference.Params:
    """Every var away from its default, chosen so each one changes some mart on the dirty data set."""
    dates = sorted(cleaned.transactions.transaction_date)
    return reference.Params(
        as_of_date=dates[len(dates) * 2 // 3],
        active_days=30,
        churned_days=75,
        pareto_share=reference.Decimal("0.5"),
        total_tolerance=reference.Decimal("0.50"),
        min_valid_date=dates[len(dates) // 10] - timedelta(days=1),
        max_valid_date=dates[-1] + timedelta(days=400),
        anomaly_weeks=8,
        anomaly_min_weeks=4,
        anomaly_threshold=reference.Decimal("2.5"),
    )


@pytest.fixture(scope="module")
def non_default_build(dirty_raw_dir: Path, reference_cleaned, tmp_path_factory: pytest.TempPathFactory):
    params = non_default_params(reference_cleaned)
    project = DbtProject.copy_of_repo(tmp_path_factory.mktemp("non_default_vars"), raw_dir=dirty_raw_dir)
    project.dbt("seed")
    project.dbt("build", "--vars", json.dumps(params.dbt_vars()))
    expected = reference.all_marts(reference.clean_raw(dirty_raw_dir, params), params)
    return project, expected, params


@pytest.mark.parametrize("spec", MARTS, ids=lambda spec: spec.name)
def test_non_default_vars_match_the_reference(non_default_build, spec: TableSpec) -> None:
    project, expected, _ = non_default_build
    actual = project.query(f"select * from {spec.schema}.{spec.name}")
    assert_frames_match(
        actual,
        expected[spec.name],
        spec.key,
        money=spec.money,
        approx=spec.approx,
        dates=spec.dates,
        ints=spec.ints,
        label=f"non-default vars {spec.name}",
    )


def test_as_of_date_is_a_point_in_time(non_default_build) -> None:
    project, _, params = non_default_build
    latest = project.query("select cast(max(transaction_date) as varchar) as d from marts.fct_transactions").d[0]
    assert latest <= params.as_of_date.isoformat()
    assert project.query("select min(recency_days) as r from marts.customer_segments").r[0] >= 0
    totals = project.query("""
        select (select sum(revenue) from marts.fct_transactions) as fact,
               (select sum(revenue) from marts.revenue_daily) as daily,
               (select sum(total_revenue) from marts.customer_lifetime_value) as clv""")
    assert totals.fact[0] == totals.daily[0] == totals.clv[0]


def as_of_scenarios(cleaned: reference.Cleaned) -> dict[str, reference.date]:
    """As-of dates the latest sale does not give: recency is counted from a day without sales."""
    sold_on = set(cleaned.transactions.transaction_date)
    first, last = min(sold_on), max(sold_on)
    quiet_days = [
        first + timedelta(days=n) for n in range((last - first).days) if first + timedelta(days=n) not in sold_on
    ]
    assert quiet_days, "the dirty data set has no day without sales between its first and last sale"
    return {
        "nothing_sold_that_day": quiet_days[len(quiet_days) // 2],
        "after_the_last_sale": last + timedelta(days=10),
        "before_the_first_sale": first - timedelta(days=1),
    }


AS_OF_SCENARIOS = ["nothing_sold_that_day", "after_the_last_sale", "before_the_first_sale"]


@pytest.fixture(scope="module")
def as_of_build(dirty_raw_dir: Path, reference_cleaned, tmp_path_factory: pytest.TempPathFactory):
    """One seeded project, rebuilt from scratch for an as-of date the first time a test asks for it:
    scenario -> ({mart: table}, {mart: reference frame})."""
    project = DbtProject.copy_of_repo(tmp_path_factory.mktemp("as_of_dates"), raw_dir=dirty_raw_dir)
    project.dbt("seed")
    builds: dict[str, tuple[dict, dict]] = {}

    def build(scenario: str) -> tuple[dict, dict]:
        if scenario not in builds:
            params = reference.Params(as_of_date=as_of_scenarios(reference_cleaned)[scenario])
            project.dbt("build", "--full-refresh", "--vars", json.dumps(params.dbt_vars()))
            actual = {spec.name: project.query(f"select * from {spec.schema}.{spec.name}") for spec in MARTS}
            builds[scenario] = (actual, reference.all_marts(reference_cleaned, params))
        return builds[scenario]

    return build


@pytest.mark.parametrize("spec", MARTS, ids=lambda spec: spec.name)
@pytest.mark.parametrize("scenario", AS_OF_SCENARIOS)
def test_as_of_date_without_a_sale_matches_the_reference(as_of_build, scenario: str, spec: TableSpec) -> None:
    actual, expected = (marts[spec.name] for marts in as_of_build(scenario))
    if expected.empty:  # before the first sale: no period and no buyer to show
        assert actual.empty, f"as-of {scenario}: {spec.name} has {len(actual)} rows, expected none"
        return
    assert_frames_match(
        actual,
        expected,
        spec.key,
        money=spec.money,
        approx=spec.approx,
        dates=spec.dates,
        ints=spec.ints,
        label=f"as-of {scenario}: {spec.name}",
    )
