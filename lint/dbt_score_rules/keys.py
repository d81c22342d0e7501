"""Which declared key of a model nothing checks: the logic of the rule in models.py, free of dbt-score.

A key is a `primary_key` constraint, on a column or on the model. When the model's contract is enforced,
DuckDB and PostgreSQL refuse a repeated key while writing the table, and where the engine cannot (Spark, a
view) the model test `contract_constraints_hold` checks it (test_spark.py asserts every contracted model has
that test there; on DuckDB it is disabled, so absent from the manifest this rule reads): such a key needs
no uniqueness data test. Any other key needs one (`unique` on its column, `unique_combination_of_columns` on
its columns).
"""

from __future__ import annotations


def unchecked_keys(
    keys: list[list[str]],
    contract_enforced: bool,
    model_tests: list[tuple[str, dict]],
    unique_columns: set[str],
) -> list[list[str]]:
    """The keys (lists of column names) neither an enforced contract nor a uniqueness test checks.

    `model_tests` holds (test name, kwargs) of the model's tests; `unique_columns` the columns with a
    `unique` test.
    """
    if contract_enforced:
        return []
    tested_combinations = [
        set(kwargs.get("combination_of_columns") or [])
        for name, kwargs in model_tests
        if name == "unique_combination_of_columns"
    ]
    return [
        key for key in keys if not (len(key) == 1 and key[0] in unique_columns) and set(key) not in tested_combinations
    ]
