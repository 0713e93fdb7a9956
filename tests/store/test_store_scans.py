"""The inventory store end to end: two scans of a real PostgreSQL database with a change in between,
recorded in an SQLite store and in a PostgreSQL store; diff, history and export read them back."""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from store_support import examples, fresh_database

from piscan.model import ScanResult, Skipped
from piscan.policy import Policy, load_policy
from piscan.rules import rules_dir
from piscan.scan import ScanConfig, Scanner
from piscan.sources.base import Selector
from piscan.sources.sql import SqlOptions
from piscan.store import (
    INVENTORY_COLUMNS,
    ChangeKind,
    Store,
    StoreError,
    open_store,
    render_csv,
    render_diff,
)
from piscan.store import schema as t
from piscan.store.render import render_history

POLICIES = ("xwms", "westmonth")
SELECTED = ("public.student_records", "public.orders", "public.staff")
STUDENT_COLUMNS = ("school_name", "degree", "gpa")
EXAMPLES = examples()


@dataclass(frozen=True)
class Scans:
    """Two scans of one database: before and after a table was added, one dropped, a column added."""

    url: str
    source: str
    before: ScanResult
    after: ScanResult
    raw: tuple[str, ...]  # values written between the scans, which must never reach the store


def scan(targets: tuple[str, ...], include: tuple[str, ...], policies: tuple[Policy, ...]) -> ScanResult:
    """A real scan (the Presidio engine is cached, so each Scanner is cheap after the first)."""
    sql = SqlOptions(selector=Selector(include=include))
    return Scanner(ScanConfig(targets=targets, policies=policies, sql=sql)).run()


def change_database(url: str) -> tuple[str, ...]:
    """Add staff.face_embedding, drop student_records, add orders.contact_email; returns raw values."""
    rng = random.Random(7)
    engine = sa.create_engine(url)
    staff = sa.Table(
        "staff",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("face_embedding", sa.Text),
    )
    embeddings = [json.dumps([round(rng.uniform(-1, 1), 5) for _ in range(128)]) for _ in range(40)]
    emails = [f"buyer.{i}.{rng.randrange(10**6)}@example.org" for i in range(1, EXAMPLES.ROWS + 1)]
    with engine.begin() as conn:
        staff.create(conn)
        conn.execute(sa.insert(staff), [{"id": i, "face_embedding": e} for i, e in enumerate(embeddings)])
        EXAMPLES.students.drop(conn)
        Operations(MigrationContext.configure(conn)).add_column(
            "orders", sa.Column("contact_email", sa.String(120))
        )
        orders = sa.Table("orders", sa.MetaData(), autoload_with=conn)
        update = (
            sa.update(orders)
            .where(orders.c.id == sa.bindparam("oid"))
            .values(contact_email=sa.bindparam("e"))
        )
        conn.execute(update, [{"oid": i + 1, "e": e} for i, e in enumerate(emails)])
    engine.dispose()
    return (*emails, *embeddings)


@pytest.fixture(scope="module")
def scans(pg_admin: sa.Engine) -> Iterator[Scans]:
    """Scan a freshly seeded PostgreSQL database, change it, scan it again."""
    with fresh_database(pg_admin) as url:
        EXAMPLES.build(url)
        policies = tuple(load_policy(p) for p in POLICIES)
        before = scan((url,), SELECTED, policies)
        raw = change_database(url)
        after = scan((url,), SELECTED, policies)
        yield Scans(url, before.targets[0], before, after, raw)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store: an SQLite file given as a plain path, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        with open_store(str(tmp_path / "team" / "inventory.sqlite")) as opened:
            yield opened
        return
    with fresh_database(request.getfixturevalue("pg_admin")) as url, open_store(url) as opened:
        yield opened


def keys(changes, kind: ChangeKind) -> set[tuple[str, str, str]]:
    """(location, policy, entity) of the changes of one kind."""
    return {(c.location, c.policy, c.entity) for c in changes if c.kind == kind}


