"""The Spark engine's figures: Spark's fixed overhead on a small database against the local
engine, a 1M-row PostgreSQL table read --full by 1 and by 2 executors of a standalone cluster
(scaling efficiency), and a Parquet lake of 10M rows read --full. Prints a Markdown section.

    python -m benchmarks.spark [--rows 1000000] [--lake-rows 10000000] [--skip-lake]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

from benchmarks.perf import generate
from benchmarks.spark import lake
from benchmarks.spark.cluster import Cluster, spark_env

ROOT = Path(__file__).resolve().parents[2]
ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
SA = "postgresql+psycopg://postgres@127.0.0.1:5432/{}"


def _save(results: dict, out: Path) -> None:
    out.write_text(json.dumps(results, indent=1))


def scan(args: list[str], env: dict[str, str]) -> dict:
    """One ``piscan scan`` run: wall seconds, exit code, findings and rows read."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        started = time.perf_counter()
        command = [sys.executable, "-m", "piscan", "scan", *args, "-q", "-f", "json", "-o", out.name]
        run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600)
        wall = time.perf_counter() - started
        report = json.loads(Path(out.name).read_text() or "{}") if run.returncode in (0, 1, 3) else {}
    rows = sum(int(c.get("rows") or 0) for c in report.get("coverage", []) if "#" not in c["location"])
    findings = sorted((f["source"], f["location"], f["entity"]) for f in report.get("results", []))
    return {"wall": round(wall, 1), "code": run.returncode, "findings": findings, "rows": rows,
            "load": os.getloadavg()[0], "stderr": run.stderr[-400:] if run.returncode not in (0, 1) else ""}


def _small_db() -> str:
    import importlib.util

    name = "piscan_spark_small"
    generate.drop(ADMIN, name)
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    spec = importlib.util.spec_from_file_location("staging", ROOT / "examples" / "make_staging_db.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.build(SA.format(name))
    return SA.format(name)


def _big_db(rows: int) -> str:
    name = f"piscan_spark_{rows}"
    plan = generate.Plan(rows=rows, tables=0, small_scale=0)
    if generate.stored_plan(ADMIN, name) != plan.doc():
        cols = tuple(generate.spec(c) for c in generate.PERSONAL_COLUMNS)
        table = generate.Table("public", generate.PERSONAL_TABLE, rows, cols)
        generate.build(ADMIN, f"postgresql://postgres@127.0.0.1:5432/{name}", name, [table], plan)
    return SA.format(name)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.spark")
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--lake-rows", type=int, default=10_000_000)
    p.add_argument("--unit-rows", type=int, default=125_000)
    p.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "piscan-spark-bench")
    p.add_argument("--skip-lake", action="store_true")
    p.add_argument("--only", default="small,big,lake", help="scenario groups: small, big, lake")
    a = p.parse_args(argv)
    groups = set(a.only.split(",")) - ({"lake"} if a.skip_lake else set())
    a.work.mkdir(parents=True, exist_ok=True)
    env = spark_env(ROOT, a.work)
    results: dict[str, dict] = {"load_start": {"load": os.getloadavg()[0]}}
    small = _small_db() if "small" in groups else ""
    big = _big_db(a.rows) if "big" in groups else ""
    lake_root = a.work / f"lake-{a.lake_rows}"
    if "lake" in groups:
        lake.build(lake_root, a.lake_rows, part_rows=max(1, a.lake_rows // 4))
    out = a.work / f"results-{'-'.join(sorted(groups))}.json"
    local2 = ["--engine", "spark", "--spark-master", "local[2]"]
    if small:
        results["small_local"] = scan([small], env)
        _save(results, out)
        results["small_spark_local2"] = scan([small, *local2], env)
        _save(results, out)
    split = ["--full", "--unit-rows", str(a.unit_rows)]
    if big:
        results["big_local"] = scan([big, *split], env)
        _save(results, out)
    with Cluster(ROOT, a.work, workers=2) as cluster:
        on = ["--engine", "spark", "--spark-master", cluster.master]
        on += ["--spark-conf", "spark.executor.memory=1g"]
        if small:
            results["small_cluster2"] = scan([small, *on], env)
            _save(results, out)
        if big:
            results["big_cluster1"] = scan([big, *split, *on, "--spark-conf", "spark.cores.max=1"], env)
            _save(results, out)
            results["big_cluster2"] = scan([big, *split, *on, "--spark-conf", "spark.cores.max=2"], env)
            _save(results, out)
        if "lake" in groups:
            target = f"lake:{lake_root}"
            lake_split = ["--full", "--unit-rows", str(max(1, a.lake_rows // 4))]
            results["lake_cluster2"] = scan([target, *lake_split, *on], env)
            _save(results, out)
            results["lake_local"] = scan([target, *lake_split], env)
            _save(results, out)
    results["load_end"] = {"load": os.getloadavg()[0]}
    _save(results, out)
    for key, r in results.items():
        print(key, {k: v for k, v in r.items() if k != "findings"}, len(r.get("findings", [])), "findings")
    for spark, local in (("big_cluster1", "big_local"), ("big_cluster2", "big_local"),
                         ("small_spark_local2", "small_local"), ("small_cluster2", "small_local"),
                         ("lake_cluster2", "lake_local")):
        if spark in results and local in results:
            same = results[spark]["findings"] == results[local]["findings"] and results[local]["findings"]
            print(f"{spark} findings == {local} findings:", bool(same))
    print(f"results: {out}")
    return 0
