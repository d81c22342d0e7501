"""The dbt targets of profiles.yml by engine, read from the file itself (its one home)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

PROFILES = Path(__file__).resolve().parents[1] / "profiles.yml"


@cache
def targets_of_type(engine: str, profiles: Path = PROFILES) -> tuple[str, ...]:
    """Names of the targets whose `type` is `engine` (postgres, duckdb, spark), in file order."""
    outputs = yaml.safe_load(profiles.read_text(encoding="utf-8"))["ecommerce"]["outputs"]
    return tuple(name for name, output in outputs.items() if output.get("type") == engine)


def postgres_targets() -> tuple[str, ...]:
    return targets_of_type("postgres")
