"""The notebook runs top to bottom on freshly built marts, and is committed without outputs."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from scripts.run_notebook import NOTEBOOK, PROJECT_ROOT, execute_notebook, main
from tests.integration.dbt_project import DbtProject


def test_notebook_is_committed_without_outputs() -> None:
    document = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code_cells = [cell for cell in document["cells"] if cell["cell_type"] == "code"]
    assert code_cells
    assert all(cell["outputs"] == [] and cell["execution_count"] is None for cell in code_cells)


def test_notebook_reads_only_marts() -> None:
    source = "".join("".join(cell["source"]) for cell in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"])
    assert ".csv" not in source and "seeds" not in source
    assert source.count('source.read("') == 12


def test_notebook_executes_on_fresh_marts_and_saves_every_chart(duckdb_build: DbtProject, tmp_path: Path) -> None:
    document = execute_notebook(
        NOTEBOOK, {"ECOMMERCE_SERVING_PATH": str(duckdb_build.serving_path), "ECOMMERCE_REPORT_DIR": str(tmp_path)}
    )
    printed = "".join(
        output.get("text", "") for cell in document.cells if cell.cell_type == "code" for output in cell.outputs
    )
    assert f"Reading marts from DuckDB {duckdb_build.serving_path}" in printed
    assert printed.count("Takeaway:") == 12
    # These marts hold no predicted-value fit (make predict adds one): the calibration chart says so.
    assert "Takeaway: No predicted-value fit in these marts yet" in printed
    images = [
        output
        for cell in document.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if "image/png" in output.get("data", {})
    ]
    assert len(images) == 12
    assert sorted(path.name for path in tmp_path.glob("*.png")) == sorted(
        [
            "daily_revenue.png",
            "mom_growth.png",
            "pareto_curve.png",
            "customer_segments.png",
            "category_quarterly.png",
            "cohort_retention.png",
            "revenue_by_region.png",
            "rfm_segments.png",
            "new_vs_returning_revenue.png",
            "cohort_value_curves.png",
            "revenue_anomalies.png",
        ]  # no clv_calibration.png: without a fit the chart is shown, not saved over the committed one
    )


def test_make_report_writes_only_committed_charts_or_ignored_files(duckdb_build: DbtProject, tmp_path: Path) -> None:
    """A clean clone stays clean after `make report`: each file it writes to reports/ is tracked or git-ignored."""
    assert main(["--report-dir", str(tmp_path), "--serving-path", str(duckdb_build.serving_path)]) == 0
    written = sorted(path.name for path in tmp_path.iterdir())
    assert "ecommerce_analysis.html" in written
    tracked = set(
        subprocess.run(
            ["git", "ls-files", "reports"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
        ).stdout.split()
    )
    untracked = [f"reports/{name}" for name in written if f"reports/{name}" not in tracked]
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", *untracked], cwd=PROJECT_ROOT, capture_output=True, text=True
    ).stdout.split()
    assert sorted(set(untracked) - set(ignored)) == [], "make report writes files that git would show as new"
    assert "reports/ecommerce_analysis.html" not in tracked, "the generated HTML report is committed"
