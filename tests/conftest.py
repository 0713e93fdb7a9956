"""Seeded databases for the tests: SQLite always; PostgreSQL and MariaDB on this machine.

Each session creates its own databases with random names, seeds them with the example data
(examples/make_staging_db.py) and drops them at the end. A test that needs a server skips
when it is unreachable on a developer's laptop, but fails under CI (CI=true).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
PG_HOST = os.environ.get("PISCAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
MARIA_HOST = os.environ.get("PISCAN_TEST_MARIADB", "mysql+pymysql://root@127.0.0.1:3306")


def _load_examples() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_staging_db", ROOT / "examples" / "make_staging_db.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_staging_db"] = module
    spec.loader.exec_module(module)
    return module


EXAMPLES = _load_examples()


def _unavailable(what: str, exc: Exception) -> None:
    message = f"{what} is not reachable: {str(exc).splitlines()[0]}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _admin(url: str, what: str) -> sa.Engine:
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        _unavailable(what, exc)
    return engine


@pytest.fixture(scope="session")
def pg_admin() -> sa.Engine:
    """An autocommit engine on the server's ``postgres`` database."""
    return _admin(f"{PG_HOST}/postgres", "PostgreSQL")


@pytest.fixture(scope="session")
def maria_admin() -> sa.Engine:
    """An autocommit engine on the MariaDB server."""
    return _admin(f"{MARIA_HOST}/", "MariaDB")


def new_pg_database(admin: sa.Engine) -> tuple[str, callable]:
    """Create an empty PostgreSQL database; returns its URL and a function that drops it."""
    name = f"piscan_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return f"{PG_HOST}/{name}", drop


def new_maria_database(admin: sa.Engine) -> tuple[str, callable]:
    """Create an empty MariaDB database; returns its URL and a function that drops it."""
    name = f"piscan_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))

    return f"{MARIA_HOST}/{name}?charset=utf8mb4", drop


@pytest.fixture(scope="session")
def pg_url(pg_admin: sa.Engine) -> Iterator[str]:
    """A PostgreSQL database seeded with the example data."""
    url, drop = new_pg_database(pg_admin)
    EXAMPLES.build(url)
    yield url
    drop()


@pytest.fixture(scope="session")
def maria_url(maria_admin: sa.Engine) -> Iterator[str]:
    """A MariaDB database seeded with the example data."""
    url, drop = new_maria_database(maria_admin)
    EXAMPLES.build(url)
    yield url
    drop()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An SQLite file seeded with the example data."""
    path = tmp_path_factory.mktemp("sqlite") / "staging.sqlite"
    EXAMPLES.build(f"sqlite:///{path}")
    return f"sqlite:///{path}"


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def seeded_url(request: pytest.FixtureRequest) -> str:
    """The same seeded data on each of the three databases."""
    fixture = {"sqlite": "sqlite_url", "postgresql": "pg_url", "mariadb": "maria_url"}[request.param]
    return request.getfixturevalue(fixture)


class Run:
    """The outcome of one CLI invocation."""

    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.code, self.stdout, self.stderr = code, stdout, stderr

    def __repr__(self) -> str:
        return f"Run(code={self.code}, stderr={self.stderr[-500:]!r})"


def run_cli(*args: str) -> Run:
    """Run ``piscan ARGS`` in-process (the spaCy model stays loaded between tests)."""
    from piscan.cli import app

    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def cli():
    """The CLI runner."""
    return run_cli


def _running(admin: sa.Engine, db: str, needle: str) -> bool:
    """Whether PostgreSQL is running a query containing ``needle`` in database ``db``."""
    query = sa.text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = :db AND state = 'active'"
        " AND pid <> pg_backend_pid() AND strpos(query, :needle) > 0"
    )
    with admin.connect() as conn:
        return bool(conn.execute(query, {"db": db, "needle": needle}).scalar())


def interrupt_scan(
    admin: sa.Engine, url: str, needle: str, *args: str, after: float = 0.0
) -> tuple[int, str, str]:
    """Run ``python -m piscan ARGS``, send Ctrl-C ``after`` seconds once the database runs a query
    containing ``needle``, and return (exit code, stdout, stderr)."""
    import signal
    import subprocess
    import time

    db = sa.make_url(url).database
    proc = subprocess.Popen(
        [sys.executable, "-m", "piscan", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a shell that started pytest in the background may have left SIGINT ignored
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 60
        while not _running(admin, db, needle):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, f"the scan never reached {needle}"
            time.sleep(0.2)
        time.sleep(after)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return proc.returncode, stdout, stderr
