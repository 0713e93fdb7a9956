"""Bad input on real databases: each problem gets one clear line on stderr (no traceback, no
password), the scan goes on where it can, and nothing already found is lost."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import MARIA_HOST, Run, interrupt_scan, new_maria_database, new_pg_database
from sqlalchemy.pool import NullPool

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/x"


# -- helpers --------------------------------------------------------------------------------------
def _execute(url: str, statements: tuple[str, ...]) -> None:
    engine = sa.create_engine(url, poolclass=NullPool)
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(sa.text(statement))
    engine.dispose()


def _execute_scalar(url: str, statement: str) -> object:
    engine = sa.create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        value = conn.execute(sa.text(statement)).scalar()
    engine.dispose()
    return value


def _clean(run: Run, *secrets: str) -> None:
    """No traceback anywhere, every stderr line is piscan's own, and no secret leaks."""
    text = run.stdout + run.stderr
    assert "Traceback" not in text, run
    assert all(line.startswith("piscan: ") for line in run.stderr.splitlines()), run.stderr
    for secret in secrets:
        assert secret not in text, f"{secret!r} leaked"


def _error(run: Run, *secrets: str) -> str:
    """Exit 2 with exactly one ``piscan: error:`` line; returns that line."""
    assert run.code == 2, run
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("piscan: error: "), run.stderr
    _clean(run, *secrets)
    return lines[0]


def _csv(run: Run) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(run.stdout)))


def _found(doc_or_rows: dict | list) -> dict[tuple[str, str], dict]:
    rows = doc_or_rows["results"] if isinstance(doc_or_rows, dict) else doc_or_rows
    return {(r["location"], r["entity"]): r for r in rows}


def _skipped(doc: dict) -> dict[str, str]:
    return {s["location"]: s["reason"] for s in doc["skipped"]}


def _notes(doc: dict) -> dict[str, str]:
    return {n["location"]: n["message"] for n in doc["notes"]}


# -- fixtures -------------------------------------------------------------------------------------
@pytest.fixture
def pg_db(pg_admin: sa.Engine) -> Iterator[Callable[..., str]]:
    """Make PostgreSQL databases from SQL statements; all are dropped after the test."""
    drops: list[Callable[[], None]] = []

    def make(*statements: str) -> str:
        url, drop = new_pg_database(pg_admin)
        drops.append(drop)
        _execute(url, statements)
        return url

    yield make
    for drop in drops:
        drop()


@pytest.fixture
def sqlite_with_email(tmp_path: Path) -> str:
    """A small SQLite file with an email column (declared under xwms)."""
    path = tmp_path / "small.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, email TEXT)")
        conn.executemany(
            "INSERT INTO contacts (email) VALUES (?)", [(f"person{i}@example.com",) for i in range(10)]
        )
    conn.close()
    return f"sqlite:///{path}"


WRONG_PW = "Wr0ng@Pw-5e1d"  # '@' must be %40 in a URL: both forms are checked
RIGHT_PW = "R1ght:Pw-93ab"  # ':' must be escaped in a passfile


@pytest.fixture
def maria_user(maria_admin: sa.Engine) -> Iterator[tuple[str, str, str]]:
    """A MariaDB database with a user that has a password; yields (url without password, user, db)."""
    url, drop = new_maria_database(maria_admin)
    db = sa.make_url(url).database
    user = f"piscan_u_{uuid.uuid4().hex[:8]}"
    with maria_admin.connect() as conn:
        conn.execute(sa.text(f"CREATE USER '{user}'@'%' IDENTIFIED BY '{RIGHT_PW}'"))
        conn.execute(sa.text(f"GRANT SELECT ON `{db}`.* TO '{user}'@'%'"))
    _execute(
        url,
        (
            "CREATE TABLE people (id INT PRIMARY KEY, email VARCHAR(100))",
            "INSERT INTO people VALUES (1, 'ann.lee@example.com'), (2, 'bo.chen@example.org')",
        ),
    )
    host = MARIA_HOST.split("@", 1)[1]
    yield f"mysql+pymysql://{user}@{host}/{db}?charset=utf8mb4", user, db
    with maria_admin.connect() as conn:
        conn.execute(sa.text(f"DROP USER IF EXISTS '{user}'@'%'"))
    drop()


