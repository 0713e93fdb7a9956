"""Alembic migrations: a store written by the first schema upgrades in place when opened, with its
scans intact and new columns backfilled; head matches the tables the queries use."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from store_support import fresh_database

from piscan.fingerprint import fingerprint, fingerprint_v1
from piscan.model import Evidence, Finding, Location, ScanResult
from piscan.policy import load_policy
from piscan.store import ChangeKind, StoreError, migrate, open_store, resolve_url
from piscan.store import schema as t
from piscan.store.record import target_rows, verdict_row

SOURCE = "postgresql+psycopg://app@db.example/shop"


def result(*columns: tuple[str, str]) -> ScanResult:
    """A scan of SOURCE that found the given (column, entity) pairs in public.customers."""
    policy = load_policy("xwms")
    findings = tuple(
        Finding(
            Location(SOURCE, ("public", "customers", column)),
            entity,
            90,
            100,
            120,
            0.9,
            Evidence.BOTH,
            ("test",),
            "a***",
        )
        for column, entity in columns
    )
    return ScanResult(
        "0.1.0",
        "2026-11-01T10:00:00+00:00",
        "2026-11-01T10:01:00+00:00",
        (SOURCE,),
        (policy.info,),
        {"sample_rows": 1000},
        findings,
        tuple(policy.evaluate(findings)),
        (),
    )


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where an empty store goes: an SQLite file, or a fresh PostgreSQL or MariaDB database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'inventory.sqlite'}"
        return
    admin = request.getfixturevalue("pg_admin" if request.param == "postgresql" else "maria_admin")
    with fresh_database(admin) as url:
        yield url


def write_first_schema_scan(engine: sa.Engine, old: ScanResult) -> int:
    """Create a revision-0001 store and write a scan into it the way that revision's piscan did."""
    migrate.upgrade(engine, "0001")
    tables = sa.MetaData()
    tables.reflect(engine)
    for table in tables.tables.values():  # MariaDB reflects its JSON columns as LONGTEXT
        for column in table.c:
            if column.name in {"settings", "entities"}:
                column.type = sa.JSON()
    assert "piscan_coverage" not in tables.tables and "fingerprint" not in tables.tables["piscan_verdicts"].c

    def rows(name: str, items: list[dict]) -> list[dict]:
        return [{k: v for k, v in item.items() if k in tables.tables[name].c} for item in items]

    with engine.begin() as conn:
        scan = {
            "started": old.started,
            "finished": old.finished,
            "recorded": old.finished,
            "tool_version": "0.1.0",
            "rules_digest": "",
            "settings": old.settings,
            "interrupted": False,
            "tables_scanned": 1,
            "findings": 2,
            "undeclared": 0,
        }
        scan_id = conn.execute(sa.insert(tables.tables["piscan_scans"]).values(scan)).inserted_primary_key[0]
        conn.execute(
            sa.insert(tables.tables["piscan_targets"]), [{"scan_id": scan_id, **r} for r in target_rows(old)]
        )
        conn.execute(
            sa.insert(tables.tables["piscan_policies"]),
            [{"scan_id": scan_id, "policy": "xwms", "name": "XWMS", "file": "x", "sha256": "0" * 64}],
        )
        conn.execute(
            sa.insert(tables.tables["piscan_verdicts"]),
            rows("piscan_verdicts", [verdict_row(scan_id, v) for v in old.verdicts]),
        )
    return int(scan_id)


def test_a_first_schema_store_upgrades_on_open_and_keeps_its_scans(store_url: str) -> None:
    old = result(("email", "EMAIL_ADDRESS"), ("phone", "PHONE_NUMBER"))
    engine = sa.create_engine(resolve_url(store_url))
    old_id = write_first_schema_scan(engine, old)
    engine.dispose()
    with open_store(store_url) as store:
        with store.engine.connect() as conn:
            assert migrate.current(conn) == migrate.head() == "0002"
            backfilled = dict(conn.execute(sa.select(t.verdicts.c.entity, t.verdicts.c.fingerprint)).all())
            context = MigrationContext.configure(conn, opts={"version_table": migrate.VERSION_TABLE})
            assert compare_metadata(context, t.metadata) == []
        # Migration 0002 backfilled the fingerprints of its time (version 1, over the source as
        # typed); scans recorded since carry version 2 (piscan.fingerprint).
        assert backfilled == {
            v.finding.entity: fingerprint_v1(
                v.finding.location.source, v.finding.location.path, v.finding.entity, v.policy, v.category
            )
            for v in old.verdicts
        }
        [summary] = store.scans()
        assert (summary.id, summary.targets, summary.policies) == (old_id, (SOURCE,), ("xwms",))
        new = result(("email", "EMAIL_ADDRESS"), ("face", "FACE_TEMPLATE"))
        new_id = store.record(new)
        changes = {(c.kind, c.entity) for c in store.diff(old_id, new_id)}
        assert changes == {(ChangeKind.VANISHED, "PHONE_NUMBER"), (ChangeKind.APPEARED, "FACE_TEMPLATE")}
        assert [r["fingerprint"] for r in store.inventory() if r["entity"] == "EMAIL_ADDRESS"] == [
            fingerprint(v) for v in new.verdicts if v.finding.entity == "EMAIL_ADDRESS"
        ]
    with open_store(store_url) as again:  # opening a store at head changes nothing
        assert [s.id for s in again.scans()] == [new_id, old_id]


def test_a_store_from_a_newer_piscan_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "inventory.sqlite"
    open_store(str(path)).close()
    engine = sa.create_engine(f"sqlite:///{path}")
    version = sa.table(migrate.VERSION_TABLE, sa.column("version_num"))
    with engine.begin() as conn:
        conn.execute(sa.update(version).values(version_num="0099"))
    engine.dispose()
    with pytest.raises(StoreError, match=r"schema revision 0099, newer than this piscan knows \(0002\)"):
        open_store(str(path))


def test_concurrent_first_opens_of_one_store_do_not_collide(store_url: str) -> None:
    """Several scans starting at once against a fresh store: one migrates, the others wait."""
    barrier = threading.Barrier(4)

    def open_once() -> str:
        barrier.wait()
        try:
            open_store(store_url).close()
        except StoreError as exc:
            return str(exc)
        return "ok"

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(lambda _: open_once(), range(4)))
    assert outcomes == ["ok"] * 4
