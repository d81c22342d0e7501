"""One truth for settings: the README's table lists exactly the environment variables the code reads, with
dbt's defaults, and `.env.example` lists the same ones."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
# env_var('NAME'...) in dbt files; os.environ["NAME"], os.environ.get("NAME"...), os.getenv("NAME") in Python.
READ = re.compile(
    r"""env_var\(\s*['"](?P<dbt>[A-Z][A-Z0-9_]*)['"](?:\s*,\s*['"](?P<default>[^'"]*)['"])?"""
    r"""|environ(?:\.get)?\s*[\[(]\s*['"](?P<py>[A-Z][A-Z0-9_]*)['"]"""
    r"""|getenv\(\s*['"](?P<getenv>[A-Z][A-Z0-9_]*)['"]"""
)
CODE_SUFFIXES = (".py", ".sql", ".yml", ".yaml", ".ipynb", ".sh")
ROW = re.compile(r"^\| `(?P<name>[A-Z][A-Z0-9_]*)` \| (?P<default>[^|]*) \|", re.M)


def project_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [
        REPO_ROOT / name
        for name in listed
        if name.endswith(CODE_SUFFIXES) and not name.startswith("tests/") and (REPO_ROOT / name).is_file()
    ]


def variables_read() -> dict[str, set[str]]:
    """Each variable the code reads, with the literal defaults dbt's env_var() gives it."""
    found: dict[str, set[str]] = {}
    for path in project_files():
        for match in READ.finditer(path.read_text(encoding="utf-8", errors="replace")):
            name = match["dbt"] or match["py"] or match["getenv"]
            defaults = found.setdefault(name, set())
            if match["default"]:
                defaults.add(match["default"])
    return found


def readme_table() -> dict[str, str]:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Environment variables", 1)[1].split("\n## ", 1)[0]
    return {row["name"]: row["default"].strip() for row in ROW.finditer(section)}


def test_the_readme_lists_every_variable_the_code_reads_and_no_other() -> None:
    assert set(readme_table()) == set(variables_read())


def test_the_readme_gives_dbts_defaults() -> None:
    table = readme_table()
    for name, defaults in variables_read().items():
        for default in defaults:
            assert f"`{default}`" in table[name], f"{name}: README says {table[name]}, profiles/macros {default}"


def test_env_example_lists_the_same_variables() -> None:
    text = (REPO_ROOT / ".env.example").read_text(encoding="utf-8")
    assert set(re.findall(r"^# ([A-Z][A-Z0-9_]*)=", text, re.M)) == set(readme_table())
