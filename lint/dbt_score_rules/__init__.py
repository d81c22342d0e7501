"""Project rules for dbt-score (loaded through `rule_namespaces` in pyproject.toml)."""
