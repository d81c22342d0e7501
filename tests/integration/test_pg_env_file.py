"""The connection settings `pg_server.py start` writes for the shell (build/pg/env.sh) read back as exactly
the values given, whatever characters a password holds, run nothing when sourced, and are readable by their
owner only from the moment they exist."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from scripts import pg_server as server_script
from tests.integration.dbt_project import DbtProject

REPO_ROOT = Path(__file__).resolve().parents[2]
# Each shell character that once cut the value or ran the rest: space, $, ;, both quotes, backtick, newline,
# backslash, and command substitutions that would leave a mark if they ran.
HOSTILE_PASSWORD = "p w$HOME;touch ran_semicolon 'single' \"double\" `touch ran_backtick` $(touch ran_dollar)\nline2\\"


def test_shell_exports_read_back_unchanged_and_run_nothing(tmp_path: Path) -> None:
    values = {"PGPASSWORD": HOSTILE_PASSWORD, "BI_READER_PASSWORD": "-n \t'", "PGHOST": "127.0.0.1", "EMPTY": ""}
    env_file = tmp_path / "env.sh"
    env_file.write_text(server_script.shell_exports(values), encoding="utf-8")
    script = "set -eu; source ./env.sh; " + "; ".join(f'printf "%s\\0" "${name}"' for name in values)
    result = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, check=True)
    assert result.stdout.decode("utf-8").split("\0")[:-1] == list(values.values())
    assert sorted(path.name for path in tmp_path.iterdir()) == ["env.sh"], "sourcing env.sh ran a command"


def start_with(state_dir: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """`pg_server.py start` in this process, with umask 0 and every way to chmod a file made to fail.

    With umask 0 a file created without an explicit mode is world-readable; forbidding chmod makes sure the
    mode is not tightened after the secret is written (there would be a moment when others could read it).
    """
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    def no_chmod(*args, **kwargs):
        raise AssertionError("a secret file was chmod-ed after it was created")

    monkeypatch.setattr(os, "chmod", no_chmod)
    monkeypatch.setattr(Path, "chmod", no_chmod)
    old_umask = os.umask(0)
    try:
        assert server_script.command_start(state_dir) == 0
    finally:
        os.umask(old_umask)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def listening_port() -> int:
    """A port something listens on, standing for the user's own server (`start` only checks that it answers)."""
    import socket

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


def test_start_writes_env_sh_quoted_and_private_from_creation(
    tmp_path: Path, listening_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    # An earlier, world-readable env.sh must be replaced by a private file, not rewritten in place.
    (state_dir / "env.sh").write_text("export OLD=1\n", encoding="utf-8")
    os.chmod(state_dir / "env.sh", 0o644)
    env = {
        "PGHOST": "127.0.0.1",
        "PGPORT": str(listening_port),
        "PGUSER": "owner; touch ran_user",
        "PGPASSWORD": HOSTILE_PASSWORD,
        "PGDATABASE": "shop db",
        "BI_READER_PASSWORD": "`touch ran_bi`",
    }
    start_with(state_dir, env, monkeypatch)

    assert mode(state_dir / "env.sh") == 0o600
    assert mode(state_dir / "state.json") == 0o600
    assert json.loads((state_dir / "state.json").read_text(encoding="utf-8"))["password"] == HOSTILE_PASSWORD
    script = "source ./env.sh; " + "; ".join(f'printf "%s\\0" "${name}"' for name in env)
    result = subprocess.run(["bash", "-c", script], cwd=state_dir, capture_output=True, check=True, env={})
    assert result.stdout.decode("utf-8").split("\0")[:-1] == list(env.values())
    assert sorted(path.name for path in state_dir.iterdir()) == ["env.sh", "state.json"]


@pytest.mark.postgres
def test_check_and_dbt_connect_with_a_password_full_of_shell_characters(pg_server, tmp_path: Path) -> None:
    role = "shell_chars_user"
    admin = server_script.connect(pg_server, database="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"drop role if exists {role}")
        cursor.execute(f"create role {role} login password %s", (HOSTILE_PASSWORD,))
    admin.close()
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "PGHOST": pg_server.host,
        "PGPORT": str(pg_server.port),
        "PGUSER": role,
        "PGPASSWORD": HOSTILE_PASSWORD,
        "PGDATABASE": pg_server.database,
    }
    check = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "pg_server.py"), "check"], env=env, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith(f"ok: connected to {pg_server.database}")

    # dbt reads the password through env_var('PGPASSWORD') in profiles.yml.
    project = DbtProject.copy_of_repo(tmp_path / "project")
    result = project.dbt("debug", "--target", "postgres", check=False, extra_env=env)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "OK connection ok" in result.stdout
    assert not list(tmp_path.rglob("ran_*")), "a password character ran a command"
