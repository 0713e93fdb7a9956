"""Turn a target string into a source: a SQLAlchemy URL or a path to an SQLite file."""

from __future__ import annotations

from pathlib import Path

from piscan.errors import TargetError
from piscan.sources.credentials import redact_text
from piscan.sources.sql import SqlOptions, SqlSource

SQLITE_MAGIC = b"SQLite format 3\x00"


def open_target(target: str, options: SqlOptions) -> SqlSource:
    """Open a target; unknown kinds get a one-line error."""
    if "://" in target:
        return SqlSource(target, options)
    path = Path(target).expanduser()
    if path.is_file() and _is_sqlite(path):
        return SqlSource(f"sqlite:///{path.resolve()}", options, public=target)
    if not path.exists():
        raise TargetError(f"no such file and not a database URL: {redact_text(target)}")
    raise TargetError(f"not a database URL or an SQLite file: {redact_text(target)}")


def _is_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(16) == SQLITE_MAGIC
    except OSError:
        return False
