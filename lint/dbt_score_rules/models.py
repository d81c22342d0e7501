"""dbt-score's has_uniqueness_test, aware of enforced contracts.

A mart declares its grain once, as a `primary_key` constraint of its enforced contract: DuckDB and
PostgreSQL refuse a repeated key while writing the table, and `contract_constraints_hold` checks it on
Spark. The built-in rule (disabled in pyproject.toml) would ask for a `unique` data test as well, one more
node per mart that re-checks what the engine guarantees.
"""

from dbt_score import Model, RuleViolation, rule

from lint.dbt_score_rules.keys import unchecked_keys


@rule
def key_is_enforced_or_tested(model: Model) -> RuleViolation | None:
    """A model's primary key is enforced by its contract or checked by a uniqueness test."""
    keys = [[column.name] for column in model.columns if any(c.type == "primary_key" for c in column.constraints)]
    keys += [list(c.columns or []) for c in model.constraints if c.type == "primary_key"]
    unchecked = unchecked_keys(
        keys,
        bool(model.config.get("contract", {}).get("enforced")),
        [(test.type, test.kwargs) for test in model.tests],
        {column.name for column in model.columns if any(test.type == "unique" for test in column.tests)},
    )
    if unchecked:
        return RuleViolation(
            f"Nothing checks the primary key {', '.join(unchecked[0])}: enforce the contract or add a uniqueness test."
        )
    return None
