"""A Spark standalone cluster on 127.0.0.1 from pyspark's own jars: a master and N one-core
workers, for the benchmark (the tests have their own fixture, tests/spark/conftest.py)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spark_env(root: Path, work: Path) -> dict[str, str]:
    """The JVMs' (and so the Python workers') environment: this interpreter, this checkout."""
    import pyspark

    home = work / "spark-home"
    if not home.exists():  # pyspark's folder as a distribution: the launcher wants a RELEASE file
        home.mkdir(parents=True)
        for name in ("jars", "bin", "python"):
            (home / name).symlink_to(Path(pyspark.__file__).parent / name)
        (home / "RELEASE").write_text("pyspark\n")
    env = dict(os.environ, SPARK_HOME=str(home), SPARK_SCALA_VERSION="2.13", PYSPARK_PYTHON=sys.executable)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH", "")) if p)
    env["SPARK_LOCAL_IP"] = "127.0.0.1"
    env["SPARK_LOCAL_DIRS"] = str(work / "local")
    return env


class Cluster:
    """Started on entering, stopped on leaving."""

    def __init__(self, root: Path, work: Path, workers: int = 2, memory: str = "2g") -> None:
        self.env, self.work, self.workers, self.memory = spark_env(root, work), work, workers, memory
        self.procs: list[subprocess.Popen] = []
        self.port, self.web = _port(), _port()
        self.master = f"spark://127.0.0.1:{self.port}"

    def _java(self, name: str, *args: str) -> None:
        cp = str(Path(self.env["SPARK_HOME"]) / "jars" / "*")
        log = (self.work / f"{name}.log").open("wb")
        self.procs.append(
            subprocess.Popen(["java", "-Xmx512m", "-cp", cp, *args], env=self.env, stdout=log, stderr=log)
        )

    def alive(self) -> int:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.web}/json/", timeout=5) as answer:
                return int(json.load(answer).get("aliveworkers", 0))
        except OSError:
            return -1

    def __enter__(self) -> Cluster:
        self._java("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                   "--port", str(self.port), "--webui-port", str(self.web))
        self._wait(lambda: self.alive() >= 0)
        for n in range(self.workers):
            self._java(f"worker{n}", "org.apache.spark.deploy.worker.Worker", self.master, "--host",
                       "127.0.0.1", "--cores", "1", "--memory", self.memory, "--webui-port", str(_port()),
                       "--work-dir", str(self.work / f"worker{n}"))
        self._wait(lambda: self.alive() == self.workers)
        return self

    def _wait(self, ready) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if ready():
                return
            time.sleep(0.5)
        raise RuntimeError(f"the Spark cluster did not start: see {self.work}")

    def __exit__(self, *exc: object) -> None:
        for proc in reversed(self.procs):
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
