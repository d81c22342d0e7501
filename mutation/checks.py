"""The fast checks a mutant must survive, in order, and which layer stopped it.

1. `dbt seed` + `dbt build` on the committed sample (DuckDB): a failing unit test -> layer `unit`, a failing
   data test -> `data`, a model or seed that cannot be built at all (SQL or contract error) -> `build`.
2. The DuckDB pytest subset (marts vs the pandas reference, cleaning rules, quarantine): a failure -> `pytest`.
A mutant that passes both has `survived`. The checks stop at the first layer that fails.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path

PYTEST_SUBSET = (
    "tests/integration/test_marts_match_reference.py",
    "tests/integration/test_cleaning_rules.py",
    "tests/integration/test_staging_quarantine.py",
)
# A mutant can make a build explode rather than fail (a year-9999 row accepted means a calendar of 8 000
# years): past this a step counts as failed, and its whole process tree is killed.
STEP_TIMEOUT_SECONDS = 600


@dataclass
class Verdict:
    layer: str  # unit | data | build | pytest | timeout | survived
    failures: list[str] = field(default_factory=list)

    @property
    def killed(self) -> bool:
        return self.layer != "survived"


def check_env(root: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "ECOMMERCE_DUCKDB_PATH": str(root / "ecommerce.duckdb"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_USE_COLORS": "false",
    }
    env.pop("DBT_TARGET", None)
    return env


class StepTimedOut(Exception):
    """A check ran past STEP_TIMEOUT_SECONDS."""


def run_bounded(command: list[str], root: Path) -> subprocess.CompletedProcess:
    """Run `command` in its own process group; on timeout kill the group (dbt under pytest too)."""
    process = subprocess.Popen(
        command,
        cwd=root,
        env=check_env(root),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=STEP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise StepTimedOut(
            f"{Path(command[0]).name} {' '.join(command[1:3])} ran past {STEP_TIMEOUT_SECONDS}s"
        ) from None
    return subprocess.CompletedProcess(command, process.returncode, output, "")


def run_dbt(root: Path, *args: str) -> subprocess.CompletedProcess:
    dbt = Path(sys.executable).parent / "dbt"
    return run_bounded([str(dbt), *args, "--project-dir", str(root), "--profiles-dir", str(root)], root)


def failed_nodes(root: Path) -> dict[str, list[str]]:
    """The failing nodes of the last dbt command, by layer, from target/run_results.json."""
    results_path = root / "target" / "run_results.json"
    layers: dict[str, list[str]] = {"unit": [], "data": [], "build": []}
    if not results_path.is_file():
        return layers
    for result in json.loads(results_path.read_text(encoding="utf-8"))["results"]:
        if result["status"] not in ("fail", "error"):
            continue
        # unit_test.<project>.<model>.<test name>; test.<project>.<test name>.<hash>; model.<project>.<name>
        parts = result["unique_id"].split(".")
        resource_type = parts[0]
        name = parts[-1] if resource_type == "unit_test" else parts[2]
        if resource_type == "unit_test":
            layers["unit"].append(name)
        elif resource_type == "test":
            layers["data"].append(name)
        else:
            layers["build"].append(f"{resource_type} {name}")
    return layers


def dbt_verdict(root: Path, with_unit_tests: bool = True) -> Verdict | None:
    """The layer that killed the mutant during `dbt seed` + `dbt build`, or None when everything passed."""
    seed = run_dbt(root, "seed")
    if seed.returncode != 0:
        return Verdict("build", [f"dbt seed: {last_line(seed.stdout)}"])
    build = run_dbt(root, "build", *(("--selector", "full_build") if with_unit_tests else ()))
    layers = failed_nodes(root)
    for layer in ("unit", "data", "build"):
        if layers[layer]:
            return Verdict(layer, layers[layer])
    if build.returncode != 0:
        return Verdict("build", [f"dbt build: {last_line(build.stdout)}"])
    return None


def pytest_verdict(root: Path) -> Verdict | None:
    """The first failing test of the DuckDB pytest subset run inside the copy, or None when all pass."""
    junit = root / "pytest-junit.xml"
    result = run_bounded(
        [
            sys.executable,
            "-m",
            "pytest",
            "-x",
            "-q",
            "-p",
            "no:cacheprovider",
            "--basetemp",
            str(root / "pytest-tmp"),
            f"--junitxml={junit}",
            *PYTEST_SUBSET,
        ],
        root,
    )
    if result.returncode == 0:
        return None
    failures = failing_tests(junit) or [f"pytest exit {result.returncode}: {last_line(result.stdout)}"]
    return Verdict("pytest", failures)


def failing_tests(junit: Path) -> list[str]:
    if not junit.is_file():
        return []
    failures = []
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failures.append(f"{case.get('classname', '').rsplit('.', 1)[-1]}::{case.get('name')}")
    return failures


def last_line(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[-1][-200:] if lines else "(no output)"


def run_checks(root: Path, with_pytest: bool = True, with_unit_tests: bool = True) -> Verdict:
    """Run the fast checks in the project copy `root`; stop at the first layer that fails."""
    try:
        verdict = dbt_verdict(root, with_unit_tests=with_unit_tests)
        if verdict is None and with_pytest:
            verdict = pytest_verdict(root)
    except StepTimedOut as timeout:
        verdict = Verdict("timeout", [str(timeout)])
    return verdict or Verdict("survived")
