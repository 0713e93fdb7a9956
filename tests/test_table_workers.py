"""Tables scanned in worker processes give the same report as one process (piscan.parallel)."""

from __future__ import annotations

import json
import struct

import sqlalchemy as sa

from tests.conftest import interrupt_scan, new_pg_database


def _results(cli, url: str, jobs: str) -> tuple[list, list]:
    args = ("-f", "json", "-q", "--fail-on", "never", "--max-cell-chars", "100", "--jobs", jobs)
    run = cli("scan", url, *args)
    assert run.code == 0, run
    doc = json.loads(run.stdout)
    results = sorted(
        (r["location"], r["entity"], r["matches"], r["sampled"], r["evidence"]) for r in doc["results"]
    )
    coverage = sorted((c["location"], c["rows"], c["sampled"]) for c in doc["coverage"])
    return results, coverage


def test_workers_read_tables_as_one_process_does(cli, pg_admin) -> None:
    url, drop = new_pg_database(pg_admin)
    try:
        engine = sa.create_engine(url)
        blob = struct.pack("<20000f", *([0.125] * 20000))  # 80 kB of float32: an embedding's head
        with engine.begin() as conn:
            for t in range(10):
                conn.execute(sa.text(f"CREATE TABLE t{t} (id int, email text, face_embedding bytea)"))
                conn.execute(
                    sa.text(
                        f"INSERT INTO t{t} SELECT i, 'u' || i || '@example.com', :blob"
                        " FROM generate_series(1, 60) i"
                    ),
                    {"blob": blob},
                )
        engine.dispose()
        one = _results(cli, url, "1")
        two = _results(cli, url, "2")
        assert one == two
        found = {(loc, entity): evidence for loc, entity, _, _, evidence in one[0]}
        assert found[("public.t3.email", "EMAIL_ADDRESS")] == "value+name"
        # binary cells are cut to their head by the database in workers too, so the head reads
        # as a float vector: the values confirm the name
        assert found[("public.t3.face_embedding", "FACE_TEMPLATE")] == "value+name"
        assert len(one[1]) == 30
    finally:
        drop()


def test_ctrl_c_keeps_tables_finished_behind_a_slow_one(pg_admin) -> None:
    statements = ["CREATE VIEW aa_slow AS SELECT pg_sleep(60)::text AS note"]
    for t in range(1, 10):
        statements += [
            f"CREATE TABLE t{t} (id int, email text)",
            f"INSERT INTO t{t} SELECT i, 'c' || i || '@example.com' FROM generate_series(1, 20) i",
        ]
    url, drop = new_pg_database(pg_admin)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(sa.text(statement))
    engine.dispose()
    args = ["scan", url, "-f", "json", "-q", "--views", "--jobs", "2", "--timeout", "120"]
    try:
        # one worker is stuck on the first container; the other reads the nine small tables
        code, stdout, stderr = interrupt_scan(pg_admin, url, "aa_slow", *args, after=6)
    finally:
        drop()
    assert code == 130, stderr
    doc = json.loads(stdout)
    assert doc["interrupted"] is True
    found = {r["location"] for r in doc["results"] if r["entity"] == "EMAIL_ADDRESS"}
    assert found == {f"public.t{t}.email" for t in range(1, 10)}
