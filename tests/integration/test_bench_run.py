"""`ecommerce-bench` runs end to end at a tiny size, the way a user starts it from any folder: with relative
paths for its work folder and report (every step runs in a project copy's folder, so the bench must not read
them from there). The figures themselves are not checked: they are measurements, not results."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

STEPS = (
    "a0) load raw files, DuckDB",
    "a) dbt build, DuckDB, files",
    "b) pandas pipeline",
    "c) floor: hand-written DuckDB",
    "s) dbt build, committed sample",
)


def test_the_bench_runs_every_duckdb_step_from_relative_paths(tmp_path: Path) -> None:
    bench = Path(sys.executable).parent / "ecommerce-bench"
    result = subprocess.run(
        [
            str(bench),
            *("--sizes", "2000", "--pg-sizes", "--no-incremental", "--repeats", "1"),
            *("--work-dir", "work [1]", "--results", "results.md"),
        ],
        cwd=tmp_path,
        env={**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    report = (tmp_path / "results.md").read_text(encoding="utf-8")
    rows = [line for line in report.splitlines() if line.startswith("| ") and "| 2,000 |" in line]
    assert [row.split(" | ")[0].removeprefix("| ") for row in rows] == list(STEPS)
    assert (tmp_path / "work [1]" / "raw-2000" / "transactions.csv").is_file()
