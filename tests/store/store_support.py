"""Databases for the store tests, reached through the root conftest's admin fixtures and not through
``import conftest``, which names whichever conftest.py Python imported last."""

from __future__ import annotations

import importlib.util
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]


def examples() -> ModuleType:
    """examples/make_staging_db.py (the root conftest has usually loaded it already)."""
    module = sys.modules.get("make_staging_db")
    if module is None:
        spec = importlib.util.spec_from_file_location(
            "make_staging_db", ROOT / "examples" / "make_staging_db.py"
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules["make_staging_db"] = module
        spec.loader.exec_module(module)
    return module


@contextmanager
def fresh_database(admin: sa.Engine) -> Iterator[str]:
    """An empty database on the admin engine's server (PostgreSQL or MariaDB); dropped afterwards."""
    name = f"piscan_{uuid.uuid4().hex[:10]}"
    quoted = admin.dialect.identifier_preparer.quote_identifier(name)
    mysql = admin.dialect.name == "mysql"
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {quoted}" + (" CHARACTER SET utf8mb4" if mysql else "")))
    url = admin.url.set(database=name)
    if mysql:
        url = url.update_query_dict({"charset": "utf8mb4"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {quoted}" + ("" if mysql else " WITH (FORCE)")))
