"""The pre-commit hooks run offline from the venv's pinned tools and catch what `make lint-sql` catches."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.test_readme import fresh_copy

VENV = Path(sys.executable).parent.parent
# Any download would go through this proxy, which refuses every connection: the hooks must need none.
OFFLINE = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "PIP_NO_INDEX": "1"}


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert (VENV / "bin" / "pre-commit").exists(), f"{VENV} lacks pre-commit: install requirements/lint.txt"
    project = fresh_copy(tmp_path_factory.mktemp("pre-commit") / "clone")
    (project / ".venv").symlink_to(VENV)
    for command in (["git", "init", "-q"], ["git", "add", "-A"]):
        subprocess.run(command, cwd=project, check=True)
    return project


def pre_commit(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DBT_", "ECOMMERCE_"))}
    env.update(OFFLINE, PRE_COMMIT_HOME=str(project / ".pre-commit-cache"))
    return subprocess.run(
        [str(project / ".venv" / "bin" / "pre-commit"), "run", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )


def test_every_hook_passes_on_the_project_offline(checkout: Path) -> None:
    result = pre_commit(checkout, "--all-files")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    for hook in ("sqlfluff lint", "ruff check", "check YAML syntax"):
        assert any(line.startswith(hook) and line.endswith("Passed") for line in result.stdout.splitlines()), hook


def test_the_sql_hook_refuses_what_make_lint_sql_refuses(checkout: Path) -> None:
    bad = checkout / "analyses" / "shouting.sql"
    bad.write_text("SELECT 1 AS One\n", encoding="utf-8")
    subprocess.run(["git", "add", str(bad)], cwd=checkout, check=True)
    result = pre_commit(checkout, "sqlfluff-lint", "--files", "analyses/shouting.sql")
    assert result.returncode == 1
    assert "CP01" in result.stdout