def test_diff_reports_exactly_what_appeared_and_vanished(store: Store, scans: Scans) -> None:
    first, second = store.record(scans.before), store.record(scans.after)
    assert second > first
    changes = store.diff(first, second)
    assert keys(changes, ChangeKind.APPEARED) == {
        (location, policy, entity)
        for location, entity in (
            ("public.staff.face_embedding", "FACE_TEMPLATE"),
            ("public.orders.contact_email", "EMAIL_ADDRESS"),
        )
        for policy in POLICIES
    }
    vanished = keys(changes, ChangeKind.VANISHED)
    assert vanished == {
        (v.finding.location.path, v.policy, v.finding.entity)
        for v in scans.before.verdicts
        if v.finding.location.container == "public.student_records"
    }
    assert {
        (f"public.student_records.{c}", p, "EDUCATION_RECORD") for c in STUDENT_COLUMNS for p in POLICIES
    } <= vanished
    assert keys(changes, ChangeKind.CHANGED) == set()
    assert {c.source for c in changes} == {scans.source}
    face = next(c for c in changes if c.entity == "FACE_TEMPLATE" and c.policy == "xwms")
    assert (face.after.category, face.after.declared, face.newly_undeclared) == ("E", False, True)
    email = next(c for c in changes if c.entity == "EMAIL_ADDRESS" and c.policy == "xwms")
    assert (email.after.category, email.after.declared, email.newly_undeclared) == ("A", True, False)


def test_references_history_and_text_views(store: Store, scans: Scans) -> None:
    first, second = store.record(scans.before), store.record(scans.after)
    assert store.resolve("latest") == store.resolve("-1") == store.resolve(str(second)) == second
    assert store.resolve("latest~1") == store.resolve("-2") == first
    assert store.diff("latest~1", "latest") == store.diff(first, second)
    assert store.diff(second, second) == []
    for bad in ("-0", "0", "bogus", "latest~x", "99", "latest~2", "-3"):
        with pytest.raises(StoreError, match="scan"):
            store.resolve(bad)
    assert store.diff(first, second, source=scans.url) == store.diff(first, second)
    assert store.diff(first, second, source="sqlite:///elsewhere.sqlite") == []
    history = store.scans(limit=10)
    assert [s.id for s in history] == [second, first]
    assert [s.id for s in store.scans(limit=1)] == [second]
    latest = history[0]
    assert latest.targets == (scans.source,) and latest.policies == tuple(sorted(POLICIES))
    assert (latest.findings, latest.undeclared) == (len(scans.after.findings), len(scans.after.undeclared))
    assert (latest.started, latest.finished) == (scans.after.started, scans.after.finished)
    text = render_history(history)
    assert text.splitlines()[1].split()[0] == str(second) and scans.source in text
    shown = render_diff(store.diff(first, second), first, second)
    assert shown.startswith(f"scan {first} -> scan {second}: 4 appeared, ")
    assert f"\n{scans.source}\n  public.orders.contact_email\n    + westmonth " in shown
    assert "+ xwms       FACE_TEMPLATE          E Biometric information, UNDECLARED" in shown
    assert "- westmonth  EDUCATION_RECORD" in shown
    assert render_diff([], first, first) == f"scan {first} -> scan {first}: no changes\n"


def test_a_revised_policy_shows_as_changed_verdicts(store: Store, scans: Scans, tmp_path: Path) -> None:
    """Same findings judged by a notice that now declares education records: only J verdicts change."""
    text = (rules_dir() / "policies" / "xwms.yaml").read_text(encoding="utf-8")
    original = load_policy("xwms")
    j = next(c for c in original.categories if c.id == "J")
    assert not j.declared
    revised_file = tmp_path / "xwms.yaml"
    revised_file.write_text(text.replace(f"{j.name}\n    declared: false", f"{j.name}\n    declared: true"))
    revised = load_policy(str(revised_file))
    assert revised.category_of("EDUCATION_RECORD").declared
    old = store.record(judged(scans.before, original))
    rejudged = store.record(judged(scans.before, revised))
    changes = store.diff(old, rejudged)
    assert {c.kind for c in changes} == {ChangeKind.CHANGED}
    assert {(c.location, c.entity) for c in changes} == {
        (f"public.student_records.{c}", "EDUCATION_RECORD") for c in STUDENT_COLUMNS
    }
    assert all(not c.before.declared and c.after.declared and not c.newly_undeclared for c in changes)
    assert "~ xwms       EDUCATION_RECORD       J " in render_diff(changes)


