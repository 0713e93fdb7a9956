"""Read-only before the first statement: the server's own statement log shows that no
statement of piscan or of SQLAlchemy's dialect probes runs before the session is read-only."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from piscan.sources.sql import SqlOptions, SqlSource
from tests.reliability.conftest import execute


@pytest.fixture
def pg_logged_role(pg_db: str, pg_admin: sa.Engine) -> Iterator[str]:
    """A role whose every statement is logged, and the log sent to the client as it happens."""
    role = f"piscan_ro_{uuid.uuid4().hex[:8]}"
    db = sa.make_url(pg_db).database
    with pg_admin.connect() as conn:
        conn.execute(sa.text(f'CREATE ROLE "{role}" LOGIN'))
        conn.execute(sa.text(f'ALTER ROLE "{role}" SET log_statement = \'all\''))
        conn.execute(sa.text(f'ALTER ROLE "{role}" SET client_min_messages = \'log\''))
        conn.execute(sa.text(f'GRANT CONNECT ON DATABASE "{db}" TO "{role}"'))
    execute(pg_db, "CREATE TABLE t (email text)", f'GRANT SELECT ON t TO "{role}"')
    yield str(sa.make_url(pg_db).set(username=role))
    with pg_admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        conn.execute(sa.text(f'DROP ROLE IF EXISTS "{role}"'))


def test_postgresql_session_is_read_only_before_any_statement(pg_logged_role: str) -> None:
    """Every logged statement ran in a session made read-only by the startup packet (the
    setting's source is ``client``); none of them had to make it so."""
    logged: list[str] = []

    def connect(dialect, record, cargs, cparams):  # type: ignore[no-untyped-def]
        import psycopg

        conn = psycopg.connect(*cargs, **cparams)
        conn.add_notice_handler(lambda d: logged.append(d.message_primary or ""))
        return conn

    event.listen(Engine, "do_connect", connect)
    try:
        source = SqlSource(pg_logged_role, SqlOptions(statement_timeout=7))
        list(source.discover())
        with source.engine.connect() as conn:
            settings = dict(
                conn.execute(
                    sa.text(
                        "SELECT name, setting || '/' || source FROM pg_settings"
                        " WHERE name IN ('default_transaction_read_only', 'statement_timeout')"
                    )
                ).all()
            )
        source.close()
    finally:
        event.remove(Engine, "do_connect", connect)
    statements = [m.removeprefix("statement: ") for m in logged if m.startswith("statement: ")]
    assert statements, logged  # the log works: the dialect's probes and discovery are in it
    assert any("version()" in s for s in statements)
    assert not [s for s in statements if s.lstrip().upper().startswith("SET")], statements
    assert not [s for s in statements if "set_config" in s], statements
    assert settings == {"default_transaction_read_only": "on/client", "statement_timeout": "7000/client"}


@pytest.fixture
def maria_general_log(maria_admin: sa.Engine) -> Iterator[sa.Engine]:
    """The MariaDB general log, into its table for the length of the test."""
    with maria_admin.connect() as conn:
        output, on = conn.execute(sa.text("SELECT @@global.log_output, @@global.general_log")).one()
        conn.execute(sa.text("SET GLOBAL log_output = 'TABLE'"))
        conn.execute(sa.text("SET GLOBAL general_log = 1"))
    try:
        yield maria_admin
    finally:
        with maria_admin.connect() as conn:
            conn.execute(sa.text(f"SET GLOBAL general_log = {int(on)}"))
            conn.execute(sa.text(f"SET GLOBAL log_output = '{output}'"))


def test_mariadb_session_is_read_only_before_any_statement(
    maria_db: str, maria_general_log: sa.Engine
) -> None:
    """On each of piscan's connections, the first statement is PyMySQL's charset handshake and
    the second makes the session read-only; SQLAlchemy's probes and piscan's queries follow."""
    user = f"piscan_ro_{uuid.uuid4().hex[:8]}"
    db = sa.make_url(maria_db).database
    execute(maria_db, "CREATE TABLE t (email varchar(40))")
    with maria_general_log.connect() as conn:
        conn.execute(sa.text(f"CREATE USER '{user}'@'%'"))
        conn.execute(sa.text(f"GRANT SELECT ON `{db}`.* TO '{user}'@'%'"))
    try:
        source = SqlSource(str(sa.make_url(maria_db).set(username=user)), SqlOptions())
        list(source.discover())
        source.close()
        with maria_general_log.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT thread_id, command_type, CONVERT(argument USING utf8mb4) FROM mysql.general_log"
                    " WHERE thread_id IN (SELECT thread_id FROM mysql.general_log"
                    "   WHERE command_type = 'Connect' AND argument LIKE :who)"
                    " ORDER BY event_time, thread_id"
                ),
                {"who": f"{user}@%"},
            ).all()
    finally:
        with maria_general_log.connect() as conn:
            conn.execute(sa.text(f"DROP USER IF EXISTS '{user}'@'%'"))
    threads: dict[int, list[str]] = {}
    for thread, kind, argument in rows:
        if kind == "Query":
            threads.setdefault(thread, []).append(argument)
    assert len(threads) >= 2, rows  # the connection check and discovery
    for statements in threads.values():
        assert statements[0].upper().startswith("SET NAMES"), statements
        assert statements[1] == "SET SESSION TRANSACTION READ ONLY", statements
        assert not any("READ ONLY" in s for s in statements[2:]), statements
