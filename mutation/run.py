"""Run the mutation check: each mutant of the catalogue, alone, against the fast checks; write the report.

Exit status 1 when a mutant is stale (its snippet is gone: the code changed under it), survives without
being marked equivalent, or is marked equivalent yet killed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from mutation.catalogue import DEFAULT_CATALOGUE, Mutant, StaleMutant, load_catalogue
from mutation.checks import run_checks
from mutation.report import Outcome, write_report
from scripts.project_copy import REPO_ROOT, copy_checkout

DEFAULT_REPORT = Path(__file__).resolve().parent / "results.md"


def run_mutant(
    mutant: Mutant, pristine: Path, work_dir: Path, with_pytest: bool, with_unit_tests: bool = True
) -> Outcome:
    """Copy the pristine project, apply the mutant, run the checks, delete the copy."""
    started = time.monotonic()
    root = work_dir / mutant.id
    shutil.copytree(pristine, root)
    try:
        mutant.apply(root)
        verdict = run_checks(root, with_pytest=with_pytest, with_unit_tests=with_unit_tests)
        return Outcome(mutant, verdict.layer, tuple(verdict.failures), time.monotonic() - started)
    except StaleMutant as error:
        return Outcome(mutant, "stale", (str(error),), time.monotonic() - started)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--catalogue", type=Path, default=DEFAULT_CATALOGUE, help="mutant catalogue (default: mutation/catalogue.yml)"
    )
    parser.add_argument(
        "--report", type=Path, default=DEFAULT_REPORT, help="markdown report to write (default: mutation/results.md)"
    )
    parser.add_argument("--only", nargs="+", metavar="ID", help="run only these mutant ids")
    parser.add_argument(
        "--no-pytest",
        action="store_true",
        help="stop after dbt build (mutants dbt does not kill are reported as survived)",
    )
    parser.add_argument(
        "--no-unit-tests",
        action="store_true",
        help="build without dbt unit tests, to measure what the data tests (and pytest) catch alone",
    )
    parser.add_argument(
        "--check-only",
        action="store_true",
        help="only check that every mutant still applies (no builds); exit 1 if any is stale",
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=None,
        help="where the project copies go (default: a temporary folder, removed afterwards)",
    )
    return parser.parse_args(argv)


def selected(mutants: list[Mutant], only: list[str] | None) -> list[Mutant]:
    if not only:
        return mutants
    unknown = sorted(set(only) - {mutant.id for mutant in mutants})
    if unknown:
        raise SystemExit(f"unknown mutant ids: {', '.join(unknown)}")
    return [mutant for mutant in mutants if mutant.id in only]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    command = " ".join(["python -m mutation.run", *(sys.argv[1:] if argv is None else argv)])
    mutants = selected(load_catalogue(args.catalogue), args.only)
    if args.check_only:
        stale = [(mutant.id, reason) for mutant in mutants if (reason := mutant.check(REPO_ROOT))]
        for mutant_id, reason in stale:
            print(f"STALE {mutant_id}: {reason}")
        print(f"{len(mutants) - len(stale)} of {len(mutants)} mutants apply")
        return 1 if stale else 0
    outcomes: list[Outcome] = []
    if args.work_dir is not None:
        args.work_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mutation-", dir=args.work_dir) as temp:
        pristine = copy_checkout(Path(temp) / "pristine")
        for number, mutant in enumerate(mutants, start=1):
            outcome = run_mutant(
                mutant, pristine, Path(temp), with_pytest=not args.no_pytest, with_unit_tests=not args.no_unit_tests
            )
            outcomes.append(outcome)
            print(
                f"[{number}/{len(mutants)}] {mutant.id}: {outcome.status} ({outcome.layer}, "
                f"{outcome.seconds:.0f} s){' ' + outcome.failures[0] if outcome.failures else ''}",
                flush=True,
            )
            write_report(outcomes, args.report, command)
    problems = [outcome for outcome in outcomes if outcome.is_problem]
    print(
        f"report: {args.report}; {len(problems)} problem(s): "
        + (", ".join(f"{o.mutant.id} {o.status}" for o in problems) or "none")
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
