"""Predicted customer value on customers drawn from a known BG/NBD + Gamma-Gamma world
(scripts/generate_data.py --clv-world, parameters in scripts/clv_world.py): `make predict`'s steps
(build, fit in the model venv, load, build) recover the world's parameters and predict a holdout period.
The rfm summary mart equals pymc-marketing's own rfm_summary on the committed sample."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from scripts.clv_world import World
from scripts.generate_data import generate_clv_world
from scripts.project_copy import REPO_ROOT
from tests.integration.conftest import postgres_project
from tests.integration.dbt_project import DbtProject

pytestmark = pytest.mark.clv
CLV_PYTHON = REPO_ROOT / "build" / "venv-clv" / "bin" / "python"
# 4000 customers over two years: a MAP fit of a few seconds, yet enough buyers for the parameters.
WORLD = dict(seed=11, customers=4000, products=50)
# Each fitted parameter within this share of the world's value.
PARAMETER_TOLERANCE = 0.20
# Total predicted repeat occasions of the 90-day holdout within this share of the actual ones.
HOLDOUT_TOLERANCE = 0.15
FILES = {"raw_source": "files"}


def run_clv(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    if not CLV_PYTHON.is_file():
        pytest.fail(f"{CLV_PYTHON} missing: run `make clv-venv` (make test installs it)")
    result = subprocess.run([str(CLV_PYTHON), *args], cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def run_dev(module: str, *args: str, project: DbtProject) -> str:
    """`python -m <module>` of the dev venv with the project copy's environment (target, PG* settings)."""
    result = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=REPO_ROOT,
        env={**os.environ, **project.env},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def fit(project: DbtProject, out: Path) -> None:
    """make predict's middle: the fit's input copied from the warehouse, then the fit (CSVs in `out`)."""
    fit_input = out / "fit_input.duckdb"
    target = project.env.get("DBT_TARGET", "duckdb")
    run_dev(
        "scripts.fit_input",
        str(fit_input),
        "--target",
        target,
        "--serving",
        str(project.serving_path),
        "--manifest",
        str(project.root / "target" / "manifest.json"),
        project=project,
    )
    run_clv("-m", "clv.predict", "--serving", str(fit_input), "--out", str(out), cwd=REPO_ROOT)


def predict(project: DbtProject, dbt_vars: dict) -> None:
    """make predict's steps on a project copy: build, fit, load the predictions, build."""
    project.dbt("build", "--vars", json.dumps(dbt_vars))
    out = project.root / "build" / "clv"
    fit(project, out)
    target = project.env.get("DBT_TARGET", "duckdb")
    run_dev(
        "scripts.load_predictions",
        str(out),
        "--target",
        target,
        "--duckdb-path",
        str(project.duckdb_path),
        project=project,
    )
    project.dbt("build", "--vars", json.dumps(dbt_vars))


