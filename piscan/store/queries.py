"""The store's read queries, as SQLAlchemy Core expressions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Column, Connection, RowMapping, Select, and_, func, literal, select

from piscan.reporters.base import CSV_COLUMNS_V1
from piscan.store import schema as t
from piscan.store.record import FAILED, SCANNED


def scan_ids(conn: Connection, source: str | None, limit: int | None) -> list[int]:
    """Scan ids, newest first; with a source, only scans that read it (not those that failed to open it)."""
    query = select(t.scans.c.id).order_by(t.scans.c.id.desc())
    if source is not None:
        read = select(t.targets.c.scan_id).where(t.targets.c.source == source, t.targets.c.status != FAILED)
        query = query.where(t.scans.c.id.in_(read))
    if limit is not None:
        query = query.limit(limit)
    return [int(i) for i in conn.execute(query).scalars()]


def per_scan(
    conn: Connection, value: Column, ids: Sequence[int], order: Column
) -> dict[int, tuple[str, ...]]:
    """One column of a per-scan table (targets, policies) gathered per scan id."""
    table = value.table
    rows = conn.execute(
        select(table.c.scan_id, value).where(table.c.scan_id.in_(ids)).order_by(table.c.scan_id, order)
    )
    out: dict[int, tuple[str, ...]] = {}
    for scan_id, item in rows:
        out[scan_id] = (*out.get(scan_id, ()), item)
    return out


def verdict_rows(conn: Connection, scan_id: int, source: str | None) -> list[RowMapping]:
    """The verdicts of one scan (of one source, when given)."""
    query = select(t.verdicts).where(t.verdicts.c.scan_id == scan_id)
    if source is not None:
        query = query.where(t.verdicts.c.source == source)
    return list(conn.execute(query).mappings())


def inventory() -> Select:
    """Per source, the verdicts of its newest scan that read it completely, with the category's wording.

    Undeclared rows first, then by source, location, entity and policy, as scan reports order them.
    """
    latest = (
        select(t.targets.c.source, func.max(t.targets.c.scan_id).label("scan_id"))
        .where(t.targets.c.status == SCANNED)
        .group_by(t.targets.c.source)
        .subquery()
    )
    v, c = t.verdicts, t.categories
    category = and_(c.c.scan_id == v.c.scan_id, c.c.policy == v.c.policy, c.c.category == v.c.category)
    joined = (
        v.join(latest, and_(v.c.scan_id == latest.c.scan_id, v.c.source == latest.c.source))
        .join(t.scans, t.scans.c.id == v.c.scan_id)
        .outerjoin(c, category)
    )
    columns = [v.c[name] for name in VERDICT_COLUMNS]
    return (
        select(
            *columns,
            v.c.scan_id,
            t.scans.c.started.label("scanned_at"),
            func.coalesce(c.c.wording, literal("")).label("wording"),
            v.c.rows_sampled,
            v.c.fingerprint,
        )
        .select_from(joined)
        .order_by(v.c.declared, v.c.source, v.c.location, v.c.entity, v.c.policy)
    )


VERDICT_COLUMNS = CSV_COLUMNS_V1  # the scan CSV contract the store records, shared with the export
