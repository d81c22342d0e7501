"""Write the mutation report (mutation/results.md): one row per mutant, the killing layer, the time."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from mutation.catalogue import Mutant

LAYER_ORDER = ("unit", "data", "build", "pytest", "timeout", "survived", "stale")


@dataclass(frozen=True)
class Outcome:
    mutant: Mutant
    layer: str  # unit | data | build | pytest | timeout | survived | stale
    failures: tuple[str, ...]
    seconds: float

    @property
    def status(self) -> str:
        if self.layer == "stale":
            return "STALE"
        if self.layer == "survived":
            return "equivalent" if self.mutant.equivalent else "SURVIVED"
        return "killed" if not self.mutant.equivalent else "killed (marked equivalent: recheck)"

    @property
    def is_problem(self) -> bool:
        """Stale, a survivor not marked equivalent, or an 'equivalent' mutant that a test kills."""
        return self.status not in ("killed", "equivalent")


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def summary_lines(outcomes: list[Outcome]) -> list[str]:
    layers = Counter(outcome.layer for outcome in outcomes)
    killed = sum(1 for outcome in outcomes if outcome.layer not in ("survived", "stale"))
    equivalent = sum(1 for outcome in outcomes if outcome.status == "equivalent")
    return [
        f"- mutants: {len(outcomes)}; killed: {killed}; equivalent (survive by design): {equivalent}; "
        f"survived: {sum(1 for o in outcomes if o.status == 'SURVIVED')}; stale: {layers['stale']}",
        "- killed by layer: "
        + ", ".join(f"{layer} {layers[layer]}" for layer in ("unit", "data", "build", "pytest", "timeout")),
        f"- total time: {sum(outcome.seconds for outcome in outcomes):.0f} s",
    ]


def write_report(outcomes: list[Outcome], path: Path, command: str) -> None:
    lines = [
        "# Mutation check results",
        "",
        f"Written by `{command}` (`python -m mutation.run --help`). Each mutant is one small bug from",
        "`mutation/catalogue.yml`, applied alone to a copy of the project, then the fast checks run until one",
        "fails: `dbt seed` + `dbt build` on the committed sample (DuckDB), where a failing unit test counts as",
        "`unit`, a failing data test as `data`, a model that cannot be built as `build`; then the DuckDB pytest",
        "subset (marts vs the pandas reference, cleaning rules, quarantine) as `pytest`.",
        "",
        "## Summary",
        "",
        *summary_lines(outcomes),
        "",
        "## Mutants",
        "",
        "| mutant | file | bug it models | status | layer | first failing check | time (s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for outcome in outcomes:
        first = outcome.failures[0] if outcome.failures else ""
        more = f" (+{len(outcome.failures) - 1} more)" if len(outcome.failures) > 1 else ""
        lines.append(
            f"| `{outcome.mutant.id}` | `{outcome.mutant.file}` | {cell(outcome.mutant.models)} | "
            f"{outcome.status} | {outcome.layer} | {cell(first + more)} | {outcome.seconds:.0f} |"
        )
    equivalents = [outcome for outcome in outcomes if outcome.mutant.equivalent]
    if equivalents:
        lines += ["", "## Equivalent mutants: why no test can kill them", ""]
        lines += [f"- `{outcome.mutant.id}`: {cell(outcome.mutant.equivalent or '')}" for outcome in equivalents]
    stale = [outcome for outcome in outcomes if outcome.layer == "stale"]
    if stale:
        lines += ["", "## Stale mutants: refresh their snippet in mutation/catalogue.yml", ""]
        lines += [f"- `{outcome.mutant.id}`: {cell(outcome.failures[0])}" for outcome in stale]
    path.write_text("\n".join(lines) + "\n" + kept_notes(path), encoding="utf-8")


NOTES_HEADING = "## Notes"


def kept_notes(path: Path) -> str:
    """The hand-written `## Notes` section at the end of an earlier report, kept across runs."""
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8")
    start = text.find(f"\n{NOTES_HEADING}\n")
    return "" if start < 0 else text[start:]
