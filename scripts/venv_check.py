"""Before a command imports its dependencies: one line saying how to set up the venv when one is missing.

Run with a Python that lacks the project's packages (`python3 scripts/load_raw.py` outside the venv), a
command would otherwise end in a traceback about `duckdb` or `pandas`. Standard library only, so it always
imports.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

SETUP = "make venv && source .venv/bin/activate"


def missing_modules(modules: tuple[str, ...]) -> list[str]:
    return [name for name in modules if importlib.util.find_spec(name) is None]


def require_modules(command: str, *modules: str) -> None:
    """Exit with one line naming the missing module and the set-up command, when any of `modules` is missing."""
    missing = missing_modules(modules)
    if missing:
        project = Path(__file__).resolve().parents[1]
        sys.exit(
            f"{command}: {missing[0]} is not installed for {sys.executable}; set up the project's venv "
            f"first: cd '{project}' && {SETUP}"
        )
