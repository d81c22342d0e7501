"""The README is a test: every command block a user would type runs, in order, in one shell, on a fresh
copy of the project (in a folder whose name has a space), exactly as written.

A block can only be left out by a `<!-- readme-test: skip (reason) -->` line above it, naming the test that
runs those commands instead; `<!-- readme-test: skip-line "cmd" (reason) -->` leaves out one line.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from scripts.project_copy import REPO_ROOT

README = REPO_ROOT / "README.md"
BLOCK = re.compile(r"(?:<!-- readme-test: (?P<directive>[^\n]*?) -->\n)?```bash\n(?P<body>.*?)```", re.S)
SKIP_LINE = re.compile(r'skip-line "(?P<line>[^"]+)" \(.+\)')
SKIP = re.compile(r"skip \(.+\)")
TIMEOUT_SECONDS = 45 * 60


@dataclass(frozen=True)
class Block:
    number: int
    commands: str


def readme_blocks(text: str) -> list[Block]:
    blocks = []
    for number, match in enumerate(BLOCK.finditer(text), start=1):
        directive, body = match.group("directive"), match.group("body")
        if directive and SKIP.fullmatch(directive):
            continue
        if directive:
            skipped = SKIP_LINE.fullmatch(directive)
            assert skipped, f"README block {number}: unknown readme-test directive {directive!r}"
            body = "\n".join(
                line for line in body.splitlines() if not line.split("#")[0].strip() == skipped.group("line")
            )
        blocks.append(Block(number, body))
    return blocks


def fresh_copy(destination: Path) -> Path:
    """The files a clone would hold: tracked plus new, never ignored build output."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    for name in filter(None, listed):
        source = REPO_ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


def test_directives_are_understood() -> None:
    text = (
        '<!-- readme-test: skip-line "make test" (the suite) -->\n```bash\nmake run\nmake test   # all\n```\n'
        "<!-- readme-test: skip (covered elsewhere) -->\n```bash\nmake bench\n```\n```bash\ndbt build\n```\n"
    )
    assert readme_blocks(text) == [Block(1, "make run"), Block(3, "dbt build\n")]


def test_every_skipped_block_gives_a_reason() -> None:
    for directive in re.findall(r"<!-- readme-test: (.*?) -->", README.read_text(encoding="utf-8")):
        assert SKIP.fullmatch(directive) or SKIP_LINE.fullmatch(directive), directive


@pytest.mark.postgres
def test_readme_commands_run_in_order_on_a_fresh_copy(tmp_path: Path) -> None:
    project = fresh_copy(tmp_path / "fresh clone")
    script = ["set -euo pipefail"]
    for block in readme_blocks(README.read_text(encoding="utf-8")):
        script += [f"echo '=== README block {block.number}'", block.commands]
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PG", "DBT_", "ECOMMERCE_", "VIRTUAL_ENV", "SPARK_"))
    }
    env["PATH"] = os.pathsep.join(part for part in env["PATH"].split(os.pathsep) if ".venv" not in part)
    result = subprocess.run(
        ["bash", "-c", "\n".join(script)], cwd=project, env=env, capture_output=True, text=True, timeout=TIMEOUT_SECONDS
    )
    blocks_run = re.findall(r"=== README block (\d+)", result.stdout)
    assert result.returncode == 0, (
        f"README block {blocks_run[-1] if blocks_run else '?'} failed:\n"
        f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    )
    assert (project / "serving" / "ecommerce_marts.duckdb").is_file()
    assert (
        subprocess.run(
            [
                "git",
                "diff",
                "--quiet",
                "--no-index",
                str(REPO_ROOT / "seeds" / "transactions.csv"),
                str(project / "seeds" / "transactions.csv"),
            ]
        ).returncode
        == 0
    ), "make generate is not deterministic"
