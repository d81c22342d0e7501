"""The mutant catalogue (mutation/catalogue.yml): what to change, where, and what bug it models."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

DEFAULT_CATALOGUE = Path(__file__).resolve().parent / "catalogue.yml"


class StaleMutant(Exception):
    """The mutant's original snippet is not (exactly once) in its file: the code changed under it."""


@dataclass(frozen=True)
class Mutant:
    id: str
    file: str
    original: str
    replacement: str
    models: str
    equivalent: str | None = None

    def apply(self, root: Path) -> None:
        """Rewrite `file` under `root` with the one replacement; raise StaleMutant when the snippet is gone."""
        path = root / self.file
        if not path.is_file():
            raise StaleMutant(f"{self.file} does not exist")
        text = path.read_text(encoding="utf-8")
        found = text.count(self.original)
        if found != 1:
            where = "not found" if found == 0 else f"found {found} times"
            raise StaleMutant(f"snippet {where} in {self.file}: {self.original!r}")
        path.write_text(text.replace(self.original, self.replacement), encoding="utf-8")

    def check(self, root: Path) -> str | None:
        """None when the mutant still applies to the files under `root`, else why it is stale."""
        path = root / self.file
        if not path.is_file():
            return f"{self.file} does not exist"
        found = path.read_text(encoding="utf-8").count(self.original)
        if found == 1:
            return None
        return f"snippet {'not found' if found == 0 else f'found {found} times'} in {self.file}"


def load_catalogue(path: Path = DEFAULT_CATALOGUE) -> list[Mutant]:
    """Read and validate the catalogue: unique ids, every field present, replacement differs."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    mutants: list[Mutant] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        missing = [key for key in ("id", "file", "original", "replacement", "models") if not entry.get(key)]
        if missing:
            raise ValueError(f"{path}: mutant #{number} lacks {', '.join(missing)}")
        mutant = Mutant(
            id=entry["id"],
            file=entry["file"],
            original=entry["original"],
            replacement=entry["replacement"],
            models=entry["models"],
            equivalent=entry.get("equivalent"),
        )
        if mutant.id in seen:
            raise ValueError(f"{path}: duplicate mutant id {mutant.id}")
        if mutant.original == mutant.replacement:
            raise ValueError(f"{path}: mutant {mutant.id} replaces its snippet with itself")
        seen.add(mutant.id)
        mutants.append(mutant)
    return mutants
