"""Start, check and stop a throwaway PostgreSQL cluster for tests and local work.

The cluster lives in a temporary directory, listens on a free port on 127.0.0.1 only, runs as an
unprivileged OS user (PostgreSQL refuses to run as root) and is deleted on stop. Passwords are random
per start and are written only to the state directory, never to the repository. When PGHOST is already
set, the user's own server is used and nothing is started.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

if not __package__:  # run as a file (`python scripts/x.py`): import the project's modules as `-m` does
    sys.path[0] = str(Path(__file__).resolve().parents[1])
from scripts.venv_check import require_modules

require_modules("pg_server", "psycopg2")

PG_USER_NAME = "ecommerce_pg"
DATABASE = "ecommerce"
BI_ROLE = "bi_reader"
# A BI session left `idle in transaction` (psycopg's and JDBC's default after a select) holds locks on the
# marts it read, which the publish step's swap must wait for. The role is read-only, so ending such a session
# loses nothing but the connection; after this long PostgreSQL ends it, which is shorter than the swap's
# patience (macros/postgres/swap_marts.sql), so one forgotten session no longer stops a nightly publish.
BI_IDLE_IN_TRANSACTION_LIMIT = "1min"
PG_BIN_CANDIDATES = (Path("/usr/lib/postgresql/15/bin"), Path("/usr/local/bin"), Path("/usr/bin"))


class ServerError(Exception):
    """Starting, reaching or stopping the server failed; the message is meant for a human."""


@dataclass
class ServerInfo:
    host: str
    port: int
    user: str
    password: str
    database: str
    bi_reader_password: str
    data_dir: str = ""  # empty for a server we did not start

    def env(self) -> dict[str, str]:
        return {
            "PGHOST": self.host,
            "PGPORT": str(self.port),
            "PGUSER": self.user,
            "PGPASSWORD": self.password,
            "PGDATABASE": self.database,
            "BI_READER_PASSWORD": self.bi_reader_password,
        }


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner may read, with that mode from its creation: no moment when others could.

    A fresh file (O_EXCL, mode 0600) is filled, then renamed over `path`, so a file that existed with a
    looser mode is replaced rather than reused, and a reader never sees it half written.
    """
    fresh = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fresh.unlink(missing_ok=True)
    descriptor = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(fresh, path)
    except BaseException:
        fresh.unlink(missing_ok=True)
        raise


def shell_exports(variables: dict[str, str]) -> str:
    """`export NAME=value` lines that a POSIX shell reads back as exactly these values (any character)."""
    return "".join(f"export {name}={shlex.quote(value)}\n" for name, value in variables.items())


