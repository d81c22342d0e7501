"""Long work shows progress and an ETA on a terminal, and nothing when its output goes to a file or a pipe."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
# tqdm's line: description, percentage, "elapsed<remaining" (the ETA), rate in the unit of work.
ETA = "<00:"


def stderr_on_a_terminal(command: list[str], env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run `command` with stderr on a pseudo-terminal, as in a person's shell; its exit code and stderr."""
    main, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))  # a terminal has a size
    # tqdm redraws at most every 0.1 s: work done faster than that would show only its first, 0 % line.
    # TQDM_MININTERVAL=0 redraws on every update, so what the bar shows does not depend on the machine's speed.
    environment = {**os.environ, "TQDM_MININTERVAL": "0", **(env or {})}
    process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=secondary, env=environment)
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the terminal closed: the command has exited
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    return process.wait(timeout=600), b"".join(chunks).decode(errors="replace")


def generate_command(out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "scripts.generate_data",
        "--out",
        str(out),
        "--transactions",
        "20000",
        "--chunk-rows",
        "2000",
    ]


def test_the_generator_shows_progress_with_an_eta_on_a_terminal(tmp_path: Path) -> None:
    code, stderr = stderr_on_a_terminal(generate_command(tmp_path))
    assert code == 0
    assert "transactions.csv" in stderr and "rows" in stderr and ETA in stderr, stderr


@pytest.fixture
def raw_dir(tmp_path: Path) -> Path:
    subprocess.run(generate_command(tmp_path / "raw"), cwd=REPO_ROOT, check=True, capture_output=True)
    return tmp_path / "raw"


def test_the_generator_and_loader_are_quiet_in_a_pipe(raw_dir: Path, tmp_path: Path) -> None:
    generated = subprocess.run(generate_command(tmp_path / "again"), cwd=REPO_ROOT, capture_output=True, text=True)
    loaded = subprocess.run(
        [sys.executable, "-m", "scripts.load_raw", str(raw_dir), "--duckdb-path", str(tmp_path / "w.duckdb")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert (generated.returncode, generated.stderr) == (0, "")
    assert (loaded.returncode, loaded.stderr) == (0, "")


def test_the_loader_shows_progress_with_an_eta_on_a_terminal(raw_dir: Path, tmp_path: Path) -> None:
    code, stderr = stderr_on_a_terminal(
        [sys.executable, "-m", "scripts.load_raw", str(raw_dir), "--duckdb-path", str(tmp_path / "w.duckdb")]
    )
    assert code == 0
    assert "load_raw" in stderr and "B/s" in stderr and "100%" in stderr, stderr
