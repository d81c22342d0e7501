"""What a raw export must look like, and the checks that say, in one line, why a file is not one.

The expected columns are declared once, in the dbt source `raw` (models/staging/_sources.yml); this module
reads them from there. A file is accepted when it is UTF-8 text whose header names exactly those columns,
in any order. A table's export may come as several batch files (`transactions.csv`,
`transactions_2024-06-01.csv`, ... or `.parquet`), loaded in name order.
"""

from __future__ import annotations

import codecs
import csv
import io
from functools import lru_cache
from pathlib import Path

import yaml

from scripts.csv_lines import describe, scan_csv

REPO_ROOT = Path(__file__).resolve().parents[1]
SOURCES_YML = REPO_ROOT / "models" / "staging" / "_sources.yml"
RAW_SOURCE = "raw"
BATCH_SUFFIXES = (".csv", ".parquet")
# Files are checked for UTF-8 in chunks, so a 1 GB export never sits in memory.
CHUNK_BYTES = 1 << 20
NUL = bytes(1)


class RawFileError(Exception):
    """A raw file is missing, empty, not UTF-8 text, or its header is not the expected one."""


@lru_cache(maxsize=1)
def raw_columns() -> dict[str, list[str]]:
    """Table name -> the export's column names, as declared in the dbt source."""
    sources = yaml.safe_load(SOURCES_YML.read_text(encoding="utf-8"))["sources"]
    source = next(source for source in sources if source["name"] == RAW_SOURCE)
    return {table["name"]: [column["name"] for column in table["columns"]] for table in source["tables"]}


def find_batches(raw_dir: Path, table: str) -> list[Path]:
    """The batch files of `table` in `raw_dir`, in name order (`table.csv` first)."""
    if not raw_dir.is_dir():
        raise RawFileError(f"{raw_dir}: folder is missing")
    batches = sorted(
        path
        for path in raw_dir.iterdir()
        if path.is_file()
        and path.name.startswith(table)
        and path.suffix in BATCH_SUFFIXES
        and (path.stem == table or path.stem[len(table)] in "_-.")
    )
    if not batches:
        raise RawFileError(f"{raw_dir / (table + '.csv')}: file is missing (expected a CSV export with a header row)")
    return batches


def check_utf8_text(path: Path) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        offset = 0
        while chunk := handle.read(CHUNK_BYTES):
            if NUL in chunk:
                raise RawFileError(
                    f"{path}: binary file (NUL byte near byte {offset + chunk.index(NUL)}), not a CSV export"
                )
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                raise RawFileError(
                    f"{path}: not UTF-8 text (invalid byte near byte {offset + error.start}); re-export as UTF-8"
                ) from None
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise RawFileError(f"{path}: not UTF-8 text (truncated character at the end); re-export as UTF-8") from None


def read_csv_header(path: Path) -> list[str]:
    """The header's names; refuses a file with no header or with nothing but a header."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        first_line = handle.readline()
        has_rows = any(line.strip() for line in iter(handle.readline, ""))
    if not first_line.strip():
        raise RawFileError(f"{path}: file is empty (expected a header row)")
    if not has_rows:
        raise RawFileError(f"{path}: holds only its header, no rows")
    return [name.strip() for name in next(csv.reader(io.StringIO(first_line)))]


def check_header(path: Path, header: list[str], expected: list[str]) -> None:
    missing = [name for name in expected if name not in header]
    unexpected = [name for name in header if name not in expected]
    repeated = sorted({name for name in header if header.count(name) > 1})
    if missing or unexpected or repeated:
        details = "; ".join(
            part
            for part in (
                f"missing {', '.join(missing)}" if missing else "",
                f"unexpected {', '.join(unexpected)}" if unexpected else "",
                f"repeated {', '.join(repeated)}" if repeated else "",
            )
            if part
        )
        raise RawFileError(
            f"{path}: wrong header {','.join(header)!r} ({details}); "
            f"expected the columns {','.join(expected)!r} in any order"
        )


def check_csv_file(path: Path, table: str) -> list[str]:
    """Check one CSV batch; return its header (the expected names, in the file's order)."""
    if not path.is_file():
        raise RawFileError(f"{path}: file is missing (expected a CSV export with a header row)")
    if path.stat().st_size == 0:
        raise RawFileError(f"{path}: file is empty (expected a header row)")
    check_utf8_text(path)
    with path.open("rb") as handle:
        if b"\r" in handle.readline().removesuffix(b"\n").removesuffix(b"\r"):
            raise RawFileError(f"{path}: its lines end in CR only; re-export with LF or CRLF line ends")
    header = read_csv_header(path)
    check_header(path, header, raw_columns()[table])
    return header


def count_data_records(path: Path) -> int:
    """Records after the header that must end clean or quarantined (rows plus malformed lines), counted
    by the file's lines (scripts/csv_lines.py), not by a CSV reader a stray quote can mislead."""
    return scan_csv(path, len(read_csv_header(path))).records


def malformed_records(path: Path, width: int) -> list[tuple[int, str]]:
    """(line number, why) of each line that is not a row of `width` fields."""
    return [(line, describe(text, width)) for line, text in scan_csv(path, width).malformed]