def pg_binary(name: str) -> str:
    for folder in PG_BIN_CANDIDATES:
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    if not found:
        raise ServerError(f"{name} not found: install PostgreSQL 15 (Debian package postgresql-15)")
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ensure_os_user() -> str | None:
    """The unprivileged user to run PostgreSQL as, or None when we are not root (run as ourselves)."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(PG_USER_NAME)
    except KeyError:
        result = subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER_NAME],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0 and "already exists" not in result.stderr:
            raise ServerError(f"cannot create OS user {PG_USER_NAME}: {result.stderr.strip()}") from None
    return PG_USER_NAME


def run_as(os_user: str | None, command: list[str], what: str) -> None:
    full = ["runuser", "-u", os_user, "--", *command] if os_user else command
    result = subprocess.run(full, capture_output=True, text=True)
    if result.returncode != 0:
        last = (result.stderr.strip() or result.stdout.strip() or "no output").splitlines()[-1]
        raise ServerError(f"{what} failed: {last}")


def write_config(data_dir: Path, socket_dir: Path, port: int) -> None:
    # Throwaway data: durability settings off for speed.
    with (data_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.write(
            f"\nlisten_addresses = '127.0.0.1'\nport = {port}\n"
            f"unix_socket_directories = '{socket_dir}'\nfsync = off\nsynchronous_commit = off\n"
            "full_page_writes = off\nmax_connections = 100\n"
        )
    (data_dir / "pg_hba.conf").write_text(
        "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n", encoding="utf-8"
    )


def connect(info: ServerInfo, user: str | None = None, password: str | None = None, database: str | None = None):
    import psycopg2

    return psycopg2.connect(
        host=info.host,
        port=info.port,
        user=user or info.user,
        password=info.password if password is None else password,
        dbname=database or info.database,
        connect_timeout=5,
    )


def wait_until_ready(info: ServerInfo, timeout_s: float = 120.0) -> None:
    import psycopg2

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            connect(info, database="postgres").close()
            return
        except psycopg2.OperationalError as error:
            if time.monotonic() > deadline:
                raise ServerError(
                    f"server did not accept connections within {timeout_s:.0f}s: {error}".strip()
                ) from None
            time.sleep(0.2)


def bootstrap(info: ServerInfo) -> None:
    """The project database, and the read-only BI role (grants on marts come from dbt's `grants`)."""
    admin = connect(info, database="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"create database {DATABASE}")
        cursor.execute(
            f"create role {BI_ROLE} login password %s nosuperuser nocreatedb nocreaterole", (info.bi_reader_password,)
        )
        cursor.execute(
            f"alter role {BI_ROLE} set idle_in_transaction_session_timeout = %s", (BI_IDLE_IN_TRANSACTION_LIMIT,)
        )
        cursor.execute(f"grant connect on database {DATABASE} to {BI_ROLE}")
        cursor.execute(f"revoke temporary on database {DATABASE} from public")
    admin.close()
    database = connect(info)
    database.autocommit = True
    with database.cursor() as cursor:
        cursor.execute("revoke create on schema public from public")
    database.close()


def start_server() -> ServerInfo:
    os_user = ensure_os_user()
    root = Path(tempfile.mkdtemp(prefix="ecommerce-pg-"))
    data_dir, socket_dir = root / "data", root / "socket"
    info = ServerInfo(
        "127.0.0.1",
        free_port(),
        "postgres",
        secrets.token_urlsafe(18),
        DATABASE,
        secrets.token_urlsafe(18),
        str(data_dir),
    )
    try:
        socket_dir.mkdir()
        if os_user:
            shutil.chown(root, os_user)
            shutil.chown(socket_dir, os_user)
        root.chmod(0o700)
        password_file = root / "pwfile"
        write_private(password_file, info.password + "\n")
        if os_user:
            shutil.chown(password_file, os_user)
        run_as(
            os_user,
            [
                pg_binary("initdb"),
                "-D",
                str(data_dir),
                "-U",
                info.user,
                "--pwfile",
                str(password_file),
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                "--locale",
                "C",
            ],
            "initdb",
        )
        password_file.unlink()
        write_config(data_dir, socket_dir, info.port)
        run_as(
            os_user,
            [pg_binary("pg_ctl"), "-D", str(data_dir), "-l", str(root / "server.log"), "-w", "-t", "30", "start"],
            "pg_ctl start",
        )
        wait_until_ready(info)
        bootstrap(info)
    except BaseException:
        stop_server(info)
        raise
    return info


def stop_server(info: ServerInfo) -> None:
    if not info.data_dir:
        return
    data_dir = Path(info.data_dir)
    if (data_dir / "postmaster.pid").exists():
        os_user = PG_USER_NAME if os.geteuid() == 0 else None
        try:
            run_as(os_user, [pg_binary("pg_ctl"), "-D", str(data_dir), "-m", "fast", "-w", "stop"], "pg_ctl stop")
        except ServerError:
            pass  # removing the directory below still frees the port once the postmaster exits
    shutil.rmtree(data_dir.parent, ignore_errors=True)


def server_from_environment() -> ServerInfo | None:
    if not os.environ.get("PGHOST"):
        return None
    return ServerInfo(
        os.environ["PGHOST"],
        int(os.environ.get("PGPORT", "5432")),
        os.environ.get("PGUSER", "postgres"),
        os.environ.get("PGPASSWORD", ""),
        os.environ.get("PGDATABASE", DATABASE),
        os.environ.get("BI_READER_PASSWORD", ""),
    )


@contextmanager
def throwaway_server() -> Iterator[ServerInfo]:
    """The user's server when PGHOST is set, otherwise a fresh cluster removed on exit (even on errors)."""
    existing = server_from_environment()
    if existing:
        yield existing
        return
    info = start_server()
    try:
        yield info
    finally:
        stop_server(info)


def create_database(info: ServerInfo, name: str) -> ServerInfo:
    """A fresh database on the same server, for tests that must not see each other's schemas."""
    admin = connect(info, database="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'drop database if exists "{name}"')
        cursor.execute(f'create database "{name}"')
        cursor.execute(f'grant connect on database "{name}" to {BI_ROLE}')
        cursor.execute(f'revoke temporary on database "{name}" from public')
    admin.close()
    fresh = ServerInfo(**{**asdict(info), "database": name})
    database = connect(fresh)
    database.autocommit = True
    with database.cursor() as cursor:
        cursor.execute("revoke create on schema public from public")
    database.close()
    return fresh


def explain_connection_failure(host: str, port: int, user: str, database: str, error: Exception) -> str:
    text = str(error)
    if "password authentication failed" in text or "no password supplied" in text:
        return f"authentication failed for user {user} — check PGPASSWORD"
    if "does not exist" in text and "database" in text:
        return f'database "{database}" does not exist — create it or set PGDATABASE'
    if "Connection refused" in text or "could not connect" in text or "timeout" in text.lower():
        return f"cannot reach PostgreSQL at {host}:{port} — is the server running? (make pg-up starts a throwaway one)"
    return f"cannot connect to PostgreSQL at {host}:{port} as {user}: {text.strip().splitlines()[-1]}"


def check_connection() -> tuple[bool, str]:
    import psycopg2

    host = os.environ.get("PGHOST", "127.0.0.1")
    port = int(os.environ.get("PGPORT", "5432"))
    user = os.environ.get("PGUSER", "postgres")
    database = os.environ.get("PGDATABASE", DATABASE)
    try:
        psycopg2.connect(
            host=host,
            port=port,
            user=user,
            password=os.environ.get("PGPASSWORD", ""),
            dbname=database,
            connect_timeout=5,
        ).close()
    except psycopg2.Error as error:
        return False, explain_connection_failure(host, port, user, database, error)
    return True, f"ok: connected to {database} at {host}:{port} as {user}"


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def state_file(state_dir: Path) -> Path:
    return state_dir / "state.json"


def command_start(state_dir: Path) -> int:
    state_dir.mkdir(parents=True, exist_ok=True)
    existing = server_from_environment()
    if existing and not port_open(existing.host, existing.port):
        # Typically the PG* variables of a throwaway server stopped earlier in the same shell.
        print(f"PGHOST is set, but nothing answers at {existing.host}:{existing.port}: starting a throwaway server")
        existing = None
    if existing:
        print(f"PGHOST is set: using the server at {existing.host}:{existing.port}, nothing started")
        info = existing
    else:
        if state_file(state_dir).exists():
            print(f"pg_server: a server is already recorded in {state_dir}; run stop first", file=sys.stderr)
            return 1
        info = start_server()
        print(f"started PostgreSQL on {info.host}:{info.port} (data in {info.data_dir})")
    write_private(state_file(state_dir), json.dumps(asdict(info)))
    write_private(state_dir / "env.sh", shell_exports(info.env()))
    print(f"connection settings: source {state_dir / 'env.sh'}")
    return 0


def command_stop(state_dir: Path) -> int:
    if not state_file(state_dir).exists():
        print("no server recorded; nothing to stop")
        return 0
    stop_server(ServerInfo(**json.loads(state_file(state_dir).read_text(encoding="utf-8"))))
    state_file(state_dir).unlink()
    (state_dir / "env.sh").unlink(missing_ok=True)
    print("stopped")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("start", "start a throwaway cluster and write env.sh"),
        ("stop", "stop the recorded cluster and delete its data"),
        ("check", "connect with the PG* variables and explain any failure in one line"),
    ):
        sub = commands.add_parser(name, help=help_text, description=help_text)
        if name != "check":
            sub.add_argument(
                "--state-dir",
                type=Path,
                default=Path("build/pg"),
                help="where state.json and env.sh live (default: build/pg)",
            )
    args = parser.parse_args(argv)
    try:
        if args.command == "start":
            return command_start(args.state_dir)
        if args.command == "stop":
            return command_stop(args.state_dir)
        ok, message = check_connection()
        print(message, file=sys.stdout if ok else sys.stderr)
        return 0 if ok else 1
    except ServerError as error:
        print(f"pg_server: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
