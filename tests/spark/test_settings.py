"""``--engine spark`` settings: master and passed-through conf from the command line and
piscan.toml, secrets never shown, and one clear line (exit 2) when Java is missing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from piscan.run.clusterconf import SparkSettings, redact_conf

from .conftest import ROOT


def test_secret_named_settings_and_url_passwords_are_hidden() -> None:
    conf = {
        "spark.hadoop.fs.s3a.secret.key": "abc",
        "spark.executorEnv.PISCAN_DB_PASSWORD": "pw",
        "spark.executorEnv.AWS_ACCESS_KEY_ID": "AKIA",
        "spark.sql.warehouse.dir": "s3://u:pw2@bucket/wh",
        "spark.executor.memory": "4g",
    }
    shown = redact_conf(conf)
    assert shown["spark.hadoop.fs.s3a.secret.key"] == shown["spark.executorEnv.PISCAN_DB_PASSWORD"] == "***"
    assert shown["spark.executorEnv.AWS_ACCESS_KEY_ID"] == "***"
    assert "pw2" not in shown["spark.sql.warehouse.dir"] and shown["spark.executor.memory"] == "4g"
    public = SparkSettings("spark://admin:hunter2@head:7077", tuple(conf.items())).public()
    assert "hunter2" not in str(public) and "abc" not in str(public)


def test_the_master_falls_back_to_spark_remote_then_local(monkeypatch) -> None:
    monkeypatch.delenv("SPARK_REMOTE", raising=False)
    assert SparkSettings().resolved_master() == "local[*]"
    monkeypatch.setenv("SPARK_REMOTE", "sc://connect:15002")
    assert SparkSettings().resolved_master() == "sc://connect:15002" and SparkSettings().connect()
    assert SparkSettings("spark://head:7077").resolved_master() == "spark://head:7077"


def test_show_settings_merges_the_config_table_with_spark_conf_options(
    cli, tmp_path: Path, monkeypatch
) -> None:
    (tmp_path / "piscan.toml").write_text(
        'engine = "spark"\nspark_master = "spark://head:7077"\n'
        'spark_conf = {"spark.executor.memory" = "4g", "spark.hadoop.fs.s3a.secret.key" = "abc"}\n'
    )
    monkeypatch.chdir(tmp_path)
    run = cli("scan", "x.sqlite", "--show-settings", "--spark-conf", "spark.executor.cores=2")
    assert run.code == 0, run
    assert 'engine = "spark"' in run.stdout and 'spark_master = "spark://head:7077"' in run.stdout
    line = next(ln for ln in run.stdout.splitlines() if ln.startswith("spark_conf"))
    assert '"spark.executor.memory" = "4g"' in line and '"spark.executor.cores" = "2"' in line
    assert "abc" not in run.stdout and "***" in line


def test_a_bad_spark_conf_or_engine_is_one_line_and_exit_2(cli) -> None:
    run = cli("scan", "examples/staging.sqlite", "--spark-conf", "no-equals-sign")
    assert run.code == 2 and "--spark-conf takes KEY=VALUE" in run.stderr
    run = cli("scan", "examples/staging.sqlite", "--engine", "sparkle")
    assert run.code == 2 and "unknown engine 'sparkle'" in run.stderr


def test_without_java_the_spark_engine_says_so_in_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env.update(PATH=str(tmp_path), PYTHONPATH=str(ROOT))  # no java on this PATH
    run = subprocess.run(
        [sys.executable, "-m", "piscan", "scan", str(ROOT / "examples/staging.sqlite"), "--engine", "spark"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 2
    (line,) = run.stderr.strip().splitlines()
    assert line.startswith("piscan: error: --engine spark needs Java 17 (java on PATH or JAVA_HOME)")
