"""`make bi` / `make bi-down` / `make bi-export`: Apache Superset on the marts, with the project's dashboard.

python -m bi.superset_cli up [--port N]    # venv if needed, start on 127.0.0.1, register marts, load dashboard
python -m bi.superset_cli down             # stop it
python -m bi.superset_cli export           # the dashboard as Superset holds it now -> bi/superset/dashboard/
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bi.load_dashboard import DEFAULT_MANIFEST, Connection, LoadError, load, marts_connection
from bi.superset_api import SupersetApi, SupersetApiError
from bi.superset_bundle import BUNDLE, BundleError, normalise, read_zip, write_bundle
from bi.superset_env import ADMIN_USER, DEFAULT_STATE, DEFAULT_VENV, Superset, SupersetError, choose_port, new_password
from scripts import progress


@dataclass
class Running:
    """A started Superset with the dashboard loaded: what a person (or a test) needs to open it."""

    url: str
    dashboard_url: str
    username: str
    password: str
    marts: str
    setup_s: float
    start_s: float
    load_s: float


def bring_up(
    superset: Superset,
    port: int | None,
    manifest: Path = DEFAULT_MANIFEST,
    connection: Connection | None = None,
    bundle: Path = BUNDLE,
) -> Running:
    """Set up (venv, metadata DB, admin with a new password), start, and load the dashboard.

    Stops the server again if loading fails, so a failed `make bi` leaves nothing running.
    """
    # Fail fast (already running, missing serving file, port in use) before the slow steps.
    if superset.running_pid():
        raise SupersetError(f"Superset is already running (pid {superset.running_pid()}): `make bi-down` first")
    connection = connection or marts_connection()
    port = choose_port(port)
    password = new_password()
    began = time.monotonic()
    steps = progress.bar(3, "make bi: install, set up, start", unit="step")
    superset.ensure_venv()
    steps.update()
    superset.prepare(password)
    prepared = time.monotonic()
    steps.update()
    url = superset.start(port)
    started = time.monotonic()
    steps.close()
    try:
        api = SupersetApi(url, ADMIN_USER, password)
        path = load(api, connection, manifest_path=manifest, bundle_path=bundle)
    except BaseException:
        superset.stop()
        raise
    return Running(
        url,
        url + path,
        ADMIN_USER,
        password,
        connection.label,
        prepared - began,
        started - prepared,
        time.monotonic() - started,
    )


def export(superset: Superset, bundle: Path = BUNDLE) -> list[str]:
    """Write Superset's export of its dashboards into the bundle folder; return the dbt rules it breaks.

    The files are written even when a rule breaks, so `git diff` shows the edit; the test suite fails until
    the dashboard keeps the rules again (bi/dashboard_rules.py).
    """
    with tempfile.TemporaryDirectory() as folder:
        exported = Path(folder) / "export.zip"
        superset.export_dashboards(exported)
        write_bundle(normalise(read_zip(exported.read_bytes())), bundle)
    checked = superset.python("-m", "bi.dashboard_rules", "--bundle", str(bundle))
    return [line for line in checked.stderr.splitlines() if line.strip()] if checked.returncode else []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["up", "down", "export"])
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ["SUPERSET_PORT"]) if os.environ.get("SUPERSET_PORT") else None,
        help="port on 127.0.0.1 (default: $SUPERSET_PORT, else 8088 if free, else any free port)",
    )
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV, help="Superset's own venv (default %(default)s)")
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=DEFAULT_STATE,
        help="generated config, metadata DB, log and pid (default %(default)s)",
    )
    parser.add_argument(
        "--manifest",
        type=Path,
        default=DEFAULT_MANIFEST,
        help="dbt manifest with the marts' descriptions (default %(default)s)",
    )
    parser.add_argument(
        "--bundle", type=Path, default=BUNDLE, help="the dashboard in Superset's export format (default %(default)s)"
    )
    args = parser.parse_args(argv)
    superset = Superset(venv=args.venv, state=args.state_dir)
    try:
        if args.command == "down":
            print("Superset stopped." if superset.stop() else "Superset was not running.")
            return 0
        if args.command == "export":
            broken = export(superset, args.bundle)
            print(f"Exported the dashboard into {args.bundle}: review and commit it with git.")
            for line in broken:
                print(f"error: {line}", file=sys.stderr)
            return 1 if broken else 0
        print("Setting up Superset (the first run installs it into its own venv: a few minutes)...", flush=True)
        running = bring_up(superset, args.port, args.manifest, bundle=args.bundle)
    except (SupersetError, SupersetApiError, LoadError, BundleError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(
        f"Superset is up: {running.dashboard_url}\n"
        f"  user {running.username}, password {running.password}  (new on every `make bi`; not stored)\n"
        f"  marts: {running.marts}\n"
        f"  took {running.setup_s:.0f} s to set up, {running.start_s:.0f} s to start, {running.load_s:.0f} s to load\n"
        f"  log: {superset.log_file}   stop with: make bi-down"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
