"""Alembic environment: piscan hands over an open connection (see piscan.store.migrate)."""

from __future__ import annotations

from alembic import context

VERSION_TABLE = "piscan_alembic_version"

connection = context.config.attributes["connection"]
context.configure(connection=connection, version_table=VERSION_TABLE, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