def test_record_keeps_every_verdict_policy_and_coverage_but_no_raw_value(store: Store, scans: Scans) -> None:
    scan_id = store.record(scans.after)
    with store.engine.connect() as conn:
        stored = conn.execute(sa.select(t.verdicts).where(t.verdicts.c.scan_id == scan_id)).mappings().all()
        policies = conn.execute(sa.select(t.policies).where(t.policies.c.scan_id == scan_id)).mappings().all()
        wording = dict(
            conn.execute(
                sa.select(t.categories.c.category, t.categories.c.wording).where(
                    t.categories.c.scan_id == scan_id, t.categories.c.policy == "xwms"
                )
            ).all()
        )
        coverage = conn.execute(sa.select(sa.func.count()).where(t.coverage.c.scan_id == scan_id)).scalar()
        dump = dump_text(conn)
    assert len(stored) == len(scans.after.verdicts)
    assert {(r["location"], r["entity"], r["policy"], r["fingerprint"]) for r in stored} == {
        (v.finding.location.path, v.finding.entity, v.policy, fingerprint_of(v)) for v in scans.after.verdicts
    }
    assert {p["policy"]: p["sha256"] for p in policies} == {p.id: p.sha256 for p in scans.after.policies}
    assert wording == {c.id: c.wording for c in load_policy("xwms").categories}
    assert coverage == len(scans.after.coverage) > 0
    email = next(
        r for r in stored if r["location"] == "public.orders.contact_email" and r["policy"] == "xwms"
    )
    assert "***" in email["example"]
    leaked = [value for value in scans.raw if value in dump]
    assert leaked == []


def test_export_holds_each_sources_latest_complete_scan_with_policy_wording(
    store: Store, scans: Scans, sqlite_url: str
) -> None:
    policies = tuple(load_policy(p) for p in POLICIES)
    other = scan((sqlite_url,), ("main.customers.email",), policies)
    store.record(scans.before)
    latest = store.record(scans.after)
    other_id = store.record(other)
    failed = replace(
        scans.after,
        findings=(),
        verdicts=(),
        coverage=(),
        skipped=(Skipped(scans.source, "", "connection refused"),),
    )
    store.record(failed)  # a scan that could not open the database must not empty its inventory
    half = replace(scans.after, targets=(), interrupted=True, verdicts=scans.after.verdicts[:1])
    store.record(half)  # nor may one stopped with Ctrl-C half-way through it
    assert [s.interrupted for s in store.scans(limit=2)] == [True, False]
    rows = store.inventory()
    by_source = {r["source"] for r in rows}
    assert by_source == {scans.source, other.targets[0]}
    pg_rows = [r for r in rows if r["source"] == scans.source]
    assert {r["scan_id"] for r in pg_rows} == {latest}
    assert len(pg_rows) == len(scans.after.verdicts)
    assert not any(".student_records." in r["location"] for r in pg_rows)
    assert {r["scan_id"] for r in rows if r["source"] != scans.source} == {other_id}
    text = render_csv(rows)
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames) == INVENTORY_COLUMNS
    assert INVENTORY_COLUMNS[:3] == ("source", "location", "entity")
    assert INVENTORY_COLUMNS[-3:] == ("scan_id", "scanned_at", "wording")
    lines = list(reader)
    assert [r["declared"] for r in lines] == sorted((r["declared"] for r in lines), key=lambda d: d == "yes")
    face = next(r for r in lines if r["entity"] == "FACE_TEMPLATE" and r["policy"] == "xwms")
    assert face["location"] == "public.staff.face_embedding"
    assert (face["category"], face["declared"], face["scan_id"]) == ("E", "no", str(latest))
    assert face["wording"] == "Fingerprints, voiceprints, facial templates"
    assert face["scanned_at"] == scans.after.started
    email = next(r for r in lines if r["source"] == other.targets[0] and r["policy"] == "westmonth")
    westmonth = {c.id: c.wording for c in load_policy("westmonth").categories}
    assert email["wording"] == westmonth[email["category"]] != ""
    float(email["confidence"])


def judged(result: ScanResult, policy: Policy) -> ScanResult:
    """The same findings judged by another policy, as a scan with that policy would record them."""
    return replace(result, policies=(policy.info,), verdicts=tuple(policy.evaluate(result.findings)))


def fingerprint_of(verdict) -> str:
    """piscan's stable verdict id, as baselines and SARIF use it."""
    from piscan.fingerprint import fingerprint

    return fingerprint(verdict)


def dump_text(conn: sa.Connection) -> str:
    """Every value in every table of the store, as text."""
    metadata = sa.MetaData()
    metadata.reflect(conn)
    return "\n".join(
        str(value)
        for table in metadata.sorted_tables
        for row in conn.execute(sa.select(table))
        for value in row
    )
