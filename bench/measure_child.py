"""Run one command and report its peak memory (max RSS of it and its children) as JSON.

Linux keeps a process's RSS high-water mark across fork and exec, so a command started straight from the
benchmark runner would inherit the runner's peak. This small fresh process starts the command instead;
what the command inherits is only this process's few MiB.

    python -m bench.measure_child --report OUT.json -- COMMAND [ARGS...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, required=True, help="where to write {exit_code, max_rss_kib}")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command to run, after --")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    exit_code = os.waitstatus_to_exitcode(status)
    args.report.write_text(json.dumps({"exit_code": exit_code, "max_rss_kib": usage.ru_maxrss}))
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
