"""Big tables of a --full scan are split into primary-key ranges read by several workers; the
report is the one the unsplit scan gives (real PostgreSQL and MariaDB)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from piscan.run.plan import plan
from piscan.scan import ScanConfig
from piscan.sources.base import Selector
from piscan.sources.sql import SqlOptions, SqlSource
from tests.conftest import new_pg_database

ROWS = 3000
STATEMENTS = [
    # a key column whose name needs quoting: the range's WHERE is built by SQLAlchemy Core
    'CREATE TABLE customers ("Row Id" bigint PRIMARY KEY, email text, full_name text, city text,'
    " note text, profile jsonb)",
    f"""INSERT INTO customers SELECT i, 'client' || i || '@example.org',
        (ARRAY['Maria Lopez', 'John Smith', 'Anna Weber', 'Li Wei'])[1 + i % 4],
        (ARRAY['Berlin', 'Lyon', 'Porto', 'Oslo'])[1 + i % 4],
        CASE WHEN i % 500 = 7 THEN 'call me at +1 212 555 0' || (100 + i % 800) ELSE 'ok' END,
        jsonb_build_object('contact', jsonb_build_object('mail', 'p' || i || '@example.net'),
                           'tier', i % 3)
        FROM generate_series(1, {ROWS}) i""",
    # keys with a gap, and more than ROWS apart: ranges are even over keys, not rows
    "CREATE TABLE events (id int PRIMARY KEY, ip text, happened timestamptz)",
    """INSERT INTO events SELECT CASE WHEN i < 1500 THEN i ELSE i + 100000 END,
        '10.0.' || (i % 250) || '.' || (i % 200), now() FROM generate_series(1, 3000) i""",
    "CREATE TABLE pairs (a int, b int, email text, PRIMARY KEY (a, b))",  # no single key: one unit
    "INSERT INTO pairs SELECT i, i, 'x' || i || '@example.com' FROM generate_series(1, 3000) i",
    "CREATE TABLE codes (code text PRIMARY KEY, email text)",  # a text key: one unit
    "INSERT INTO codes SELECT 'c' || i, 'y' || i || '@example.com' FROM generate_series(1, 3000) i",
    "CREATE TABLE small (id int PRIMARY KEY, email text)",  # below unit_rows: one unit
    "INSERT INTO small SELECT i, 's' || i || '@example.com' FROM generate_series(1, 50) i",
    "ANALYZE",
]


@pytest.fixture(scope="module")
def big_db(pg_admin: sa.Engine):  # type: ignore[no-untyped-def]
    url, drop = new_pg_database(pg_admin)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for statement in STATEMENTS:
            conn.execute(sa.text(statement))
    engine.dispose()
    yield url
    drop()


def _units(url: str, full: bool, unit_rows: int) -> dict[str, list]:
    source = SqlSource(url, SqlOptions(full_scan=full, selector=Selector()))
    try:
        containers = list(source.discover())
        config = ScanConfig(targets=(url,), policies=(), sql=source.options, unit_rows=unit_rows)
        units = plan(source, containers, config, 0)
    finally:
        source.close()
    assert [u.index for u in units] == list(range(len(units)))
    out: dict[str, list] = {}
    for unit in units:
        out.setdefault(unit.container.path, []).append(unit.part)
    return out


def test_plan_splits_big_tables_with_an_integer_key_into_ranges(big_db: str) -> None:
    units = _units(big_db, full=True, unit_rows=1000)
    ranges = units["public.customers"]
    assert len(ranges) == 3
    assert [(r.key, r.number, r.count) for r in ranges] == [("Row Id", i, 3) for i in range(3)]
    assert ranges[0].low is None and ranges[-1].high is None  # open ends: no row is left out
    assert all(a.high == b.low for a, b in zip(ranges, ranges[1:], strict=False))
    events = units["public.events"]
    assert len(events) == 3 and events[1].high - events[1].low > 30_000  # even over keys (one holds none)
    for one in ("public.pairs", "public.codes", "public.small"):
        assert units[one] == [None], one
    # sampling is per table: a sampled scan never splits; 0 never splits
    assert all(parts == [None] for parts in _units(big_db, full=False, unit_rows=1000).values())
    assert all(parts == [None] for parts in _units(big_db, full=True, unit_rows=0).values())


def _report(cli, url: str, *args: str) -> str:  # type: ignore[no-untyped-def]
    run = cli("scan", url, "--full", "-f", "csv", "-q", "--fail-on", "never", *args)
    assert run.code == 0, run
    return run.stdout


def _json(cli, url: str, *args: str) -> dict:  # type: ignore[no-untyped-def]
    import json

    run = cli("scan", url, "--full", "-f", "json", "-q", "--fail-on", "never", *args)
    assert run.code == 0, run
    return json.loads(run.stdout)


def test_split_full_scan_reports_what_the_unsplit_scan_does(cli, big_db: str) -> None:  # type: ignore[no-untyped-def]
    """--exhaustive examines every value, so the split cannot change a count: the CSV reports
    of the unsplit scan, of 3 ranges per big table in this process and of 10 ranges on two
    worker processes are the same bytes."""
    whole = _report(cli, big_db, "--exhaustive", "--unit-rows", "0", "--jobs", "1")
    split = _report(cli, big_db, "--exhaustive", "--unit-rows", "1000", "--jobs", "1")
    pooled = _report(cli, big_db, "--exhaustive", "--unit-rows", "300", "--jobs", "2")
    assert whole == split == pooled
    assert "public.customers.email" in whole and "public.customers.profile#contact.mail" in whole
    email = next(line for line in whole.splitlines() if ",public.customers.email,EMAIL_ADDRESS," in line)
    assert f",{ROWS},{ROWS}," in email  # every row of every range was read and examined, once


def test_split_settling_scan_finds_the_same_and_reads_every_row(cli, big_db: str) -> None:  # type: ignore[no-untyped-def]
    """Settling thins each range on its own (every range examines at least the sample size),
    so the values examined may differ; what is found, and the rows read, do not."""
    whole = _json(cli, big_db, "--unit-rows", "0", "--jobs", "1")
    split = _json(cli, big_db, "--unit-rows", "300", "--jobs", "2")
    assert {(r["location"], r["entity"]) for r in whole["results"]} == {
        (r["location"], r["entity"]) for r in split["results"]
    }
    rows = {c["location"]: c["rows"] for c in whole["coverage"]}
    assert rows == {c["location"]: c["rows"] for c in split["coverage"]}
    assert rows["public.customers.email"] == ROWS
    assert whole["tables_scanned"] == split["tables_scanned"] == 5


def test_mariadb_splits_with_its_own_quoting_and_reports_the_same(cli, maria_admin: sa.Engine) -> None:  # type: ignore[no-untyped-def]
    """The same on MariaDB: its planner's estimate, a backtick-quoted key, the same report."""
    from tests.conftest import new_maria_database

    url, drop = new_maria_database(maria_admin)
    try:
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE staff (`Staff Id` int PRIMARY KEY, email text, city text)"))
            rows = [
                {"i": i, "e": f"w{i}@example.org", "c": ("Oslo", "Lyon", "Porto")[i % 3]}
                for i in range(1, ROWS + 1)
            ]
            conn.execute(sa.text("INSERT INTO staff VALUES (:i, :e, :c)"), rows)
            conn.execute(sa.text("ANALYZE TABLE staff"))
        engine.dispose()
        schema = sa.make_url(url).database
        ranges = _units(url, full=True, unit_rows=1000)[f"{schema}.staff"]
        assert len(ranges) >= 2 and ranges[0].key == "Staff Id"
        whole = _report(cli, url, "--exhaustive", "--unit-rows", "0")
        split = _report(cli, url, "--exhaustive", "--unit-rows", "1000")
        assert whole == split and f"{schema}.staff.email,EMAIL_ADDRESS" in whole
    finally:
        drop()
