"""The standalone cluster fixture (a master and two workers from pyspark's launch classes) runs
units, a Python worker killed on a cluster executor is retried there, and so is a unit whose
whole executor JVM is killed while it runs (the worker starts a new executor; Spark reschedules)."""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import ROOT, cli_env


def _probe(master: str, modes: str) -> dict:
    run = subprocess.run(
        [sys.executable, "-m", "tests.spark.cluster_probe", master, modes],
        cwd=ROOT,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_the_cluster_runs_units_in_order_and_retries_a_killed_worker(cluster) -> None:
    assert cluster.alive_workers() == 2
    got = _probe(cluster.master, "ok,dies-once,fails,ok")["partials"]
    assert [g[1] for g in got] == [0, 1, 2, 3]
    assert got[1][0] == "ok" and got[1][3] >= 1  # its first attempt's Python worker died
    assert got[2][0] == "skipped" and got[2][2] == "unit 2 cannot be read"
    assert got[3][0] == "ok"


def test_a_unit_whose_executor_jvm_is_killed_is_rescheduled_and_the_run_finishes(cluster) -> None:
    got = _probe(cluster.master, "ok,kills-executor-once,ok,ok")["partials"]
    assert [g[:2] for g in got] == [["ok", 0], ["ok", 1], ["ok", 2], ["ok", 3]]
    assert got[1][3] >= 1  # attempt 0's executor was killed; a later attempt ran it to the end
    assert cluster.alive_workers() == 2  # the workers outlive their executors