@pytest.fixture
def no_password_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Neither PISCAN_DB_PASSWORD nor a real ~/.pgpass may help a test by accident."""
    monkeypatch.delenv("PISCAN_DB_PASSWORD", raising=False)
    monkeypatch.setenv("PISCAN_PASSFILE", str(tmp_path / "no-such-passfile"))


# -- 1. unreachable host --------------------------------------------------------------------------
def test_unreachable_host_is_one_line_error_without_the_password(cli):
    run = cli("scan", "postgresql+psycopg://postgres:Hunter2-pw@127.0.0.1:1/x", "-q")
    line = _error(run, "Hunter2-pw")
    assert "cannot connect to postgresql+psycopg://postgres@127.0.0.1:1/x" in line


def test_unreachable_second_target_keeps_the_first_targets_findings(cli, sqlite_with_email):
    bad = "postgresql+psycopg://postgres:Hunter2-pw@127.0.0.1:1/x"
    run = cli("scan", sqlite_with_email, bad, "-f", "csv")
    assert run.code == 2, run  # a whole target could not be opened
    _clean(run, "Hunter2-pw")
    assert ("main.contacts.email", "EMAIL_ADDRESS") in _found(_csv(run))
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith(f"piscan: skipped {UNREACHABLE}: cannot connect"), lines[0]


# -- 2. passwords ---------------------------------------------------------------------------------
def test_wrong_password_in_url_is_never_echoed(cli, maria_user, no_password_env):
    url, user, _ = maria_user
    with_pw = url.replace(f"{user}@", f"{user}:{WRONG_PW.replace('@', '%40')}@")
    line = _error(cli("scan", with_pw, "-q"), WRONG_PW, WRONG_PW.replace("@", "%40"), RIGHT_PW)
    assert "Access denied" in line
    assert f"cannot connect to {url}:" in line


def test_wrong_password_from_env_is_never_echoed(cli, maria_user, no_password_env, monkeypatch):
    url, _, _ = maria_user
    monkeypatch.setenv("PISCAN_DB_PASSWORD", WRONG_PW)
    assert "Access denied" in _error(cli("scan", url, "-q"), WRONG_PW, RIGHT_PW)


def _assert_scanned_without_password(cli, url: str) -> None:
    for fmt in ("csv", "json"):
        run = cli("scan", url, "-f", fmt, "-q")
        assert run.code == 0, run
        _clean(run, RIGHT_PW, RIGHT_PW.replace(":", "%3A"))
        rows = _csv(run) if fmt == "csv" else json.loads(run.stdout)["results"]
        found = _found(rows)
        assert found.keys() == {(f"{sa.make_url(url).database}.people.email", "EMAIL_ADDRESS")}
        assert {r["source"] for r in rows} == {url}


def test_right_password_from_env(cli, maria_user, no_password_env, monkeypatch):
    url, _, _ = maria_user
    monkeypatch.setenv("PISCAN_DB_PASSWORD", RIGHT_PW)
    _assert_scanned_without_password(cli, url)


def test_right_password_from_passfile(cli, maria_user, no_password_env, monkeypatch, tmp_path):
    url, user, db = maria_user
    passfile = tmp_path / "pgpass"
    host, port = sa.make_url(url).host, sa.make_url(url).port or 3306
    escaped = RIGHT_PW.replace(":", "\\:")
    passfile.write_text(
        f"# comment\nother-host:{port}:{db}:{user}:{WRONG_PW}\n{host}:{port}:*:{user}:{escaped}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PISCAN_PASSFILE", str(passfile))
    _assert_scanned_without_password(cli, url)


# -- 3. dialects and drivers ----------------------------------------------------------------------
def test_unknown_dialect(cli):
    line = _error(cli("scan", "foo://x/y", "-q"))
    assert "unknown database dialect or driver 'foo'" in line


@pytest.mark.parametrize(
    ("driver", "module"), [("postgresql+pg8000", "pg8000"), ("mysql+mysqldb", "MySQLdb")]
)
def test_known_dialect_with_missing_driver(cli, driver, module):
    if importlib.util.find_spec(module) is not None:
        pytest.skip(f"{module} is installed here")
    line = _error(cli("scan", f"{driver}://user:S3cret-pw@127.0.0.1/x", "-q"), "S3cret-pw")
    assert f"the driver for '{driver}' is not installed ({module})" in line


# -- 4. permissions -------------------------------------------------------------------------------
@pytest.fixture
def restricted(pg_admin: sa.Engine) -> Iterator[str]:
    """A database where a login role may read ``orders``, only some columns of ``partial`` and
    nothing of ``secret``; yields the URL that connects as that role."""
    role = f"piscan_ro_{uuid.uuid4().hex[:8]}"
    with pg_admin.connect() as conn:
        conn.execute(sa.text(f'CREATE ROLE "{role}" LOGIN'))
    url, drop = new_pg_database(pg_admin)
    _execute(
        url,
        (
            "CREATE TABLE orders (id int, email text)",
            "INSERT INTO orders SELECT i, 'buyer' || i || '@example.com' FROM generate_series(1, 20) i",
            "CREATE TABLE partial (id int, email text, note text)",
            "INSERT INTO partial SELECT i, 'p' || i || '@example.net', 'x' FROM generate_series(1, 20) i",
            "CREATE TABLE secret (id int, email text)",
            "INSERT INTO secret SELECT i, 's' || i || '@example.org' FROM generate_series(1, 20) i",
            f'GRANT SELECT ON orders TO "{role}"',
            f'GRANT SELECT (id, email) ON partial TO "{role}"',
        ),
    )
    yield sa.make_url(url).set(username=role).render_as_string(hide_password=False)
    drop()
    with pg_admin.connect() as conn:
        conn.execute(sa.text(f'DROP ROLE IF EXISTS "{role}"'))


def test_unreadable_table_and_column_are_skipped_and_the_rest_is_found(cli, restricted):
    run = cli("scan", restricted, "-f", "json", "-q")
    assert run.code == 0, run  # the findings (emails) are declared under xwms
    _clean(run)
    doc = json.loads(run.stdout)
    found = _found(doc)
    assert ("public.orders.email", "EMAIL_ADDRESS") in found
    assert ("public.partial.email", "EMAIL_ADDRESS") in found
    assert found[("public.orders.email", "EMAIL_ADDRESS")]["matches"] == 20
    assert not [loc for loc, _ in found if loc.startswith("public.secret")]
    skipped = _skipped(doc)
    assert set(skipped) == {"public.secret", "public.partial.note"}
    assert "permission denied for table secret" in skipped["public.secret"]
    assert "permission denied" in skipped["public.partial.note"]
    assert doc["tables_scanned"] == 2

    run = cli("scan", restricted, "-f", "csv", "-q", "--fail-on", "any")
    assert run.code == 1, run  # exit code follows the findings, not the skipped table
    _clean(run)
    assert {loc for loc, _ in _found(_csv(run))} == {"public.orders.email", "public.partial.email"}
    lines = run.stderr.splitlines()
    assert any(
        ln.startswith("piscan: skipped ") and ln.endswith("public.secret: " + skipped["public.secret"])
        for ln in lines
    ), run.stderr
    assert lines[-1] == "piscan: coverage: read 2 of 3 tables; not read: 1 table, 1 column", run.stderr
    assert len(lines) == 3, run.stderr
    run = cli("scan", restricted, "-f", "csv", "-q", "--fail-on-skipped")
    assert run.code == 3, run  # two skipped locations: the table and the column


# -- 5. values the driver cannot decode -----------------------------------------------------------
def test_undecodable_column_is_skipped_and_its_neighbour_is_found(cli, pg_db):
    url = pg_db(
        "CREATE TABLE people (id int, email text, seen timestamp)",
        # 'infinity' is not on the first row: a one-row probe would not see it
        "INSERT INTO people SELECT i, 'user' || i || '@example.com',"
        " CASE WHEN i = 7 THEN 'infinity'::timestamp ELSE timestamp '2024-01-01' + i * interval '1 day' END"
        " FROM generate_series(1, 20) i",
    )
    run = cli("scan", url, "-f", "json", "-q")
    assert run.code == 0, run
    _clean(run)
    doc = json.loads(run.stdout)
    assert _skipped(doc) == {"public.people.seen": "timestamp too large (after year 10K): '…'"}
    email = _found(doc)[("public.people.email", "EMAIL_ADDRESS")]
    assert (email["matches"], email["sampled"], email["rows"]) == (20, 20, 20)
    assert run.stderr.splitlines() == [
        f"piscan: skipped {url} public.people.seen: timestamp too large (after year 10K): '…'"
    ]


def test_decode_failure_part_way_through_a_table_counts_nothing_twice(cli, pg_db):
    url = pg_db(
        "CREATE TABLE visits (id int, email text, seen timestamp)",
        # rows are streamed 1000 at a time: the bad value is in the third batch
        "INSERT INTO visits SELECT i, 'user' || (i % 10) || '@example.com',"
        " CASE WHEN i = 2050 THEN 'infinity'::timestamp ELSE timestamp '2024-01-01' END"
        " FROM generate_series(1, 2100) i",
    )
    run = cli("scan", url, "-f", "json", "-q", "--full", "--exhaustive")
    assert run.code == 0, run
    doc = json.loads(run.stdout)
    assert set(_skipped(doc)) == {"public.visits.seen"}
    email = _found(doc)[("public.visits.email", "EMAIL_ADDRESS")]
    assert (email["matches"], email["sampled"], email["rows"]) == (2100, 2100, 2100)


# -- 6. bytes that are not UTF-8 ------------------------------------------------------------------
def test_sqlite_text_with_invalid_utf8(cli, tmp_path):
    path = tmp_path / "latin.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, note TEXT, email TEXT)")
        insert = "INSERT INTO notes (note, email) VALUES (CAST(x'{}' AS TEXT), '{}')"
        conn.execute(insert.format("4dfc6c6c6572ff", "a.b@example.com"))  # latin1 'Müller\xff'
        conn.execute(insert.format("c328fffe", "c.d@example.org"))
        assert conn.execute("SELECT DISTINCT typeof(note) FROM notes").fetchall() == [("text",)]
    conn.close()
    run = cli("scan", str(path), "-f", "json", "-q")
    assert run.code == 0, run
    _clean(run)
    doc = json.loads(run.stdout)
    assert doc["skipped"] == []
    assert _found(doc)[("main.notes.email", "EMAIL_ADDRESS")]["matches"] == 2


def test_mariadb_latin1_and_binary_bytes(cli, maria_admin):
    url, drop = new_maria_database(maria_admin)
    try:
        _execute(
            url,
            (
                "CREATE TABLE legacy (id INT, note TEXT CHARACTER SET latin1, raw BLOB, email VARCHAR(100))",
                # latin1 'Müller\xff' and raw bytes that are not UTF-8
                "INSERT INTO legacy VALUES (1, X'4DFC6C6C6572FF', X'C328FFFE', 'jane.doe@example.com'),"
                " (2, X'E9', X'80', 'bob@example.org')",
            ),
        )
        run = cli("scan", url, "-f", "json", "-q")
        assert run.code == 0, run
        _clean(run)
        doc = json.loads(run.stdout)
        assert doc["skipped"] == []
        db = sa.make_url(url).database
        assert _found(doc)[(f"{db}.legacy.email", "EMAIL_ADDRESS")]["matches"] == 2
    finally:
        drop()


# -- 7. empty database, empty table ---------------------------------------------------------------
def test_empty_database_is_a_note_and_not_clean(cli, pg_db):
    url = pg_db()
    run = cli("scan", url, "-f", "json", "-q")
    assert run.code == 3, run  # nothing was read: not an error, not clean either
    _clean(run)
    assert run.stderr == f"piscan: coverage: read 0 of 0 tables; nothing read from {url}\n"
    doc = json.loads(run.stdout)
    assert doc["results"] == [] and doc["skipped"] == []
    assert "no tables found" in _notes(doc)[""]
    table = cli("scan", url, "-q")
    assert table.code == 3, table
    assert "no tables found" in " ".join(table.stdout.split())  # rich wraps at the console width


def test_empty_table_is_judged_by_column_names(cli, pg_db):
    url = pg_db("CREATE TABLE signups (id int, email text, created date)")
    run = cli("scan", url, "-f", "json", "-q")
    assert run.code == 0, run
    _clean(run)
    doc = json.loads(run.stdout)
    assert _notes(doc) == {"public.signups": "table is empty: judged by column names only"}
    email = _found(doc)[("public.signups.email", "EMAIL_ADDRESS")]
    assert (email["evidence"], email["sampled"]) == ("name", 0)
    assert doc["tables_scanned"] == 1


def test_table_whose_page_sample_comes_back_empty_is_not_called_empty(cli, pg_db):
    url = pg_db(
        "CREATE TABLE contacts (id int, email text)",
        "INSERT INTO contacts SELECT i, 'c' || i || '@example.com' FROM generate_series(1, 3000) i",
    )
    # 3000 rows fill about 20 pages; a 10 % page sample with the fixed seed draws none of them
    assert not _execute_scalar(url, "SELECT count(*) FROM contacts TABLESAMPLE SYSTEM (10) REPEATABLE (42)")
    run = cli("scan", url, "-f", "json", "-q", "--sample", "100")
    assert run.code == 0, run
    doc = json.loads(run.stdout)
    assert doc["notes"] == []
    email = _found(doc)[("public.contacts.email", "EMAIL_ADDRESS")]
    assert (email["evidence"], email["rows"]) == ("value+name", 100)


# -- 8. malformed policy files --------------------------------------------------------------------
HEAD = "id: broken\nname: Broken\ncategories:\n  - id: A\n    name: Identifiers\n"


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ("id: broken\nname: Broken: really\n", "line 2", "invalid YAML: mapping values are not allowed here"),
        (HEAD + "    entities: [EMAIL_ADDRESS]\n", "categories.0", "'declared' is a required property"),
        (
            HEAD + "    declared: true\n    entities: [EMAIL_ADDRESS, NOT_AN_ENTITY]\n",
            "categories.0.entities.1",
            "unknown entity 'NOT_AN_ENTITY'",
        ),
        (
            HEAD + "    declared: maybe\n    entities: [EMAIL_ADDRESS]\n",
            "categories.0.declared",
            "'maybe' is not of type 'boolean'",
        ),
    ],
    ids=["yaml-syntax", "missing-key", "unknown-entity", "declared-maybe"],
)
def test_malformed_policy_names_file_key_and_problem(cli, tmp_path, sqlite_with_email, text, key, problem):
    policy = tmp_path / "policy.yaml"
    policy.write_text(text, encoding="utf-8")
    line = _error(cli("scan", sqlite_with_email, "-p", str(policy), "-q"))
    assert line.startswith(f"piscan: error: {policy}: {key}: {problem}"), line


# -- 9. Ctrl-C ------------------------------------------------------------------------------------
def test_ctrl_c_prints_what_was_found_so_far(pg_db, pg_admin):
    url = pg_db(
        "CREATE TABLE customers (id int, email text)",
        "INSERT INTO customers SELECT i, 'client' || i || '@example.com' FROM generate_series(1, 30) i",
        "CREATE VIEW zz_slow AS SELECT pg_sleep(30)::text AS note",
    )
    code, stdout, stderr = interrupt_scan(pg_admin, url, "zz_slow", "scan", url, "-f", "csv", "--views")
    run = Run(code, stdout, stderr)
    assert run.code == 130, run
    _clean(run)
    found = _found(_csv(run))
    assert found[("public.customers.email", "EMAIL_ADDRESS")]["matches"] == "30"
    assert run.stderr.splitlines()[-1] == "piscan: interrupted: the report above holds what was found so far"


# -- 10. statement timeout ------------------------------------------------------------------------
SLOW_VIEWS = {
    "postgresql": "CREATE VIEW slow AS SELECT pg_sleep(5)::text AS note",
    "mariadb": "CREATE VIEW slow AS SELECT SLEEP(5) AS note",
    # counting to a billion takes far longer than the 1 s timeout
    "sqlite": "CREATE VIEW slow AS WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n"
    " WHERE x < 1000000000) SELECT max(x) AS note FROM n",
}


@pytest.fixture(params=sorted(SLOW_VIEWS))
def slow_view_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str, str]]:
    """A table of 30 emails and a view slower than the timeout; yields (url, schema, dialect)."""
    dialect = request.param
    statements = (
        "CREATE TABLE customers (id int, email varchar(100))",
        *(f"INSERT INTO customers VALUES ({i}, 'client{i}@example.com')" for i in range(30)),
        SLOW_VIEWS[dialect],
    )
    if dialect == "sqlite":
        url, drop = f"sqlite:///{tmp_path / 'slow.sqlite'}", lambda: None
    elif dialect == "postgresql":
        url, drop = new_pg_database(request.getfixturevalue("pg_admin"))
    else:
        url, drop = new_maria_database(request.getfixturevalue("maria_admin"))
    _execute(url, statements)
    schema = {"sqlite": "main", "postgresql": "public"}.get(dialect, sa.make_url(url).database)
    yield url, schema, dialect
    drop()


def test_slow_view_times_out_and_the_rest_is_found(cli, slow_view_db):
    url, schema, dialect = slow_view_db
    run = cli("scan", url, "-f", "json", "-q", "--views", "--timeout", "1")
    assert run.code == 0, run
    _clean(run)
    doc = json.loads(run.stdout)
    skipped = _skipped(doc)
    assert set(skipped) == {f"{schema}.slow"}
    reason = skipped[f"{schema}.slow"]
    assert reason.startswith("timed out after 1s: "), reason
    expected = {"postgresql": "statement timeout", "mariadb": "max_statement_time", "sqlite": "interrupted"}
    assert expected[dialect] in reason
    assert _found(doc)[(f"{schema}.customers.email", "EMAIL_ADDRESS")]["matches"] == 30
