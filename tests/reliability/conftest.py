"""The red-team battery's helpers: every output of one scan (each report format, stderr and the
inventory store) gathered into one text, so a test can assert that a raw value or a password
appears nowhere."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import Run, new_maria_database, new_pg_database, run_cli
from sqlalchemy.pool import NullPool

FORMATS = ("table", "json", "csv", "sarif", "junit", "html")


def execute(url: str, *statements: str) -> None:
    """Run statements on a test database (the tests' own seeding, never piscan's)."""
    engine = sa.create_engine(url, poolclass=NullPool)
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(sa.text(statement))
    engine.dispose()


def store_text(path: Path) -> str:
    """Every value of every table of an SQLite inventory store, as one text."""
    if not path.exists():
        return ""
    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def all_outputs(tmp_path: Path, *args: str) -> tuple[str, list[Run]]:
    """Scan once per format (the first one recorded in a fresh store); returns every stdout,
    stderr and written byte as one text, and the runs."""
    store = tmp_path / "store.sqlite"
    runs, texts = [], []
    for i, fmt in enumerate(FORMATS):
        extra = ("--record", "--store", str(store)) if i == 0 else ()
        run = run_cli("scan", *args, "--format", fmt, "--quiet", *extra)
        runs.append(run)
        texts += [run.stdout, run.stderr]
    texts.append(store_text(store))
    history = run_cli("history", "--store", str(store))
    runs.append(history)
    texts += [history.stdout, history.stderr]
    return "\n".join(texts), runs


@pytest.fixture
def pg_db(pg_admin: sa.Engine) -> Iterator[str]:
    """An empty PostgreSQL database of this test."""
    url, drop = new_pg_database(pg_admin)
    yield url
    drop()


@pytest.fixture
def maria_db(maria_admin: sa.Engine) -> Iterator[str]:
    """An empty MariaDB database of this test."""
    url, drop = new_maria_database(maria_admin)
    yield url
    drop()


@pytest.fixture(params=["postgresql", "mariadb"])
def server_db(request: pytest.FixtureRequest) -> str:
    """An empty database on each server."""
    return request.getfixturevalue("pg_db" if request.param == "postgresql" else "maria_db")


Outputs = Callable[..., tuple[str, list[Run]]]
