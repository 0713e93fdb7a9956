"""The inventory store: every scan recorded, listed, compared and exported through SQLAlchemy Core."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from alembic.util.exc import CommandError
from sqlalchemy import Engine, RowMapping, select
from sqlalchemy.engine import URL

from piscan.errors import TargetError
from piscan.model import ScanResult
from piscan.sources import credentials
from piscan.store import connect, migrate, queries
from piscan.store import schema as t
from piscan.store.diff import Change, compare, judgements
from piscan.store.errors import StoreError
from piscan.store.record import insert_scan

_REFERENCE = re.compile(r"(?P<id>\d+)|latest(?:~(?P<tilde>\d+))?|-(?P<minus>\d+)")


@dataclass(frozen=True)
class ScanSummary:
    """One line of ``piscan history``."""

    id: int
    started: str
    finished: str
    targets: tuple[str, ...]
    policies: tuple[str, ...]
    findings: int  # (location, entity) findings
    undeclared: int  # verdicts whose category the policy does not declare
    interrupted: bool


class Store:
    """An open, migrated inventory store; use as a context manager or call close()."""

    def __init__(self, engine: Engine, url: URL) -> None:
        self.engine, self._url = engine, url

    @property
    def public(self) -> str:
        """The store's URL without its password."""
        return connect.public(self._url)

    def record(self, result: ScanResult) -> int:
        """Store a finished (or interrupted) scan in one transaction; returns its scan id."""
        with connect.guard(self._url, "cannot write to"), self.engine.begin() as conn:
            return insert_scan(conn, result)

    def scans(self, limit: int | None = 20, source: str | None = None) -> list[ScanSummary]:
        """The newest scans first (of one source, when given)."""
        with connect.guard(self._url, "cannot read"), self.engine.connect() as conn:
            ids = queries.scan_ids(conn, _source(source), limit)
            rows = conn.execute(select(t.scans).where(t.scans.c.id.in_(ids))).mappings().all()
            targets = queries.per_scan(conn, t.targets.c.source, ids, t.targets.c.position)
            policies = queries.per_scan(conn, t.policies.c.policy, ids, t.policies.c.policy)
        by_id = {r["id"]: r for r in rows}
        return [_summary(by_id[i], targets.get(i, ()), policies.get(i, ())) for i in ids]

    def resolve(self, ref: int | str, source: str | None = None) -> int:
        """A scan id from ``7``, ``latest``, ``latest~1`` (the one before) or ``-1`` (= latest), ``-2`` ...

        With ``source``, ``latest`` and negative references count only scans of that source.
        """
        text = str(ref).strip()
        back = _steps_back(text)
        with connect.guard(self._url, "cannot read"), self.engine.connect() as conn:
            if back is None:
                if conn.execute(select(t.scans.c.id).where(t.scans.c.id == int(text))).first() is None:
                    raise StoreError(f"no scan {text} in the inventory store")
                return int(text)
            ids = queries.scan_ids(conn, _source(source), back + 1)
        if len(ids) <= back:
            of = f" of {_source(source)}" if source else ""
            raise StoreError(f"no scan {text} in the inventory store: it holds {len(ids)} scans{of}")
        return ids[back]

    def resolve_pair(
        self, a: int | str, b: int | str, source: str | None = None
    ) -> tuple[int, int, str | None]:
        """Scans A and B of the same source: with no source given, B's own (one target) or scans of
        exactly B's targets (several), so ``latest~1`` is the previous scan of what B scanned."""
        src = _source(source)
        if src is not None:
            return self.resolve(a, src), self.resolve(b, src), src
        second = self.resolve(b)
        with connect.guard(self._url, "cannot read"), self.engine.connect() as conn:
            mine = queries.per_scan(conn, t.targets.c.source, [second], t.targets.c.position).get(second, ())
            if len(mine) == 1:
                src = mine[0]
            ids = queries.scan_ids(conn, src, None)
            if src is None:
                targets = queries.per_scan(conn, t.targets.c.source, ids, t.targets.c.position)
                ids = [i for i in ids if set(targets.get(i, ())) == set(mine)]
        back = _steps_back(str(a).strip())
        if back is None:
            return self.resolve(a), second, src
        earlier = [i for i in ids if i <= second]
        if len(earlier) <= back:
            of = src or ", ".join(mine)
            raise StoreError(
                f"no scan {a} of {of} in the inventory store: it holds {len(earlier)} up to scan {second}"
            )
        return earlier[back], second, src

    def diff(self, a: int | str, b: int | str, source: str | None = None) -> list[Change]:
        """Verdicts that appeared, vanished or changed from scan A to scan B (of one source, if given)."""
        src = _source(source)
        first, second = self.resolve(a, src), self.resolve(b, src)
        with connect.guard(self._url, "cannot read"), self.engine.connect() as conn:
            before = judgements(queries.verdict_rows(conn, first, src))
            after = judgements(queries.verdict_rows(conn, second, src))
        return compare(before, after)

    def inventory(self) -> list[dict[str, object]]:
        """The latest inventory: for each source, the verdicts of its most recent complete scan."""
        with connect.guard(self._url, "cannot read"), self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(queries.inventory()).mappings()]

    def close(self) -> None:
        """Release the store's connections."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def open_store(url: str | None = None, create: bool = True) -> Store:
    """Open (creating and migrating to head) the store at a URL or SQLite path, PISCAN_STORE_URL,
    or the default file ``inventory.sqlite`` in the data directory.

    ``create=False`` (history, diff, export): a named SQLite store that does not exist is an error,
    so a mistyped ``--store`` path is not silently a new, empty store.
    """
    resolved = connect.resolve_url(url)
    named = url or os.environ.get(connect.STORE_URL_ENV)
    if not create and named and resolved.get_backend_name() == "sqlite":
        path = resolved.database or ""
        if path not in ("", ":memory:") and not Path(path).exists():
            raise StoreError(f"no inventory store at {path}: check --store or {connect.STORE_URL_ENV}")
    engine = connect.create(resolved)
    try:
        with connect.guard(resolved, "cannot open"):
            migrate.upgrade(engine)
    except CommandError as exc:
        engine.dispose()
        raise StoreError(f"cannot migrate inventory store {connect.public(resolved)}: {exc}") from None
    except BaseException:
        engine.dispose()
        raise
    return Store(engine, resolved)


def _steps_back(text: str) -> int | None:
    """How many scans before the newest a reference means; None for a plain scan id."""
    match = _REFERENCE.fullmatch(text)
    if match is None or match["minus"] == "0" or match["id"] == "0":
        raise StoreError(f"not a scan reference: {text!r} (use an id, latest, latest~N or -N)")
    if match["id"]:
        return None
    return int(match["tilde"] or 0) if match["minus"] is None else int(match["minus"]) - 1


def _source(source: str | None) -> str | None:
    """Sources are stored as reports show them, so a URL given with its password matches without it."""
    if source is None or "://" not in source:
        return source
    try:
        return credentials.public(credentials.parse(source))
    except (TargetError, ValueError):
        return credentials.redact_text(source)


def _summary(row: RowMapping, targets: tuple[str, ...], policies: tuple[str, ...]) -> ScanSummary:
    return ScanSummary(
        row["id"],
        row["started"],
        row["finished"],
        targets,
        policies,
        row["findings"],
        row["undeclared"],
        bool(row["interrupted"]),
    )
