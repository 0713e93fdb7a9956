"""SQL-hostile identifiers on both servers (quotes, backticks, spaces, unicode, keywords in table
and column names) are read like any other, and tables a MariaDB role cannot see are reported."""

from __future__ import annotations

import json
import uuid

import pytest
import sqlalchemy as sa

from tests.conftest import run_cli
from tests.reliability.conftest import execute

NAMES = ['we"ird', "it's", "back`tick", "two words", "sélect ünïcode", "select", "from", "a;drop"]


def _quote(url: str, name: str) -> str:
    if url.startswith("postgresql"):
        return '"' + name.replace('"', '""') + '"'
    return "`" + name.replace("`", "``") + "`"


@pytest.mark.parametrize("server_db", ["postgresql", "mariadb"], indirect=True)
def test_hostile_table_and_column_names_are_read(server_db: str) -> None:
    """Every column named like an attack holds e-mails, and every one is found."""
    text = "text" if server_db.startswith("postgresql") else "varchar(80)"
    statements = []
    for i, name in enumerate(NAMES):
        table, col = _quote(server_db, f"{name} t{i}"), _quote(server_db, name)
        statements += [
            f"CREATE TABLE {table} ({col} {text})",
            f"INSERT INTO {table} VALUES ('first.person{i}@example.com'), ('second.person{i}@example.org')",
        ]
    execute(server_db, *statements)
    run = run_cli("scan", server_db, "-f", "json", "-q", "--fail-on", "never")
    assert run.code == 0 and "Traceback" not in run.stderr, run
    doc = json.loads(run.stdout)
    assert not doc["skipped"], doc["skipped"]
    found = {r["location"].split(".", 1)[1] for r in doc["results"] if r["entity"] == "EMAIL_ADDRESS"}
    assert found == {f"{name} t{i}.{name}" for i, name in enumerate(NAMES)}, found


def test_mariadb_tables_without_a_grant_are_reported(maria_db: str, maria_admin: sa.Engine) -> None:
    """A role granted one table of two cannot see the other; the scan says the schema may hold
    tables it could not list, instead of looking complete."""
    execute(
        maria_db,
        "CREATE TABLE granted (email varchar(80))",
        "CREATE TABLE hidden (email varchar(80))",
        "INSERT INTO granted VALUES ('one.person@example.com'), ('two.person@example.org')",
    )
    db = sa.make_url(maria_db).database
    user = f"piscan_one_{uuid.uuid4().hex[:6]}"
    with maria_admin.connect() as conn:
        conn.execute(sa.text(f"CREATE USER '{user}'@'%'"))
        conn.execute(sa.text(f"GRANT SELECT ON `{db}`.`granted` TO '{user}'@'%'"))
    try:
        url = str(sa.make_url(maria_db).set(username=user))
        run = run_cli("scan", url, "-f", "json", "-q", "--fail-on", "never")
    finally:
        with maria_admin.connect() as conn:
            conn.execute(sa.text(f"DROP USER IF EXISTS '{user}'@'%'"))
    doc = json.loads(run.stdout)
    skipped = {s["location"]: s["reason"] for s in doc["skipped"]}
    assert "invisible to it" in skipped.get(db, ""), doc["skipped"]
    assert any(r["location"] == f"{db}.granted.email" for r in doc["results"])
