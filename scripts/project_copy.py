"""Copy the dbt project (not its venv, builds or tests) into a folder, optionally with other raw seeds.

Tests and the benchmark build in such copies, so they never touch the user's ecommerce.duckdb or target/.
"""

from __future__ import annotations

import shutil
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
PROJECT_ITEMS = (
    "dbt_project.yml",
    "profiles.yml",
    "selectors.yml",
    "models",
    "macros",
    "tests",
    "analyses",
    "seeds",
    "dbt_plugins",
)
RAW_FILES = ("customers.csv", "products.csv", "transactions.csv")
# What the Python test suite needs besides the dbt project, so pytest can run inside a copy.
PYTHON_ITEMS = ("pytest.ini", "scripts", "tests")


def copy_project(destination: Path, seeds_from: Path | None = None) -> Path:
    """Fill `destination` (created if needed) with the project; `seeds_from` replaces the three raw seeds."""
    destination.mkdir(parents=True, exist_ok=True)
    for item in PROJECT_ITEMS:
        source = REPO_ROOT / item
        if source.is_dir():
            shutil.copytree(source, destination / item, ignore=shutil.ignore_patterns("__pycache__", "integration"))
        else:
            shutil.copy2(source, destination / item)
    if seeds_from is not None:
        replace_seeds(destination, seeds_from)
    return destination


def replace_seeds(destination: Path, raw_dir: Path) -> None:
    for name in RAW_FILES:
        shutil.copy2(raw_dir / name, destination / "seeds" / name)


def copy_checkout(destination: Path) -> Path:
    """The project plus its Python tests and scripts: pytest run inside `destination` tests that copy."""
    copy_project(destination)
    for item in PYTHON_ITEMS:
        source = REPO_ROOT / item
        if source.is_dir():
            shutil.copytree(
                source, destination / item, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True
            )
        else:
            shutil.copy2(source, destination / item)
    return destination
