"""Compare two tables row by row: money (and every value rounded to the cent) exact, shares relatively.

Money and the percentages and averages the marts round to two decimals are compared exactly: both sides
round the same exact decimals, so any difference is a real one. Shares (0-1 doubles) are compared with a
relative tolerance of 1e-9: two engines dividing the same decimals agree to about 1e-15, while a share
computed in 4-byte floats, or from the wrong numerator, is off by far more. An absolute 0.01 would let a
share be a whole percentage point off.
Used to compare a mart with the pandas reference and one engine's mart with another's.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

SHARE_REL_TOLERANCE = 1e-9
SHARE_ABS_TOLERANCE = 1e-12


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def normalise(value: Any, kind: str) -> Any:
    """One comparable Python value per cell, whatever driver or engine produced it."""
    if is_missing(value):
        return None
    if kind == "money":
        return Decimal(f"{Decimal(str(value)):.2f}")
    if kind == "approx":
        return float(value)
    if isinstance(value, (pd.Timestamp, datetime)):
        value = pd.Timestamp(value).to_pydatetime()
        return value.date() if kind == "date" else value.replace(microsecond=0)
    if isinstance(value, np.bool_) or isinstance(value, bool):
        return bool(value)
    if isinstance(value, (np.integer, int)):
        return int(value)
    if isinstance(value, (np.floating, float, Decimal)) and float(value).is_integer() and kind == "int":
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def column_kind(
    column: str, money: Iterable[str], approx: Iterable[str], dates: Iterable[str], ints: Iterable[str]
) -> str:
    for kind, columns in (("money", money), ("approx", approx), ("date", dates), ("int", ints)):
        if column in columns:
            return kind
    return "plain"


def rows_of(frame: pd.DataFrame, columns: list[str], key: list[str], kinds: dict[str, str]) -> list[tuple]:
    rows = [
        tuple(normalise(value, kinds[column]) for column, value in zip(columns, record))
        for record in frame[columns].itertuples(index=False, name=None)
    ]
    key_positions = [columns.index(k) for k in key]
    return sorted(rows, key=lambda row: tuple((row[i] is None, str(row[i])) for i in key_positions))


def cells_match(left: Any, right: Any, kind: str) -> bool:
    if left is None or right is None:
        return left is None and right is None
    if kind == "approx":
        return math.isclose(left, right, rel_tol=SHARE_REL_TOLERANCE, abs_tol=SHARE_ABS_TOLERANCE)
    return left == right


def assert_frames_match(
    actual: pd.DataFrame,
    expected: pd.DataFrame,
    key: list[str],
    *,
    money: Iterable[str] = (),
    approx: Iterable[str] = (),
    dates: Iterable[str] = (),
    ints: Iterable[str] = (),
    label: str = "",
) -> None:
    """Fail with the first differing rows unless both frames hold the same rows (compared on `expected`'s columns)."""
    columns = list(expected.columns)
    missing = [c for c in columns if c not in actual.columns]
    assert not missing, f"{label}: columns missing from the actual table: {missing}"
    kinds = {c: column_kind(c, money, approx, dates, ints) for c in columns}
    actual_rows = rows_of(actual, columns, key, kinds)
    expected_rows = rows_of(expected, columns, key, kinds)
    assert len(actual_rows) == len(expected_rows), f"{label}: {len(actual_rows)} rows, expected {len(expected_rows)}"
    differences = []
    for actual_row, expected_row in zip(actual_rows, expected_rows):
        bad = [(c, a, e) for c, a, e in zip(columns, actual_row, expected_row) if not cells_match(a, e, kinds[c])]
        if bad:
            differences.append((dict(zip(key, (expected_row[columns.index(k)] for k in key))), bad))
    assert not differences, f"{label}: {len(differences)} rows differ; first ones:\n" + "\n".join(
        f"  at {where}: " + ", ".join(f"{c}: got {a!r}, expected {e!r}" for c, a, e in bad)
        for where, bad in differences[:5]
    )
