"""dbt-score's macro_has_description, aware of adapter.dispatch.

A dispatched implementation (`default__add_days`, `spark__add_days`, ...) is documented once, on the macro it
implements (`add_days` in macros/_macros.yml): dbt's docs show that description, and repeating it on every
variant would only let the copies drift. This rule asks every other macro for a description, exactly like
the built-in rule it replaces (disabled in pyproject.toml).
"""

import re

from dbt_score import Macro, RuleViolation, rule

ADAPTERS = ("default", "duckdb", "postgres", "spark", "redshift", "snowflake", "bigquery", "databricks")
DISPATCHED = re.compile(rf"^(?:{'|'.join(ADAPTERS)})__\w+$")


def is_dispatched_variant(name: str) -> bool:
    """True for `<adapter>__<macro>`, the naming adapter.dispatch looks up."""
    return DISPATCHED.match(name) is not None


@rule
def macro_has_description_unless_dispatched(macro: Macro) -> RuleViolation | None:
    """A macro should have a description; dispatched variants share the one of the macro they implement."""
    if not macro.description and not is_dispatched_variant(macro.name):
        return RuleViolation(message="Macro lacks a description.")
    return None
