"""Rows every engine must judge alike, appended to the shared dirty data set (and to its defects list).

Hand-written, with the verdict each must get: copies that differ only in the letter case of an id or in
Unicode spaces are duplicates, a name differing only in case makes a conflict, Unicode spaces around a price
are trimmed, dates outside the plausible window (2000-01-01 .. 2099-12-31) are refused.
"""

from __future__ import annotations

import csv
from pathlib import Path

NBSP, ZWSP, IDEOGRAPHIC_SPACE, THIN_SPACE = "\u00a0", "\u200b", "\u3000", "\u2009"

# (table, raw row as exported, the id it is filed under in defects.csv, expected reason or None when clean)
EDGE_ROWS: list[tuple[str, list[str], str, str | None]] = [
    ("customers", [f"{NBSP}cx901{THIN_SPACE}", "Ann Lee", "Europe", "2024-01-02"], "CX901", None),
    ("customers", ["CX901", "Ann Lee", f"Europe{IDEOGRAPHIC_SPACE}", "2024-01-02"], "CX901", "duplicate"),
    ("customers", ["CX902", "Bo Chen", "Asia", "2024-01-03"], "CX902", "conflicting_id"),
    ("customers", ["CX902", "bo chen", "Asia", "2024-01-03"], "CX902", "conflicting_id"),
    ("customers", ["CX903", "Cy Diaz", "Asia", "1999-12-31"], "CX903", "bad_signup_date"),
    ("customers", ["CX904", "Di Eng", "Asia", "2100-01-01"], "CX904", "bad_signup_date"),
    ("products", ["PX901", "Lamp", "Home Decor", f"12.50{NBSP}"], "PX901", None),
    ("products", ["PX902", "Mug", "Home Decor", f"{ZWSP}7.00"], "PX902", None),
    ("transactions", ["TX901", "CX901", "PX901", "2024-03-04 10:00:00", "2", f"25.00{NBSP}", "12.50"], "TX901", None),
    (
        "transactions",
        ["tx901", "CX901", "PX901", "2024-03-04 10:00:00", "2", "25.00", f"12.50{IDEOGRAPHIC_SPACE}"],
        "TX901",
        "duplicate",
    ),
    ("transactions", ["TX902", "CX901", "PX902", "9999-12-31 23:59:59", "1", "7.00", "7.00"], "TX902", "bad_timestamp"),
    ("transactions", ["TX903", "CX901", "PX902", "1999-12-31 12:00:00", "1", "7.00", "7.00"], "TX903", "bad_timestamp"),
]


def add_edge_rows(raw_dir: Path) -> None:
    """Append EDGE_ROWS to the raw files of `raw_dir` and their expected verdicts to its defects.csv."""
    defects = []
    for table in ("customers", "products", "transactions"):
        path = raw_dir / f"{table}.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            rows_before = sum(1 for _ in csv.reader(handle)) - 1
        with path.open("a", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            for position, (row_table, row, record_id, reason) in enumerate(
                [edge for edge in EDGE_ROWS if edge[0] == table], start=rows_before + 1
            ):
                writer.writerow(row)
                if reason:
                    defects.append([row_table, record_id, position, reason])
    with (raw_dir / "defects.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(defects)
