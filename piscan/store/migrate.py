"""Schema migrations with Alembic, run in-process from the folder shipped inside the package."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, func, select

from piscan.store.errors import StoreError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "piscan_alembic_version"  # the same name as in migrations/env.py
PG_LOCK_KEY = 0x70697363616E  # "piscan"
LOCK_NAME = "piscan_store_migration"
LOCK_WAIT = 60  # seconds


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision this piscan knows."""
    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None
    return revision


def known() -> set[str]:
    """Every revision this piscan ships."""
    return {s.revision for s in ScriptDirectory.from_config(_config()).walk_revisions()}


def current(connection: Connection) -> str | None:
    """The store's revision, or None for an empty database."""
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


def upgrade(engine: Engine, target: str = "head") -> None:
    """Bring the store to ``target`` (head on every open); a newer store than this piscan is an error.

    Two piscan processes opening a fresh store at once must not both create its tables: the
    second waits until the first has committed, then finds the store at head.
    """
    with _named_lock(engine), engine.begin() as connection:
        _transaction_lock(connection)
        found = current(connection)
        if found is not None and found not in known():
            raise StoreError(
                f"the inventory store has schema revision {found}, newer than this piscan knows "
                f"({head()}): upgrade piscan"
            )
        command.upgrade(_config(connection), target)


def _transaction_lock(connection: Connection) -> None:
    """A lock that the migration's own commit releases."""
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(PG_LOCK_KEY)))
    elif connection.dialect.name == "sqlite":  # pysqlite runs DDL outside any transaction otherwise
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def _named_lock(engine: Engine) -> Iterator[None]:
    """MySQL/MariaDB commit DDL implicitly, so a named lock on a second session spans the whole
    migration and is released only after its final commit."""
    if engine.dialect.name not in {"mysql", "mariadb"}:
        yield
        return
    with engine.connect() as holder:
        holder.execute(select(func.get_lock(LOCK_NAME, LOCK_WAIT)))
        try:
            yield
        finally:
            holder.execute(select(func.release_lock(LOCK_NAME)))