@pytest.fixture(scope="module")
def world_build(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    raw_dir = tmp_path_factory.mktemp("clv_world_raw")
    generate_clv_world(raw_dir, **WORLD)
    project = DbtProject.copy_of_repo(tmp_path_factory.mktemp("clv_world"))
    project.load_raw(raw_dir)
    predict(project, FILES)
    return project


def test_the_fit_recovers_the_world_parameters(world_build: DbtProject) -> None:
    fitted = world_build.query("select parameter_name, parameter_value from marts.clv_model_parameters")
    fitted = dict(zip(fitted.parameter_name, fitted.parameter_value))
    truth = World().as_dict()
    print("parameters (fitted vs world):", {name: (round(fitted[name], 3), value) for name, value in truth.items()})
    off = {
        name: fitted[name] for name, value in truth.items() if abs(fitted[name] - value) > PARAMETER_TOLERANCE * value
    }
    assert not off, f"outside {PARAMETER_TOLERANCE:.0%} of {truth}: {off}"


def test_the_holdout_total_is_close_to_what_happened(world_build: DbtProject) -> None:
    calibration = world_build.query("select * from marts.clv_calibration order by bin_order")
    print(
        calibration[
            ["calibration_frequency", "customers", "predicted_repeat_occasions", "actual_repeat_occasions"]
        ].to_string(index=False)
    )
    total = calibration[calibration.calibration_frequency == "total"].iloc[0]
    error = abs(total.predicted_repeat_occasions - total.actual_repeat_occasions) / total.actual_repeat_occasions
    print(f"holdout total error: {error:.1%}")
    assert error <= HOLDOUT_TOLERANCE
    bins = calibration[calibration.calibration_frequency != "total"]
    assert bins.customers.sum() == total.customers
    assert bins.actual_repeat_occasions.sum() == pytest.approx(total.actual_repeat_occasions)


def test_every_buyer_gets_a_prediction(world_build: DbtProject) -> None:
    counts = world_build.query("""
        select (select count(*) from marts.customer_rfm_summary) as buyers,
               (select count(*) from marts.customer_predicted_value) as predicted,
               (select count(*) from marts.customer_predicted_value where rfm_segment is null) as unsegmented""")
    assert counts.buyers[0] == counts.predicted[0] > 0
    assert counts.unsegmented[0] == 0


@pytest.mark.postgres
def test_make_predict_on_postgres_fits_what_duckdb_fits_from_the_same_data(
    pg_server, dirty_raw_dir: Path, duckdb_build: DbtProject, tmp_path: Path
) -> None:
    project = postgres_project(tmp_path / "postgres", dirty_raw_dir, pg_server, "clv_predict")
    project.dbt("seed")
    predict(project, {})
    on_postgres = project.query(
        "select model_name, parameter_name, parameter_value from marts.clv_model_parameters order by 1, 2"
    )
    fit(duckdb_build, tmp_path / "duckdb_fit")  # the same data set, built on DuckDB by the session
    on_duckdb = pd.read_csv(tmp_path / "duckdb_fit" / "clv_parameters.csv")
    assert len(on_postgres) == len(on_duckdb) == 7
    expected = dict(zip(on_duckdb.parameter, on_duckdb.value))
    for row in on_postgres.itertuples():
        assert row.parameter_value == pytest.approx(expected[row.parameter_name], rel=1e-6, abs=1e-9)
    counts = project.query("""
        select (select count(*) from marts.customer_rfm_summary) as buyers,
               (select count(*) from marts.customer_predicted_value) as predicted""")
    assert counts.buyers[0] == counts.predicted[0] > 0


def test_rfm_summary_equals_pymc_marketing_rfm_summary_on_the_sample(tmp_path: Path) -> None:
    project = DbtProject.copy_of_repo(tmp_path / "sample")
    project.dbt("seed")
    project.dbt("build", "--select", "+customer_rfm_summary", "--indirect-selection", "cautious")
    mart = project.query("select * from marts.customer_rfm_summary")
    lines = project.query("select customer_id, transaction_date, revenue from intermediate.int_transactions_enriched")
    lines_csv = tmp_path / "lines.csv"
    lines.to_csv(lines_csv, index=False)
    as_of = str(pd.Timestamp(mart.as_of_date.iloc[0]).date())
    script = (
        "import sys, pandas as pd\n"
        "from pymc_marketing.clv.utils import rfm_summary\n"
        "lines = pd.read_csv(sys.argv[1], parse_dates=['transaction_date'])\n"
        "summary = rfm_summary(lines, 'customer_id', 'transaction_date', monetary_value_col='revenue',\n"
        "                      observation_period_end=sys.argv[2], time_unit='D')\n"
        "summary.to_csv(sys.argv[3], index=False)\n"
    )
    out = tmp_path / "summary.csv"
    run_clv("-c", script, str(lines_csv), as_of, str(out), cwd=REPO_ROOT)
    expected = pd.read_csv(out, dtype={"customer_id": str}).set_index("customer_id").sort_index()
    actual = mart.set_index("customer_id").sort_index()
    assert list(actual.index) == list(expected.index)
    assert (actual.frequency.astype(int) == expected.frequency.astype(int)).all()
    assert (actual.recency_days.astype(int) == expected.recency.astype(int)).all()
    assert (actual.tenure_days.astype(int) == expected["T"].astype(int)).all()
    # pymc-marketing gives 0 for no repeat occasion and an unrounded mean; the mart NULL and cents.
    values = pd.to_numeric(actual.avg_repeat_order_value).fillna(0).astype(float)
    assert ((values - expected.monetary_value).abs() <= 0.005 + 1e-9).all()


def test_fit_bench_runs_as_documented_on_the_summary_pymc_marketing_makes(tmp_path: Path) -> None:
    # The benchmark summarises its drawn occasions itself: that summary must be pymc-marketing's.
    script = (
        "import sys, pandas as pd\n"
        "from datetime import date\n"
        "from pymc_marketing.clv.utils import rfm_summary\n"
        "from bench.clv_fit import END, START, rfm_summary as bench_summary\n"
        "from scripts.clv_world import simulate_occasions\n"
        "occasions = simulate_occasions(500, START, END, seed=3)\n"
        "mine = bench_summary(occasions, END).set_index('customer_id').sort_index()\n"
        "theirs = rfm_summary(occasions.assign(customer_id=occasions.customer_number.astype(str),\n"
        "                     occasion_date=pd.to_datetime(occasions.occasion_date)), 'customer_id', 'occasion_date',\n"
        "                     monetary_value_col='value', observation_period_end=str(END), time_unit='D')\n"
        "theirs = theirs.set_index('customer_id').sort_index()\n"
        "assert list(mine.index) == list(theirs.index)\n"
        "assert (mine.frequency == theirs.frequency).all() and (mine.recency_days == theirs.recency).all()\n"
        "assert (mine.tenure_days == theirs['T']).all()\n"
        "assert ((mine.avg_repeat_order_value.fillna(0) - theirs.monetary_value).abs() < 1e-9).all()\n"
        "print('same', len(mine))\n"
    )
    assert run_clv("-c", script, cwd=REPO_ROOT).stdout.strip() == "same 500"
    printed = run_clv(
        "-m", "bench.clv_fit", "--customers", "300", "--repeats", "1", "--work-dir", str(tmp_path), cwd=REPO_ROOT
    ).stdout
    header, rule, row, blank, runs = printed.strip().splitlines()
    assert header.startswith("| customers | repeat buyers | wall time (s) |")
    assert row.startswith("| 300 | ") and runs.startswith("- 300 customers: runs ")
