"""Spark Connect: ``SPARK_REMOTE=sc://...`` runs the scan's units in a Connect server's Python
workers (one-row DataFrames through mapInArrow: Connect has no SparkContext and no RDDs). The
report equals the local engine's; the database password reaches neither the server's event log
nor the output; a server that does not answer is one line and exit 2."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from .conftest import cli_env, free_port, run_piscan
from .lakes import make_lake
from .test_scan_on_spark import _sorted_csv

pytestmark = pytest.mark.postgres
PASSWORD = "Connect-Pw-4242"  # trust authentication ignores it; it travels with the URL anyway


def test_a_scan_over_spark_connect_equals_the_local_engines(connect_server, pg_url: str, tmp_path) -> None:
    url = sa.engine.make_url(pg_url).set(password=PASSWORD).render_as_string(hide_password=False)
    lake = f"lake:{make_lake(tmp_path / 'lake', rows_per_part=300, parts=2)}"
    local = run_piscan("scan", url, lake, "-q", "-f", "csv")
    remote = cli_env({"SPARK_REMOTE": connect_server.remote})
    spark = run_piscan("scan", url, lake, "-q", "-f", "csv", "--engine", "spark", env=remote)
    assert spark.returncode == local.returncode, spark.stderr[-3000:]
    assert _sorted_csv(spark.stdout) == _sorted_csv(local.stdout)
    assert "public.customers.email" in spark.stdout and "events.user#email" in spark.stdout
    log = "".join(p.read_text(errors="replace") for p in connect_server.events.rglob("*") if p.is_file())
    assert "SparkListenerJobStart" in log  # the units ran on the server
    for where in (log, spark.stdout, spark.stderr):
        assert PASSWORD not in where


def test_a_connect_server_that_does_not_answer_is_one_line() -> None:
    closed = free_port()  # nothing listens there
    remote = cli_env({"SPARK_REMOTE": f"sc://127.0.0.1:{closed}/;token=Tok-Secret-77"})
    run = run_piscan("scan", "examples/staging.sqlite", "--engine", "spark", "-q", env=remote, timeout=120)
    assert run.returncode == 2
    (line,) = run.stderr.strip().splitlines()
    address = f"sc://127.0.0.1:{closed}/"
    assert line == f"piscan: error: cannot reach Spark Connect at {address}: Connection refused"
