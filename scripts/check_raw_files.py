"""Check that the three raw CSV exports exist and carry the exact expected header.

dbt itself reports a missing or mis-shaped seed as a compilation error deep inside a stack of
messages; this check runs first (``make run``, ``make test``, the loaders) and names the file and
the problem in one line instead.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXPECTED_HEADERS: dict[str, list[str]] = {
    "customers.csv": ["CustomerID", "CustomerName", "Region", "SignupDate"],
    "products.csv": ["ProductID", "ProductName", "Category", "Price"],
    "transactions.csv": [
        "TransactionID", "CustomerID", "ProductID", "TransactionDate", "Quantity", "TotalValue", "Price",
    ],
}


class RawFileError(Exception):
    """A raw file is missing, empty, unreadable or has the wrong header."""


def read_header(path: Path) -> list[str]:
    if not path.is_file():
        raise RawFileError(f"{path}: file is missing (expected a CSV export with a header row)")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            first_line = handle.readline()
    except UnicodeDecodeError:
        raise RawFileError(f"{path}: file is not UTF-8 text") from None
    if not first_line.strip():
        raise RawFileError(f"{path}: file is empty (expected a header row)")
    return [name.strip() for name in first_line.rstrip("\r\n").split(",")]


def check_file(path: Path, expected: list[str]) -> None:
    header = read_header(path)
    if header != expected:
        raise RawFileError(
            f"{path}: wrong header {','.join(header)!r}; expected {','.join(expected)!r}"
        )


def check_raw_dir(raw_dir: Path) -> list[str]:
    """Return one message per problem found in `raw_dir` (empty when all three files are fine)."""
    problems = []
    for file_name, expected in EXPECTED_HEADERS.items():
        try:
            check_file(raw_dir / file_name, expected)
        except RawFileError as error:
            problems.append(str(error))
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw_dir", type=Path, nargs="?", default=Path("seeds"),
                        help="folder holding customers.csv, products.csv, transactions.csv (default: seeds)")
    args = parser.parse_args(argv)
    problems = check_raw_dir(args.raw_dir)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if not problems:
        print(f"ok: raw files in {args.raw_dir} have the expected headers")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
