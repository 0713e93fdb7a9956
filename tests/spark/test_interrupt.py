"""Ctrl-C during a Spark scan: the running jobs are cancelled, the report holds the tables that
had finished, and the exit code is 130, as with the local engine."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa
from conftest import EXAMPLES, _running, new_pg_database

from .conftest import ROOT, cli_env

pytestmark = pytest.mark.postgres


def test_ctrl_c_on_spark_keeps_the_finished_tables_and_exits_130(pg_admin: sa.Engine) -> None:
    url, drop = new_pg_database(pg_admin)
    try:
        EXAMPLES.build(url)
        with sa.create_engine(url).begin() as conn:  # read last, slowly: 120 rows, half a second each
            conn.execute(sa.text(
                "CREATE FUNCTION slow_email(text) RETURNS text AS 'SELECT pg_sleep(0.5); SELECT $1'"
                " LANGUAGE sql VOLATILE"
            ))
            conn.execute(sa.text("CREATE VIEW zz_slow AS SELECT slow_email(email) AS email FROM customers"))
        args = ["scan", url, "--engine", "spark", "--spark-master", "local[2]", "--views", "--timeout", "600"]
        proc = subprocess.Popen(
            [sys.executable, "-m", "piscan", *args, "-q", "-f", "csv"], cwd=ROOT, env=cli_env(),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        try:
            deadline = time.monotonic() + 400
            while not _running(pg_admin, sa.make_url(url).database, "zz_slow"):
                assert proc.poll() is None, proc.communicate()
                assert time.monotonic() < deadline, "the scan never reached the slow view"
                time.sleep(0.5)
            time.sleep(2)
            proc.send_signal(signal.SIGINT)
            stdout, stderr = proc.communicate(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        assert proc.returncode == 130, stderr[-2000:]
        assert "public.customers.email" in stdout  # finished before Ctrl-C: kept
        assert "zz_slow" not in stdout
        assert "interrupted" in stderr and "read 9 of 10 tables" in stderr
    finally:
        drop()
