"""False alarms and a miss the performance benchmark's sampled scans found (issue 14: a false
positive found by a benchmark is a correctness failure), pinned on the benchmark's own value
shapes: one sha256 digest in twenty whose digits read as a card, product names read as people
in a ``product`` column, and a reviews table's phone numbers held back as if the table were a
lookup list."""

from __future__ import annotations

import csv
import hashlib
import io
import sqlite3

import pytest
from column_findings import column_findings

from piscan.detectors.names import holds_people
from piscan.detectors.presidio import PresidioDetector, build_engine


@pytest.fixture(scope="module")
def presidio() -> PresidioDetector:
    return PresidioDetector(build_engine())


def test_digits_inside_a_digest_are_no_card_in_a_small_sample(presidio):
    carded = "c45c2027d227bee741a96d21d36b75dc8b200266ba3b38893757296102bef2c4"  # "...38893757296102..."
    digests = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(19)] + [carded]
    assert "CREDIT_CARD" not in column_findings(presidio, "content_hash", digests)


def test_a_card_column_is_still_a_card_column(presidio):
    cards = ["4111 1111 1111 1111", "5500 0000 0000 0004", "4012888888881881"] * 7
    assert "CREDIT_CARD" in column_findings(presidio, "payment", cards)


_PRODUCTS = (
    "Backpack 30L|USB-C Charger|Phone Case|Tea Sampler|Electric Kettle|Backpack 30L|USB-C Charger|"
    "Bluetooth Speaker|Mechanical Keyboard|Paper Towels 6-pack|Running Shoes|Office Chair|"
    "Espresso Beans 1kg|Yoga Mat|Backpack 30L|Desk Lamp|Bluetooth Speaker|Office Chair|"
    "USB-C Charger|Running Shoes"
)


def test_a_product_column_holds_goods_not_people(cli, tmp_path):
    """spaCy calls "Tea Sampler" a person; the column's name says it is goods (names.yaml vetoes),
    while the same table's names are still reported."""
    people = ["Margaret Thompson", "Rahul Mehta", "Chloe Dubois", "Jonathan Harris", "Aiko Tanaka"] * 4
    db = tmp_path / "bench.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t018_sessions (id INTEGER PRIMARY KEY, full_name TEXT, product TEXT)")
        rows = zip(people, _PRODUCTS.split("|"), strict=True)
        conn.executemany("INSERT INTO t018_sessions (full_name, product) VALUES (?, ?)", rows)
    run = cli("scan", f"sqlite:///{db}", "-f", "csv", "-q", "--fail-on", "never")
    assert run.code == 0, run.stderr
    found = {tuple(r[1:3]) for r in csv.reader(io.StringIO(run.stdout))}
    assert ("main.t018_sessions.full_name", "PERSON") in found
    assert not any(loc.endswith(".product") for loc, _ in found), found


def test_a_reviews_table_holds_people():
    assert holds_people("t039_reviews", ("id", "sku", "phone"))
    assert not holds_people("currencies", ("code", "name"))


def _scan_csv(cli, db) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    run = cli("scan", f"sqlite:///{db}", "-f", "csv", "-q", "--fail-on", "never")
    assert run.code == 0, run.stderr
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    return {(r["location"], r["entity"]) for r in rows}


def _bench_table(tmp_path, name: str):  # type: ignore[no-untyped-def]
    """One table of the benchmark's small-table schema, its rows exactly as the benchmark makes
    them (benchmarks.perf.generate), in SQLite."""
    from benchmarks.perf import generate

    plan = generate.Plan(rows=1000, tables=100, small_scale=100)
    table = next(t for t in generate.main_tables(plan) if t.name == name)
    db = tmp_path / "bench.sqlite"
    columns = ", ".join(f"{c.name} TEXT" for c in table.columns)
    marks = ", ".join("?" for _ in range(len(table.columns) + 1))
    rows = [
        [None if cell == "\\N" else cell for cell in line.split("\t")]
        for line in generate._lines(table, plan.seed)
    ]
    with sqlite3.connect(db) as conn:
        conn.execute(f"CREATE TABLE {name} (id INTEGER PRIMARY KEY, {columns})")
        conn.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
    return db, table


def test_product_descriptions_name_no_people_in_a_table_of_people(cli, tmp_path):
    """Benchmark table t049_reviews: "Electric Kettle, available in three colours" opens with
    what spaCy calls a person (12 of 100 values). Made of common words and no known name, it is
    a thing (rules/lexicon); the table still holds people, so its birth dates are reported."""
    db, table = _bench_table(tmp_path, "t049_reviews")
    assert [c.name for c in table.columns] == ["birth_date", "amount", "currency", "sku", "description"]
    found = _scan_csv(cli, db)
    assert ("main.t049_reviews.birth_date", "DATE_OF_BIRTH") in found, found
    assert not any(loc.endswith(".description") for loc, _ in found), found


def test_the_benchmarks_audit_notes_are_found(cli, tmp_path):
    """Benchmark table t024_audit, its notes judged with its table: found as a contact record."""
    db, _ = _bench_table(tmp_path, "t024_audit")
    found = _scan_csv(cli, db)
    assert ("main.t024_audit.notes", "PHONE_NUMBER") in found, found


_AUDIT_NOTES = [
    "Refund issued for order 100001 after a late delivery.",
    None,
    "Package arrived damaged; replacement USB-C Charger shipped.",
    "Customer asked about delivery times for the Backpack 30L.",
    "Refund issued for order 100005 after a late delivery.",
    "No response to the satisfaction survey.",
    "Asked to change the billing cycle to annual.",
    "Upgraded plan after the trial period ended.",
    "Asked to change the billing cycle to annual.",
    "Call back Jonathan Harris on +44 20 7859 9788 about order 100010.",
    None,
    "Requested an invoice copy for order 100012.",
    None,
    "Prefers contact in the afternoon; ticket closed.",
    "Upgraded plan after the trial period ended.",
    "Upgraded plan after the trial period ended.",
    "Upgraded plan after the trial period ended.",
    "Refund issued for order 100018 after a late delivery.",
    "Asked to change the billing cycle to annual.",
    "Prefers contact in the afternoon; ticket closed.",
]


def test_one_note_with_a_name_and_a_phone_number_is_a_contact_record(cli, tmp_path):
    """Benchmark table t024_audit: one note in seventeen says whom to call back on which number.
    Too rare for a share, but a name with a phone number in one value is a contact record."""
    db = tmp_path / "bench.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t024_audit (id INTEGER PRIMARY KEY, notes TEXT, created_at TEXT)")
        rows = [(n, f"2024-01-{1 + i:02d}T10:00:00") for i, n in enumerate(_AUDIT_NOTES)]
        conn.executemany("INSERT INTO t024_audit (notes, created_at) VALUES (?, ?)", rows)
    found = _scan_csv(cli, db)
    assert ("main.t024_audit.notes", "PHONE_NUMBER") in found, found
    assert ("main.t024_audit.notes", "PERSON") in found, found


def test_notes_without_a_contact_stay_clean(cli, tmp_path):
    """The same business notes without the call-back line: nothing personal."""
    db = tmp_path / "bench.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t024_audit (id INTEGER PRIMARY KEY, notes TEXT)")
        notes = [(n,) for n in _AUDIT_NOTES if n is None or "Harris" not in n]
        conn.executemany("INSERT INTO t024_audit (notes) VALUES (?)", notes)
    assert not _scan_csv(cli, db)
