"""Make DuckDB read the file named, and nothing else.

DuckDB's readers take `[ ] * ?` in a path as a glob pattern, even in a bound parameter: `t[x].csv` reads
`tx.csv`, `a*b.csv` reads every file it matches. The loader therefore never hands DuckDB a user's path:
it copies each batch into a private snapshot (hashing the bytes it copies, so what is recorded is what was
read, even when the file changes meanwhile), and gives DuckDB the snapshot's path with every glob character
escaped as a one-character class (`[[]`), checked to match exactly that one file.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from scripts.raw_files import RawFileError

GLOB_CHARACTERS = "[]*?"
CHUNK_BYTES = 1 << 20


def duckdb_literal(connection: duckdb.DuckDBPyConnection, path: Path) -> str:
    """`path` escaped so DuckDB's readers match only that file; raises RawFileError if they would not."""
    absolute = str(path.resolve())
    escaped = "".join(f"[{character}]" if character in GLOB_CHARACTERS else character for character in absolute)
    matched = [row[0] for row in connection.execute("select file from glob(?)", [escaped]).fetchall()]
    if matched != [absolute]:
        raise RawFileError(f"{path}: DuckDB would read {matched or 'no file'} for this name; rename the file")
    return escaped


def sql_string(text: str) -> str:
    """`text` as a SQL string literal (for statements that take no parameters, such as COPY ... TO)."""
    return "'" + text.replace("'", "''") + "'"


@contextmanager
def snapshot(path: Path) -> Iterator[tuple[Path, str]]:
    """A private copy of `path` under a plain name, and the SHA-256 of exactly the bytes copied."""
    digest = hashlib.sha256()
    with tempfile.TemporaryDirectory(prefix="load_raw_") as scratch:
        copy = Path(scratch) / f"batch{path.suffix}"
        with path.open("rb") as source, copy.open("wb") as target:
            while chunk := source.read(CHUNK_BYTES):
                digest.update(chunk)
                target.write(chunk)
        yield copy, digest.hexdigest()
