"""The mutation runner itself (python -m mutation.run): it names the layer that kills a mutant, flags a
mutant whose snippet is gone as STALE (and fails), and every mutant of the catalogue still applies."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mutation.catalogue import DEFAULT_CATALOGUE, load_catalogue

REPO_ROOT = Path(__file__).resolve().parents[2]
TWO_MUTANTS = """\
- id: active_boundary_inclusive
  file: models/marts/customer_segments.sql
  original: "when recency_days < {{ thresholds.active_days }} then 'Active'"
  replacement: "when recency_days <= {{ thresholds.active_days }} then 'Active'"
  models: 90 days still counts as Active
- id: snippet_long_gone
  file: models/marts/customer_segments.sql
  original: "when recency_days < 30 then 'Hot'"
  replacement: "when recency_days < 31 then 'Hot'"
  models: a rule the model no longer has
"""


@pytest.fixture(scope="module")
def two_mutant_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess, str]:
    folder = tmp_path_factory.mktemp("mutation")
    catalogue = folder / "catalogue.yml"
    catalogue.write_text(TWO_MUTANTS, encoding="utf-8")
    report = folder / "results.md"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mutation.run",
            "--catalogue",
            str(catalogue),
            "--report",
            str(report),
            "--work-dir",
            str(folder),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return result, report.read_text(encoding="utf-8")


def report_row(report: str, mutant_id: str) -> list[str]:
    rows = [line for line in report.splitlines() if line.startswith(f"| `{mutant_id}` |")]
    assert len(rows) == 1, report
    return [cell.strip() for cell in rows[0].strip("|").split(" | ")]


def test_a_unit_tested_bug_is_killed_by_the_unit_layer(two_mutant_run) -> None:
    _, report = two_mutant_run
    _, _, _, status, layer, first_failure, seconds = report_row(report, "active_boundary_inclusive")
    assert (status, layer) == ("killed", "unit")
    assert first_failure.startswith("segment_boundaries_at_89_90_180_181_days")
    assert float(seconds) > 0


def test_a_mutant_whose_snippet_is_gone_is_stale_and_fails_the_run(two_mutant_run) -> None:
    result, report = two_mutant_run
    _, _, _, status, layer, first_failure, _ = report_row(report, "snippet_long_gone")
    assert (status, layer) == ("STALE", "stale")
    assert "snippet not found in models/marts/customer_segments.sql" in first_failure
    assert result.returncode == 1, result.stdout + result.stderr
    assert "snippet_long_gone STALE" in result.stdout
    assert "- mutants: 2; killed: 1;" in report


def test_every_mutant_of_the_catalogue_still_applies() -> None:
    assert len(load_catalogue(DEFAULT_CATALOGUE)) >= 25
    result = subprocess.run(
        [sys.executable, "-m", "mutation.run", "--check-only"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"stale mutants, refresh mutation/catalogue.yml:\n{result.stdout}"
