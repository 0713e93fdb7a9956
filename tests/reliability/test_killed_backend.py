"""A connection killed mid-table (``pg_terminate_backend``, MariaDB ``KILL CONNECTION``): the
rows read so far are kept, the rest is read once more on a new connection, and when that fails
too the table is reported partial with its findings. No traceback, no long wait."""

from __future__ import annotations

import json
import threading
import time

import pytest
import sqlalchemy as sa

from tests.conftest import run_cli
from tests.reliability.conftest import execute

ROWS = 100_000
DISTINCT = 500  # repeated values: detection is cached, the test spends its time reading
NEEDLE = "killme_emails"


def _fill(url: str) -> None:
    if url.startswith("postgresql"):
        execute(
            url,
            # wide rows, as for MariaDB: with bare e-mails the resumed read could end within the
            # killer's polling interval, before its second kill lands
            f"CREATE TABLE {NEEDLE} (id integer PRIMARY KEY, email text, pad text)",
            f"INSERT INTO {NEEDLE} SELECT i, 'user' || (i % {DISTINCT}) || '@example.com',"
            f" repeat('x', 500) FROM generate_series(1, {ROWS}) i",
        )
    else:
        execute(
            url,
            # wide rows: a result that fits the socket buffers is sent before the kill lands
            f"CREATE TABLE {NEEDLE} (id integer PRIMARY KEY, email varchar(60), pad text)",
            f"INSERT INTO {NEEDLE} SELECT seq, CONCAT('user', seq % {DISTINCT}, '@example.com'),"
            f" REPEAT('x', 500) FROM seq_1_to_{ROWS}",
        )


def _backends(admin: sa.Engine, url: str) -> list[int]:
    """Server ids of the connections streaming the test table."""
    db = sa.make_url(url).database
    if url.startswith("postgresql"):
        # a server-side cursor shows its DECLARE, then its FETCHes
        query = (
            # an idle connection keeps its last query's text: only one still streaming counts
            "SELECT pid FROM pg_stat_activity WHERE datname = :db AND pid <> pg_backend_pid()"
            " AND state <> 'idle'"
            " AND ((strpos(query, :needle) > 0 AND strpos(query, 'count') = 0) OR query LIKE 'FETCH%')"
        )
    else:
        query = (
            "SELECT id FROM information_schema.processlist WHERE db = :db AND id <> CONNECTION_ID()"
            " AND info LIKE CONCAT('%', :needle, '%') AND info NOT LIKE '%count%'"
        )
    with admin.connect() as conn:
        return [r[0] for r in conn.execute(sa.text(query), {"db": db, "needle": NEEDLE})]


def _kill(admin: sa.Engine, url: str, ident: int) -> None:
    with admin.connect() as conn:
        if url.startswith("postgresql"):
            conn.execute(sa.text("SELECT pg_terminate_backend(:p)"), {"p": ident})
        else:
            conn.execute(sa.text(f"KILL CONNECTION {int(ident)}"))


def _killer(admin: sa.Engine, url: str, kills: int, killed: list[float]) -> threading.Thread:
    """Kill the streaming connection ``kills`` times, each a moment after it started."""

    def run() -> None:
        seen: set[int] = set()
        deadline = time.monotonic() + 90
        while len(killed) < kills and time.monotonic() < deadline:
            fresh = [b for b in _backends(admin, url) if b not in seen]
            if fresh:
                # let some batches through first; a resumed read has fewer rows left, so the
                # second kill comes sooner, or the read could end before it lands
                time.sleep(0.3 if not killed else 0.02)
                _kill(admin, url, fresh[0])
                seen.add(fresh[0])
                killed.append(time.monotonic())
            time.sleep(0.05)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _admin_for(url: str, request: pytest.FixtureRequest) -> sa.Engine:
    return request.getfixturevalue("pg_admin" if url.startswith("postgresql") else "maria_admin")


def _scan(url: str):  # type: ignore[no-untyped-def]
    started = time.monotonic()
    run = run_cli("scan", url, "--full", "--jobs", "1", "-f", "json", "-q", "--fail-on", "never")
    return run, time.monotonic() - started


def test_killed_connection_is_resumed_on_a_new_one(server_db: str, request: pytest.FixtureRequest) -> None:
    """One kill: the table is read to its end on a second connection, nothing counted twice."""
    _fill(server_db)
    killed: list[float] = []
    thread = _killer(_admin_for(server_db, request), server_db, 1, killed)
    run, took = _scan(server_db)
    thread.join(5)
    print(f"scan with one kill: {took:.1f}s")
    assert killed, "the scan never reached the table"
    assert run.code == 0 and "Traceback" not in run.stdout + run.stderr, run
    doc = json.loads(run.stdout)
    notes = [n["message"] for n in doc["notes"] if n["location"].endswith(NEEDLE)]
    assert any("connection lost after" in n and "new connection" in n for n in notes), doc["notes"]
    assert not doc["skipped"], doc["skipped"]
    coverage = {c["location"]: c for c in doc["coverage"]}
    email = next(c for loc, c in coverage.items() if loc.endswith(f"{NEEDLE}.email"))
    assert email["rows"] == ROWS, email  # resumed where it stopped: no row twice, none missing


def test_connection_killed_twice_keeps_the_partial_tally(
    server_db: str, request: pytest.FixtureRequest
) -> None:
    """Two kills: the table is skipped as partial, with the reason, and its findings are kept;
    the kill is noticed at once (MariaDB through the read timeout), without a traceback."""
    _fill(server_db)
    killed: list[float] = []
    thread = _killer(_admin_for(server_db, request), server_db, 2, killed)
    run, _ = _scan(server_db)
    finished = time.monotonic()
    thread.join(5)
    assert len(killed) == 2, killed
    assert finished - killed[-1] < 20, finished - killed[-1]
    assert "Traceback" not in run.stdout + run.stderr, run
    doc = json.loads(run.stdout)
    skipped = [s["reason"] for s in doc["skipped"] if s["location"].endswith(NEEDLE)]
    assert skipped and skipped[0].startswith("partial: "), doc["skipped"]
    found = [f for f in doc["results"] if f["location"].endswith(f"{NEEDLE}.email")]
    assert found and found[0]["entity"] == "EMAIL_ADDRESS", doc["findings"]
    assert 0 < found[0]["rows"] < ROWS, found
