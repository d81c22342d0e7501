"""Start and stop a Spark standalone cluster on 127.0.0.1 that dbt reaches through the Thrift server.

    python scripts/spark_cluster.py start    # master, two workers, Thrift server; writes build/spark-cluster/env.sh
    python scripts/spark_cluster.py stop     # stops every process it started (keeps the warehouse)

Four JVMs from the pip `pyspark` distribution, each in its own process group: a standalone master, two
workers (one core each), and the Spark Thrift server (HiveServer2 protocol) as the cluster's driver, with
an embedded Hive metastore (Derby) and the warehouse under the state folder. Ports are free ones chosen at
start (`--thrift-port` to fix dbt's). Memory fits a 2-core, 24 GiB machine next to a DuckDB build: 512 MB
per master/worker daemon, 2 GB for the driver, 3 GB per executor (about 9.5 GB in all at most).
A failed start stops whatever it had started; `stop` ends each process group and waits until it is gone.
The Thrift server has no authentication and no access control: anyone who reaches the port reads and
writes every table, which is why everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

HOST = "127.0.0.1"
WORKERS = 2
DAEMON_MEMORY = "512m"
DRIVER_MEMORY = "2g"
EXECUTOR_MEMORY = "3g"
SHUFFLE_PARTITIONS = 4
# Generous: on a busy 2-core machine the Thrift server alone has taken over two minutes to listen.
START_TIMEOUT_S = 600.0
STOP_TIMEOUT_S = 60.0
THRIFT_SERVER_CLASS = "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2"
LLAP_STUB_SOURCE = Path(__file__).resolve().parent / "spark_stubs" / "LlapSigner.java"


class ClusterError(Exception):
    """Starting or stopping the cluster failed; the message is one line for a human."""


@dataclass
class Cluster:
    state_dir: str
    master_port: int
    master_ui_port: int
    thrift_port: int
    pids: dict[str, int]

    @property
    def warehouse_dir(self) -> Path:
        return Path(self.state_dir) / "warehouse"

    def env(self) -> dict[str, str]:
        """The variables the `spark_cluster` dbt target and the loader read."""
        return {
            "SPARK_HOST": HOST,
            "SPARK_PORT": str(self.thrift_port),
            "SPARK_USER": "dbt",
            "SPARK_MASTER_URL": f"spark://{HOST}:{self.master_port}",
            "SPARK_WAREHOUSE_DIR": str(self.warehouse_dir),
        }


def pyspark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).resolve().parent


def java_binary() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return str(Path(java_home) / "bin" / "java")
    found = shutil.which("java")
    if not found:
        raise ClusterError("java not found: install Java 17 (Debian package openjdk-17-jre-headless) or set JAVA_HOME")
    return found


def javac_binary() -> str:
    java = Path(java_binary()).resolve()
    beside_java = java.parent / "javac"
    found = str(beside_java) if beside_java.exists() else shutil.which("javac")
    if not found:
        raise ClusterError(
            f"javac not found beside {java}: install a Java 17 JDK (Debian package openjdk-17-jdk-headless) "
            "or set JAVA_HOME to one; the Thrift server needs a class compiled from scripts/spark_stubs"
        )
    return found


def compile_llap_stub(state_dir: Path) -> Path:
    """Compile the LlapSigner stand-in (scripts/spark_stubs/LlapSigner.java) into a class folder for the
    Thrift server's class path; returns that folder."""
    classes = state_dir.resolve() / "llap-stub"
    shutil.rmtree(classes, ignore_errors=True)
    result = subprocess.run(
        [javac_binary(), "--release", "17", "-d", str(classes), str(LLAP_STUB_SOURCE)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise ClusterError(f"javac could not compile {LLAP_STUB_SOURCE}: {detail[0] if detail else 'no output'}")
    return classes


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((HOST, port))
        except OSError:
            return True
    return False


def port_open(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=2):
            return True
    except OSError:
        return False


def alive(pgid: int) -> bool:
    """True while any process of the group runs. Zombies do not count: once a launching command has exited,
    nothing may reap its JVMs, and a zombie holds no port or memory."""
    proc = Path("/proc")
    if not proc.is_dir():
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        return True
    for stat in proc.glob("[0-9]*/stat"):
        try:
            # pid (comm) state ppid pgrp ...: comm may hold spaces, so split after its closing parenthesis.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def wait_for(
    condition: Callable[[], bool], what: str, pids: dict[str, int], logs: Path, timeout_s: float = START_TIMEOUT_S
) -> None:
    """Poll `condition` until true; fail at once when a started process died, or after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        for name, pid in pids.items():
            if not _process_running(pid):
                raise ClusterError(f"{name} exited while waiting for {what} (see {logs / (name + '.log')})")
        if time.monotonic() > deadline:
            raise ClusterError(f"gave up after {timeout_s:.0f}s waiting for {what} (logs in {logs})")
        time.sleep(0.5)


def _process_running(pid: int) -> bool:
    """True while the process runs; reaps it when it is our child and has exited."""
    try:
        finished, _ = os.waitpid(pid, os.WNOHANG)
        if finished == pid:
            return False
    except ChildProcessError:
        pass
    return alive(pid)


def alive_workers(ui_port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://{HOST}:{ui_port}/json/", timeout=2) as response:
            return int(json.load(response).get("aliveworkers", 0))
    except (OSError, ValueError, urllib.error.URLError):
        return 0


def launch(name: str, command: list[str], env: dict[str, str], logs: Path) -> int:
    """Start `command` in a process group of its own (so stop can end its JVM and any child); returns the pid."""
    with (logs / f"{name}.log").open("ab") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, start_new_session=True
        )
    return process.pid


def spark_env(state_dir: Path, daemon_memory: str = DAEMON_MEMORY) -> dict[str, str]:
    """Spark's launcher reads these; it sizes the Thrift server's JVM from SPARK_DAEMON_MEMORY too."""
    state = state_dir.resolve()
    return {
        **os.environ,
        "SPARK_HOME": str(pyspark_home()),
        "SPARK_LOCAL_IP": HOST,
        "SPARK_LOG_DIR": str(state / "logs"),
        "SPARK_DAEMON_MEMORY": daemon_memory,
        "SPARK_CONF_DIR": str(state / "conf"),
        # The master's REST submission server would listen on the fixed port 6066: not needed here.
        "SPARK_MASTER_OPTS": "-Dspark.master.rest.enabled=false",
        "PYSPARK_PYTHON": sys.executable,
    }


def thrift_command(state_dir: Path, cluster: Cluster, executor_memory: str, llap_stub: Path) -> list[str]:
    state = state_dir.resolve()
    confs = {
        # Closing a session can initialise Hive's FunctionRegistry, which needs classes pip pyspark lacks.
        "spark.driver.extraClassPath": str(llap_stub),
        "spark.master": f"spark://{HOST}:{cluster.master_port}",
        "spark.driver.host": HOST,
        "spark.driver.bindAddress": HOST,
        "spark.executor.memory": executor_memory,
        "spark.executor.cores": "1",
        "spark.cores.max": str(WORKERS),
        "spark.sql.shuffle.partitions": str(SHUFFLE_PARTITIONS),
        # Every executor reads the same local disk: waiting up to 3 s for a "local" one only delays tasks.
        "spark.locality.wait": "0s",
        "spark.sql.session.timeZone": "UTC",
        "spark.ui.enabled": "false",
        "spark.sql.warehouse.dir": str(state / "warehouse"),
        # The embedded Hive metastore: Derby files beside the warehouse, never in the working directory.
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={state}",
        "spark.hadoop.javax.jdo.option.ConnectionURL": f"jdbc:derby:;databaseName={state / 'metastore_db'};create=true",
        "spark.local.dir": str(state / "tmp"),
    }
    command = [
        str(pyspark_home() / "bin" / "spark-submit"),
        "--class",
        THRIFT_SERVER_CLASS,
        "--name",
        "ecommerce-thrift",
    ]
    for key, value in confs.items():
        command += ["--conf", f"{key}={value}"]
    command += [
        "spark-internal",
        "--hiveconf",
        f"hive.server2.thrift.port={cluster.thrift_port}",
        "--hiveconf",
        f"hive.server2.thrift.bind.host={HOST}",
    ]
    return command


def chosen_port(requested: int, what: str) -> int:
    if requested == 0:
        return free_port()
    if port_in_use(requested):
        raise ClusterError(f"port {requested} on {HOST} is taken ({what}); stop what holds it or choose another port")
    return requested


def start(state_dir: Path, thrift_port: int = 0, executor_memory: str = EXECUTOR_MEMORY) -> Cluster:
    """Start the cluster and wait until the workers registered and the Thrift server listens."""
    java_binary()
    javac_binary()  # before any process starts: a missing JDK is one line, not a half-started cluster
    if state_file(state_dir).exists():
        recorded = read_state(state_dir)
        if any(alive(pid) for pid in recorded.pids.values()):
            raise ClusterError(f"a cluster is already running from {state_dir}; run `make spark-down` first")
        state_file(state_dir).unlink()
    (state_dir / "env.sh").unlink(missing_ok=True)  # settings of an earlier cluster would point nowhere
    for folder in ("logs", "conf", "work", "tmp", "warehouse"):
        (state_dir / folder).mkdir(parents=True, exist_ok=True)
    logs = state_dir / "logs"
    cluster = Cluster(str(state_dir.resolve()), free_port(), free_port(), chosen_port(thrift_port, "--thrift-port"), {})
    env = spark_env(state_dir)
    spark_class = str(pyspark_home() / "bin" / "spark-class")
    try:
        cluster.pids["master"] = launch(
            "master",
            [
                spark_class,
                "org.apache.spark.deploy.master.Master",
                "--host",
                HOST,
                "--port",
                str(cluster.master_port),
                "--webui-port",
                str(cluster.master_ui_port),
            ],
            env,
            logs,
        )
        write_state(state_dir, cluster)  # recorded at once, so `stop` finds even a half-started cluster
        wait_for(
            lambda: port_open(cluster.master_port) and port_open(cluster.master_ui_port),
            f"the master on port {cluster.master_port}",
            cluster.pids,
            logs,
        )
        for number in range(1, WORKERS + 1):
            cluster.pids[f"worker{number}"] = launch(
                f"worker{number}",
                [
                    spark_class,
                    "org.apache.spark.deploy.worker.Worker",
                    f"spark://{HOST}:{cluster.master_port}",
                    "--host",
                    HOST,
                    "--webui-port",
                    str(free_port()),
                    "--cores",
                    "1",
                    "--memory",
                    executor_memory,
                    "--work-dir",
                    str(state_dir.resolve() / "work" / f"worker{number}"),
                ],
                env,
                logs,
            )
            write_state(state_dir, cluster)
        wait_for(
            lambda: alive_workers(cluster.master_ui_port) >= WORKERS,
            f"{WORKERS} workers to register with the master",
            cluster.pids,
            logs,
        )
        llap_stub = compile_llap_stub(state_dir)
        cluster.pids["thrift"] = launch(
            "thrift",
            thrift_command(state_dir, cluster, executor_memory, llap_stub),
            spark_env(state_dir, DRIVER_MEMORY),
            logs,
        )
        write_state(state_dir, cluster)
        wait_for(
            lambda: port_open(cluster.thrift_port),
            f"the Thrift server on port {cluster.thrift_port}",
            cluster.pids,
            logs,
        )
    except BaseException:
        stop_processes(cluster.pids)
        state_file(state_dir).unlink(missing_ok=True)
        raise
    write_env_file(state_dir, cluster)
    return cluster


def stop_processes(pids: dict[str, int], timeout_s: float = STOP_TIMEOUT_S) -> None:
    """SIGTERM every process group (Thrift server first, master last), then SIGKILL what is left."""
    for pid in reversed(list(pids.values())):
        signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while any(_process_running(pid) for pid in pids.values()):
        if time.monotonic() > deadline:
            for pid in pids.values():
                signal_group(pid, signal.SIGKILL)
            wait_for_exit(pids, timeout_s)
            return
        time.sleep(0.2)


def signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        pass


def wait_for_exit(pids: dict[str, int], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while any(_process_running(pid) for pid in pids.values()):
        if time.monotonic() > deadline:
            left = [name for name, pid in pids.items() if _process_running(pid)]
            raise ClusterError(f"{', '.join(left)} still running after SIGKILL; check with ps")
        time.sleep(0.2)


def stop(state_dir: Path) -> bool:
    """Stop the recorded cluster; False when none was recorded."""
    if not state_file(state_dir).exists():
        return False
    stop_processes(read_state(state_dir).pids)
    state_file(state_dir).unlink()
    (state_dir / "env.sh").unlink(missing_ok=True)
    return True


def state_file(state_dir: Path) -> Path:
    return state_dir / "cluster.json"


def read_state(state_dir: Path) -> Cluster:
    return Cluster(**json.loads(state_file(state_dir).read_text(encoding="utf-8")))


def write_state(state_dir: Path, cluster: Cluster) -> None:
    state_file(state_dir).write_text(json.dumps(asdict(cluster)), encoding="utf-8")


def write_env_file(state_dir: Path, cluster: Cluster) -> Path:
    # Nothing secret today (the Thrift server has no password), but the file is private like build/pg/env.sh.
    path = state_dir / "env.sh"
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write("".join(f"export {name}={shlex.quote(value)}\n" for name, value in cluster.env().items()))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[1:]),
    )
    commands = parser.add_subparsers(dest="command", required=True)
    start_parser = commands.add_parser("start", help="start master, workers and Thrift server; write env.sh")
    start_parser.add_argument(
        "--thrift-port", type=int, default=0, help="port of the Thrift server dbt connects to (default: a free one)"
    )
    start_parser.add_argument(
        "--executor-memory",
        default=EXECUTOR_MEMORY,
        help=f"memory per worker and executor (default: {EXECUTOR_MEMORY})",
    )
    commands.add_parser("stop", help="stop every process of the recorded cluster (keeps the warehouse)")
    for sub in commands.choices.values():
        sub.add_argument(
            "--state-dir",
            type=Path,
            default=Path("build/spark-cluster"),
            help="warehouse, metastore, logs, cluster.json and env.sh (default: build/spark-cluster)",
        )
    args = parser.parse_args(argv)
    try:
        if args.command == "start":
            cluster = start(args.state_dir, args.thrift_port, args.executor_memory)
            print(
                f"Spark cluster up: master spark://{HOST}:{cluster.master_port}, {WORKERS} workers, Thrift server "
                f"on {HOST}:{cluster.thrift_port}; connection settings: source {args.state_dir / 'env.sh'}"
            )
            return 0
        print("stopped" if stop(args.state_dir) else "no cluster recorded; nothing to stop")
        return 0
    except ClusterError as error:
        print(f"spark_cluster: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("spark_cluster: interrupted; everything it had started is stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
