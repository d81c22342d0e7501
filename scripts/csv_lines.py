"""Split a CSV batch into its records by the lines of the file, independently of the CSV reader that loads it.

Every non-blank line after the header ends in exactly one place: it is (part of) a row, or it is a
malformed line of its own. A line is a row when it has the header's number of fields. A quoted field may
hold line breaks, so a line with an odd number of quotes opens a record that continues on the next lines
until its quotes balance; the span is one row only if it parses as one record of the right width.
Otherwise the quote is broken: the first line alone is malformed and the lines after it are read afresh,
so one stray quote costs one line, never the rest of the file. A line (or quoted span) longer than
MAX_RECORD_BYTES is malformed too: no export row is that long, and CSV readers give up on such lines.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

MAX_RECORD_BYTES = 1 << 20
# Lines are checked a block at a time, in C when no line needs a closer look; a block smaller than
# MAX_RECORD_BYTES holds no line that long.
BLOCK_BYTES = MAX_RECORD_BYTES // 2
QUOTE = b'"'
CR = b"\r"


@dataclass
class LineScan:
    """What a batch holds, counted by lines: rows (of the header's width) and malformed lines."""

    rows: int = 0
    malformed: list[tuple[int, str]] = field(default_factory=list)  # (line number, text)

    @property
    def records(self) -> int:
        """Everything that must end clean or quarantined: rows plus malformed lines."""
        return self.rows + len(self.malformed)


def parse_record(span: bytes, width: int) -> list[str] | None:
    """The fields of `span` when it is exactly one well-quoted record of `width` fields, else None."""
    csv.field_size_limit(max(csv.field_size_limit(), 2 * MAX_RECORD_BYTES))
    try:
        parsed = list(csv.reader(io.StringIO(span.decode("utf-8"), newline=""), strict=True))
    except (csv.Error, UnicodeDecodeError):
        return None
    return parsed[0] if len(parsed) == 1 and len(parsed[0]) == width else None


@dataclass(frozen=True)
class Record:
    line: int  # the file's line number where it starts (the header is line 1)
    text: bytes  # its lines, without the last line end
    is_row: bool


class LineSplitter:
    """Takes a file's lines one by one (without their LF) and gives back its records."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.span: list[tuple[int, bytes]] = []  # the lines of a record whose quotes are still open
        self.size = self.quotes = 0

    def feed(self, number: int, line: bytes) -> Iterator[Record]:
        if self.span:
            self.span.append((number, line))
            self.size, self.quotes = self.size + len(line) + 1, self.quotes + line.count(QUOTE)
            if self.quotes % 2 == 0 or self.size > MAX_RECORD_BYTES:
                yield from self.close()
            return
        text = line.removesuffix(CR)
        if not text:
            return  # a blank line is no record (CSV readers skip it too)
        if len(line) >= MAX_RECORD_BYTES:
            yield Record(number, text, False)
        elif QUOTE not in text and CR not in text:
            yield Record(number, text, text.count(b",") == self.width - 1)
        elif text.count(QUOTE) % 2 == 0:
            yield Record(number, text, parse_record(text, self.width) is not None)
        else:
            self.span, self.size, self.quotes = [(number, line)], len(line) + 1, text.count(QUOTE)

    def close(self) -> Iterator[Record]:
        """End the open span: one row if its quotes balance into one record, else its first line is
        malformed and the lines after it are read afresh."""
        span, self.span = self.span, []
        if not span:
            return
        joined = b"\n".join(line for _, line in span).removesuffix(b"\r")
        if self.quotes % 2 == 0 and self.size <= MAX_RECORD_BYTES and parse_record(joined, self.width):
            yield Record(span[0][0], joined, True)
            return
        yield Record(span[0][0], span[0][1].removesuffix(b"\r"), False)
        for number, line in span[1:]:
            yield from self.feed(number, line)


def all_rows(block: bytes, lines: list[bytes], width: int) -> bool:
    """Whether every line of a block is plainly a row: no quote, the header's number of fields, not long."""
    if QUOTE in block or width < 2 or block.count(CR) != block.count(b"\r\n"):
        return False  # a quote or a carriage return inside a line needs a closer look
    commas = list(map(bytes.count, lines, repeat(b",")))
    return commas.count(width - 1) == len(commas) and (
        len(block) < MAX_RECORD_BYTES or max(map(len, lines)) < MAX_RECORD_BYTES
    )


def records(path: Path, width: int) -> Iterator[Record | list[bytes]]:
    """The records after the header in file order: a Record each, or a list of lines that are all rows
    (the common case, checked a block at a time)."""
    splitter = LineSplitter(width)
    with path.open("rb") as handle:
        handle.readline()  # the header (checked by scripts.raw_files)
        number, rest = 2, b""
        while block := rest + (chunk := handle.read(BLOCK_BYTES)):
            lines = block.split(b"\n")
            rest = lines.pop()  # a line not yet complete (or the file's last line, without its LF)
            if not chunk and rest:
                lines.append(rest)
                rest = b""
            if lines and not splitter.span and all_rows(block, lines, width):
                yield lines
            else:
                for offset, line in enumerate(lines):
                    yield from splitter.feed(number + offset, line)
            number += len(lines)
        yield from splitter.close()


def scan_csv(path: Path, width: int) -> LineScan:
    """Count the rows of `path` and collect its malformed lines (see the module docstring)."""
    scan = LineScan()
    for item in records(path, width):
        if isinstance(item, list):
            scan.rows += len(item)
        elif item.is_row:
            scan.rows += 1
        else:
            scan.malformed.append((item.line, item.text.decode("utf-8")))
    return scan


def describe(text: str, width: int) -> str:
    """Why a malformed line is not a row, in a few words."""
    if len(text.encode("utf-8")) >= MAX_RECORD_BYTES:
        return f"is longer than {MAX_RECORD_BYTES // (1 << 20)} MiB"
    if text.count('"') % 2:
        return "has an unterminated quote"
    fields = next(csv.reader([text]), [])
    return f"has {len(fields)} fields, expected {width}" if len(fields) != width else "has broken quoting"


def write_rows(path: Path, header: list[str], destination: Path) -> int:
    """Write the rows of `path` (its malformed lines left out) to `destination` as plain CSV, every field
    quoted and one line each, so any CSV reader reads exactly these rows; returns how many."""
    written = 0
    with destination.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(header)
        for item in records(path, len(header)):
            if isinstance(item, list):
                writer.writerows(line.removesuffix(b"\r").decode("utf-8").split(",") for line in item)
                written += len(item)
            elif item.is_row:
                writer.writerow(parse_record(item.text, len(header)))
                written += 1
    return written
