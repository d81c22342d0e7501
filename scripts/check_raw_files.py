"""Check the raw CSV exports in a folder before `dbt seed` loads them (`make run` runs this first).

dbt itself reports a missing or mis-shaped seed deep inside a stack of messages, and refuses a whole file
for one malformed line; this names the file and the problem in one line each. Headers may list the
columns in any order. (scripts/load_raw.py runs the same checks and quarantines malformed lines instead.)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if not __package__:  # run as a file (`python scripts/x.py`): import the project's modules as `-m` does
    sys.path[0] = str(Path(__file__).resolve().parents[1])
from scripts.venv_check import require_modules

require_modules("check_raw_files", "yaml")
from scripts.raw_files import RawFileError, check_csv_file, malformed_records, raw_columns

EXPECTED_HEADERS: dict[str, list[str]] = {f"{table}.csv": columns for table, columns in raw_columns().items()}


def check_seed_file(path: Path, table: str) -> None:
    header = check_csv_file(path, table)
    malformed = malformed_records(path, len(header))
    if malformed:
        line, why = malformed[0]
        more = f" (and {len(malformed) - 1} more)" if len(malformed) > 1 else ""
        raise RawFileError(
            f"{path}: line {line} {why}{more}; `dbt seed` cannot load "
            "malformed lines: fix them, or load the export with `python -m scripts.load_raw DIR`, which "
            "quarantines them as malformed_row"
        )


def check_raw_dir(raw_dir: Path) -> list[str]:
    """Return one message per problem found in `raw_dir` (empty when all three files are fine)."""
    problems = []
    for table in raw_columns():
        try:
            check_seed_file(raw_dir / f"{table}.csv", table)
        except RawFileError as error:
            problems.append(str(error))
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "raw_dir",
        type=Path,
        nargs="?",
        default=Path("seeds"),
        help="folder holding customers.csv, products.csv, transactions.csv (default: seeds)",
    )
    args = parser.parse_args(argv)
    problems = check_raw_dir(args.raw_dir)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if not problems:
        print(f"ok: raw files in {args.raw_dir} have the expected headers and no malformed lines")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
