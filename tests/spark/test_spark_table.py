"""``spark-table:`` targets: tables of the session's Hive catalog (embedded Derby metastore,
local warehouse) read by Spark on local[2] and tallied in its Python workers. The report equals
the local engine's scan of the same part files as a ``lake:`` folder; a table Spark cannot read
is skipped with its reason after Spark's retries; passwords stay out of the event log."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from .catalog import conf
from .conftest import cli_env


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("catalog")
    run = subprocess.run(
        [sys.executable, "-m", "tests.spark.catalog", str(root)],
        cwd=root,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return root


def _piscan(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """The CLI run from ``cwd`` (Derby writes its derby.log there, not into the checkout)."""
    return subprocess.run(
        [sys.executable, "-m", "piscan", *args],
        cwd=cwd,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_a_catalog_database_scanned_on_spark_equals_its_files_scanned_as_a_lake(
    catalog: Path, tmp_path: Path
) -> None:
    events = tmp_path / "events"
    events.mkdir()
    settings = {
        **conf(catalog),
        "spark.eventLog.enabled": "true",
        "spark.eventLog.dir": f"file://{events}",
        "spark.eventLog.compress": "false",
        "spark.hadoop.javax.jdo.option.ConnectionPassword": "Metastore-Pw-31337",
    }
    spark_args = [a for k, v in settings.items() for a in ("--spark-conf", f"{k}={v}")]
    spark = _piscan(
        tmp_path,
        "scan",
        "spark-table:default",
        "-q",
        "-f",
        "csv",
        "--engine",
        "spark",
        "--spark-master",
        "local[2]",
        *spark_args,
    )
    lake = _piscan(tmp_path, "scan", f"lake:{catalog / 'warehouse'}", "-q", "-f", "csv")
    assert spark.returncode == lake.returncode == 0, spark.stderr[-3000:]  # every finding declared
    got, want = _rows(spark.stdout), _rows(lake.stdout)
    assert {r["source"] for r in got} == {"spark-table:default"}
    located = {(r["location"], r["entity"]) for r in got}
    assert ("default.events.user#email", "EMAIL_ADDRESS") in located
    assert ("default.customers.email", "EMAIL_ADDRESS") in located
    assert ("default.customers.phone", "PHONE_NUMBER") in located
    assert not any(r["location"].endswith((".status", ".amount", ".kind")) for r in got)

    def same(rows: list[dict[str, str]]) -> list[tuple]:  # the same files: only the names differ
        return sorted((r["location"].removeprefix("default."), *list(r.values())[2:]) for r in rows)

    assert same(got) == same(want)  # examples too: partials merge in part-file order, as a lake reads
    assert all(r["example"] for r in got if r["evidence"] != "name")
    skipped = [ln for ln in spark.stderr.splitlines() if "skipped" in ln and "broken" in ln]
    assert skipped and "failed on Spark after 3 attempts" in skipped[0], spark.stderr[-3000:]
    log = "".join(p.read_text(errors="replace") for p in events.rglob("*") if p.is_file())
    assert "piscan: catalog table default.customers" in log  # one described job per table
    for where in (log, spark.stdout, spark.stderr):
        assert "Metastore-Pw-31337" not in where


def test_one_table_a_selector_and_a_missing_table(catalog: Path, tmp_path: Path) -> None:
    spark_args = [a for k, v in conf(catalog).items() for a in ("--spark-conf", f"{k}={v}")]
    run = _piscan(
        tmp_path,
        "scan",
        "spark-table:default.customers",
        "spark-table:default.nope",
        "-q",
        "-f",
        "csv",
        "--exclude",
        "*.*.phone",
        "--engine",
        "spark",
        "--spark-master",
        "local[2]",
        *spark_args,
    )
    assert run.returncode == 2, run.stderr[-3000:]  # a target that cannot be opened wins
    rows = _rows(run.stdout)
    assert {r["location"] for r in rows} >= {"default.customers.email", "default.customers.full_name"}
    assert not any("phone" in r["location"] for r in rows)
    assert "spark-table:default.nope: no such table in the Spark catalog" in run.stderr


def test_without_the_spark_engine_a_catalog_target_says_so(tmp_path: Path) -> None:
    run = _piscan(tmp_path, "scan", "spark-table:default", "-q", "-f", "csv")
    assert run.returncode == 2
    assert "spark-table: targets are read by Spark: add --engine spark" in run.stderr
