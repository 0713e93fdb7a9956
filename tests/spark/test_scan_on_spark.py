"""End-to-end scans with ``--engine spark`` (real Spark, real PostgreSQL, real S3 server):

- local[2]: a PostgreSQL database read through a role with a password and without the right
  to read one table; the CSV report equals the local engine's, the unreadable table is skipped
  with its reason (after Spark's retries) and the scan goes on, and the password appears
  nowhere: not in Spark's event log, stdout, stderr or the reports.
- the standalone cluster (a master, two workers): PostgreSQL, a Parquet lake in a local
  folder, the same lake on the S3 test server and a file folder in one scan, identical to the
  local engine's report.
"""

from __future__ import annotations

import csv
import io
import json
import secrets
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from .conftest import ROOT, cli_env, run_piscan
from .lakes import make_lake, upload

pytestmark = pytest.mark.postgres


def _sorted_csv(text: str) -> list[str]:
    lines = text.strip().splitlines()
    return [lines[0], *sorted(lines[1:])]


@pytest.fixture(scope="module")
def reader(pg_url: str, pg_admin: sa.Engine) -> Iterator[tuple[str, str]]:
    """(URL with a password, the password) of a role that may read every table but payments."""
    role, password = f"piscan_spark_{uuid.uuid4().hex[:8]}", "Pw-" + secrets.token_hex(10)
    database = sa.engine.make_url(pg_url).database
    engine = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with pg_admin.connect() as conn:
        conn.execute(sa.text(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'"))
    with engine.connect() as conn:
        conn.execute(sa.text(f'GRANT CONNECT ON DATABASE "{database}" TO {role}'))
        conn.execute(sa.text(f"GRANT USAGE ON SCHEMA public TO {role}"))
        conn.execute(sa.text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}"))
        conn.execute(sa.text(f"REVOKE SELECT ON payments FROM {role}"))
    url = sa.engine.make_url(pg_url).set(username=role, password=password)
    yield url.render_as_string(hide_password=False), password
    engine.dispose()
    with pg_admin.connect() as conn:
        conn.execute(sa.text(f'REVOKE ALL ON DATABASE "{database}" FROM {role}'))
        conn.execute(sa.text(f"DROP OWNED BY {role}"))  # no-op outside its database; grants below
    with sa.create_engine(pg_url, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(sa.text(f"DROP OWNED BY {role}"))
    with pg_admin.connect() as conn:
        conn.execute(sa.text(f"DROP ROLE IF EXISTS {role}"))


def test_postgresql_on_local_spark_matches_local_skips_the_unreadable_table_and_hides_the_password(
    reader: tuple[str, str], tmp_path: Path
) -> None:
    url, password = reader
    local = run_piscan("scan", url, "-q", "-f", "csv", "-o", str(tmp_path / "local.csv"))
    events = tmp_path / "events"
    events.mkdir()
    spark = run_piscan(
        "scan", url, "-q", "--engine", "spark", "--spark-master", "local[2]",
        "--spark-conf", "spark.eventLog.enabled=true", "--spark-conf", f"spark.eventLog.dir=file://{events}",
        "--spark-conf", "spark.eventLog.compress=false",  # plain text: the search below must mean something
        "-f", "csv", "-o", str(tmp_path / "spark.csv"), "-f", "json", "-o", str(tmp_path / "spark.json"),
    )
    assert spark.returncode == local.returncode == 1, spark.stderr[-3000:]
    local_csv, spark_csv = (tmp_path / "local.csv").read_text(), (tmp_path / "spark.csv").read_text()
    assert _sorted_csv(spark_csv) == _sorted_csv(local_csv)
    assert "public.customers.email" in spark_csv
    skipped = [line for line in spark.stderr.splitlines() if "skipped" in line and "payments" in line]
    assert skipped and "permission denied" in skipped[0], spark.stderr[-3000:]
    assert skipped == [ln for ln in local.stderr.splitlines() if "skipped" in ln and "payments" in ln]
    report = json.loads((tmp_path / "spark.json").read_text())
    assert report["settings"]["engine"] == "spark"
    assert report["settings"]["spark"]["master"].startswith("local[2")
    logs = list(events.rglob("*"))
    text = "".join(p.read_text(errors="replace") for p in logs if p.is_file())
    assert "piscan: table public.customers" in text  # the job descriptions are in the event log
    for where in (text, spark.stdout, spark.stderr, spark_csv, (tmp_path / "spark.json").read_text()):
        assert password not in where


@pytest.fixture(scope="module")
def lake_targets(tmp_path_factory: pytest.TempPathFactory, moto_endpoint: str) -> tuple[str, str, str]:
    """A local Parquet lake, the same lake on the S3 server, and a folder of files."""
    root = make_lake(tmp_path_factory.mktemp("lake"))
    s3 = upload(root, moto_endpoint, f"lake-{uuid.uuid4().hex[:8]}", "warehouse")
    folder = tmp_path_factory.mktemp("files")
    for name in ("customers.csv", "app.log"):
        source = next(ROOT.glob(f"examples/**/{name}"), None)
        if source is not None:
            shutil.copy(source, folder / name)
    (folder / "contacts.txt").write_text("Call Jane Miller at jane.miller@example.org or +1 415 555 0199.\n")
    return f"lake:{root}", f"lake:{s3}", str(folder)


def test_the_standalone_cluster_scans_postgresql_lakes_and_files_as_the_local_engine_does(
    cluster, pg_url: str, lake_targets: tuple[str, str, str], moto_endpoint: str, tmp_path: Path
) -> None:
    lake, s3_lake, folder = lake_targets
    s3 = {"PISCAN_S3_ENDPOINT": moto_endpoint, "AWS_ACCESS_KEY_ID": "testing"}
    s3["AWS_SECRET_ACCESS_KEY"] = "testing"
    env = cli_env(s3)
    targets = (pg_url, lake, s3_lake, folder)
    local = run_piscan("scan", *targets, "-q", "-f", "csv", env=env)
    executor_env = [arg for k, v in s3.items() for arg in ("--spark-conf", f"spark.executorEnv.{k}={v}")]
    spark = run_piscan(
        "scan", *targets, "-q", "-f", "csv", "--engine", "spark", "--spark-master", cluster.master,
        "--spark-conf", "spark.executor.memory=512m", *executor_env, env=env,
    )
    assert spark.returncode == local.returncode, spark.stderr[-3000:]
    assert _sorted_csv(spark.stdout) == _sorted_csv(local.stdout)
    rows = list(csv.DictReader(io.StringIO(spark.stdout)))
    sources = {r["source"] for r in rows}
    assert any(s.startswith("lake:s3://") for s in sources) and any(s.startswith("lake:/") for s in sources)
    located = {(r["source"].split(":", 1)[0], r["location"]) for r in rows}
    assert ("lake", "events.user#email") in located
    assert any(r["location"] == "public.customers.email" for r in rows)
    assert any(r["location"].startswith("contacts.txt") for r in rows)
    assert "AWS_SECRET_ACCESS_KEY" not in spark.stdout


def test_a_full_scan_split_into_key_ranges_on_spark_equals_the_local_engines(
    pg_url: str, tmp_path: Path
) -> None:
    with sa.create_engine(pg_url, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(sa.text("ANALYZE"))  # the planner's row estimates decide the split
    split = ("--full", "--unit-rows", "40")
    local = run_piscan("scan", pg_url, "-q", "-f", "csv", *split)
    events = tmp_path / "events"
    events.mkdir()
    spark = run_piscan(
        "scan", pg_url, "-q", "-f", "csv", *split, "--engine", "spark", "--spark-master", "local[2]",
        "--spark-conf", "spark.eventLog.enabled=true", "--spark-conf", f"spark.eventLog.dir=file://{events}",
        "--spark-conf", "spark.eventLog.compress=false",
    )
    assert spark.returncode == local.returncode, spark.stderr[-3000:]
    assert _sorted_csv(spark.stdout) == _sorted_csv(local.stdout)
    described = "".join(p.read_text(errors="replace") for p in events.rglob("*") if p.is_file())
    assert "piscan: table public.customers (key range 2/3)" in described  # one Spark job per range
