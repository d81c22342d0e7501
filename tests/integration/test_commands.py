"""The helpers are a package: console commands (pyproject.toml), runnable as files too, and one readable line
instead of a traceback when run outside the venv."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ["load_raw", "daily_run", "generate_data", "check_raw_files", "pg_server"]


def entry_points() -> dict[str, str]:
    return tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]


@pytest.mark.parametrize("command", sorted(entry_points()))
def test_every_console_command_answers_help(command: str) -> None:
    # What the installed `command` script runs: `sys.exit(main())` with the user's arguments.
    module, function = entry_points()[command].split(":")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys; from {module} import {function}; sys.argv = [{command!r}, '--help']; sys.exit({function}())",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage:"), result.stdout


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_script_runs_as_a_file(script: str, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / f"{script}.py"), "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage:")


@pytest.mark.parametrize("script", ["load_raw", "daily_run", "generate_data", "pg_server"])
def test_outside_the_venv_a_script_says_how_to_set_it_up(script: str, tmp_path: Path) -> None:
    # -S: a Python without any installed package, as the system Python of a machine without the venv.
    result = subprocess.run(
        [sys.executable, "-S", str(REPO_ROOT / "scripts" / f"{script}.py"), "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith(f"{script}: ") and "make venv && source .venv/bin/activate" in result.stderr
