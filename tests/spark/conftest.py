"""Real Spark for the engine's tests: a ``local[2]`` session in this process, and a standalone
cluster (a master and two one-core workers started from pyspark's own launch classes on
127.0.0.1) that CLI scans connect to with ``--spark-master``. Both torn down at the end.

Without pyspark or Java a test skips on a laptop and fails under CI (CI=true).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def unavailable(what: str) -> None:
    """Skip on a laptop, fail in CI."""
    if os.environ.get("CI") == "true":
        pytest.fail(what)
    pytest.skip(what)


def spark_home() -> Path:
    """pyspark's own folder: its jars/ and bin/ are a Spark distribution."""
    spec = importlib.util.find_spec("pyspark")
    if spec is None or spec.origin is None:
        unavailable("pyspark is not installed (pip install 'piscan-inventory[spark]')")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        unavailable("Java 17 is not installed")
    return Path(spec.origin).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker_env() -> dict[str, str]:
    """The environment of Spark's JVMs and so of their Python workers: this interpreter, and
    piscan importable from this checkout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env["PYSPARK_PYTHON"] = sys.executable
    env["SPARK_HOME"] = str(spark_home())
    return env


@pytest.fixture(scope="session")
def spark() -> Iterator[object]:
    """A local[2] SparkSession (tasks retried up to 3 times, like a cluster), for this process."""
    spark_home()
    os.environ["PYTHONPATH"] = worker_env()["PYTHONPATH"]
    from piscan.run.clusterconf import SparkSettings
    from piscan.run.spark import build_session

    session = build_session(SparkSettings("local[2]"))
    yield session
    session.stop()


@dataclass
class Cluster:
    """A running standalone cluster: its master URL and the processes to stop."""

    master: str
    web: str
    procs: list[subprocess.Popen]
    work: Path

    def alive_workers(self) -> int:
        with urllib.request.urlopen(f"{self.web}/json/", timeout=5) as answer:
            return int(json.load(answer).get("aliveworkers", 0))


def _java(env: dict[str, str], *args: str, log: Path) -> subprocess.Popen:
    classpath = str(Path(env["SPARK_HOME"]) / "jars" / "*")
    out = log.open("wb")
    return subprocess.Popen(
        ["java", "-Xmx512m", "-cp", classpath, *args], env=env, stdout=out, stderr=subprocess.STDOUT
    )


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A Spark standalone master and two workers (1 core, 1 GiB each) on 127.0.0.1."""
    env = worker_env()
    work = tmp_path_factory.mktemp("spark-cluster")
    env["SPARK_HOME"] = str(_distribution(Path(env["SPARK_HOME"]), work / "spark-home"))
    env["SPARK_SCALA_VERSION"] = "2.13"  # the launcher otherwise looks for a build tree
    env["SPARK_LOCAL_DIRS"] = str(work / "local")
    env["SPARK_LOCAL_IP"] = "127.0.0.1"
    port, web = free_port(), free_port()
    master_cls = "org.apache.spark.deploy.master.Master"
    procs = [
        _java(
            env,
            master_cls,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--webui-port",
            str(web),
            log=work / "master.log",
        )
    ]
    master = f"spark://127.0.0.1:{port}"
    found = Cluster(master, f"http://127.0.0.1:{web}", procs, work)
    try:
        _wait(lambda: _answers(found), 60, "the Spark master did not start", found)
        for n in range(2):
            procs.append(
                _java(
                    env,
                    "org.apache.spark.deploy.worker.Worker",
                    master,
                    "--host",
                    "127.0.0.1",
                    "--cores",
                    "1",
                    "--memory",
                    "1g",
                    "--webui-port",
                    str(free_port()),
                    "--work-dir",
                    str(work / f"worker{n}"),
                    log=work / f"worker{n}.log",
                )
            )
        _wait(lambda: found.alive_workers() == 2, 90, "the Spark workers did not register", found)
        yield found
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()


def _distribution(pyspark: Path, home: Path) -> Path:
    """pyspark's folder seen as a Spark distribution: a worker's launcher looks for a RELEASE
    file to take jars/ from SPARK_HOME (a pip install has none)."""
    home.mkdir()
    for name in ("jars", "bin", "sbin", "python"):
        if (pyspark / name).exists():
            (home / name).symlink_to(pyspark / name)
    (home / "RELEASE").write_text("Spark from pyspark (piscan's test cluster)\n")
    return home


def _answers(cluster: Cluster) -> bool:
    try:
        cluster.alive_workers()
    except OSError:
        return False
    return True


def _wait(ready, seconds: float, message: str, cluster: Cluster) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in cluster.procs):
            break
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(0.5)
    logs = "; ".join(f"{p.name}: {p.read_text()[-300:]}" for p in cluster.work.glob("*.log"))
    unavailable(f"{message}: {logs}")


def cli_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a ``piscan`` subprocess scanning on Spark."""
    env = worker_env()
    env.pop("SPARK_REMOTE", None)
    env.update(extra or {})
    return env


def run_piscan(
    *args: str, env: dict[str, str] | None = None, timeout: float = 900
) -> subprocess.CompletedProcess:
    """``python -m piscan`` from this checkout, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "piscan", *args],
        cwd=ROOT,
        env=env or cli_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


from shares.conftest import moto_endpoint  # noqa: E402,F401 - the S3 test server, for the lake on S3


@dataclass
class Connect:
    """A running Spark Connect server: the ``sc://`` URL clients use, and its event log folder."""

    remote: str
    events: Path
    proc: subprocess.Popen


@pytest.fixture(scope="session")
def connect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Connect]:
    """A Spark Connect server (pyspark's own SparkConnectServer, local[2], tasks tried 3 times)
    on 127.0.0.1, started with spark-submit; skipped without the Connect client's packages."""
    for module in ("grpc", "grpc_status", "google.rpc", "zstandard"):
        if importlib.util.find_spec(module.split(".")[0]) is None:
            unavailable(f"Spark Connect's client needs {module} (pip install 'piscan-inventory[spark]')")
    env = worker_env()
    work = tmp_path_factory.mktemp("spark-connect")
    home = _distribution(Path(env["SPARK_HOME"]), work / "spark-home")
    env.update(SPARK_HOME=str(home), SPARK_LOCAL_IP="127.0.0.1", SPARK_LOCAL_DIRS=str(work / "local"))
    events = work / "events"
    events.mkdir()
    port = free_port()
    conf = {
        "spark.connect.grpc.binding.address": "127.0.0.1",
        "spark.connect.grpc.binding.port": str(port),
        "spark.eventLog.enabled": "true",
        "spark.eventLog.dir": f"file://{events}",
        "spark.eventLog.compress": "false",
        "spark.ui.enabled": "false",
    }
    args = [a for k, v in conf.items() for a in ("--conf", f"{k}={v}")]
    log = (work / "server.log").open("wb")
    proc = subprocess.Popen(
        [
            str(home / "bin" / "spark-submit"),
            "--master",
            "local[2,3]",
            "--class",
            "org.apache.spark.sql.connect.service.SparkConnectServer",
            *args,
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=work,
    )
    try:
        deadline = time.monotonic() + 180
        while "Spark Connect server started" not in (work / "server.log").read_text(errors="replace"):
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = (work / "server.log").read_text(errors="replace")[-500:]
                unavailable(f"the Spark Connect server did not start: {tail}")
            time.sleep(0.5)
        yield Connect(f"sc://127.0.0.1:{port}", events, proc)
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
