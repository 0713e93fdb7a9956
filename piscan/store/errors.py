"""The store's one error type: a one-line message with no password in it."""

from __future__ import annotations

from piscan.errors import PiscanError


class StoreError(PiscanError):
    """The inventory store cannot be opened, migrated, read or written."""
