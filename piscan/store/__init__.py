"""The inventory store: every scan recorded for ``piscan history``, ``diff`` and ``export``.

An embedded SQLite file in the user's data directory by default, or any SQLAlchemy URL for a
shared team store; the schema is migrated with Alembic to head whenever a store is opened.
"""

from __future__ import annotations

from piscan.store.connect import data_dir, resolve_url
from piscan.store.diff import Change, ChangeKind, Judgement
from piscan.store.errors import StoreError
from piscan.store.export import INVENTORY_COLUMNS, render_csv, render_json
from piscan.store.render import render_diff, render_history, render_history_json
from piscan.store.store import ScanSummary, Store, open_store

__all__ = [
    "INVENTORY_COLUMNS",
    "Change",
    "ChangeKind",
    "Judgement",
    "ScanSummary",
    "Store",
    "StoreError",
    "data_dir",
    "open_store",
    "render_csv",
    "render_diff",
    "render_history",
    "render_history_json",
    "render_json",
    "resolve_url",
]
