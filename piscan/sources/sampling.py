"""How each dialect draws a repeatable random sample of rows, cheaply."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, Text, cast, func, literal, literal_column, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.sql.expression import TableClause

SEED = 42  # fixed: the same database gives the same sample, so CI does not flap


def bounded_count(conn: Connection, table: TableClause, cap: int) -> int:
    """Rows in the table, counted up to ``cap`` only (cheap on any size of table)."""
    inner = select(literal_column("1")).select_from(table).limit(cap).subquery()
    return int(conn.execute(select(func.count()).select_from(inner)).scalar_one())


def estimate_rows(conn: Connection, schema: str | None, name: str) -> int | None:
    """The planner's row estimate where the dialect keeps one (no table scan)."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        row = conn.execute(
            text(
                "SELECT c.reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = :schema AND c.relname = :name"
            ),
            {"schema": schema or "public", "name": name},
        ).first()
        return int(row[0]) if row and row[0] and row[0] > 0 else None
    if dialect in ("mysql", "mariadb"):
        row = conn.execute(
            text(
                "SELECT table_rows FROM information_schema.tables"
                " WHERE table_schema = :schema AND table_name = :name"
            ),
            {"schema": schema, "name": name},
        ).first()
        return int(row[0]) if row and row[0] else None
    return None


def table_pages(conn: Connection, schema: str | None, name: str) -> int | None:
    """PostgreSQL: the table's pages on disk now (not the planner's figure, which a table never
    analyzed does not have)."""
    if conn.dialect.name != "postgresql":
        return None
    row = conn.execute(
        text(
            "SELECT pg_relation_size(c.oid) / current_setting('block_size')::int FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :schema AND c.relname = :name"
        ),
        {"schema": schema or "public", "name": name},
    ).first()
    return int(row[0]) if row and row[0] else None


@dataclass(frozen=True)
class Plan:
    """What the sampler knows of a table: rows and pages (estimates), and whether it is a view."""

    rows: int
    pages: int | None = None
    view: bool = False


HASH_SPAN = 1 << 20  # a row's hash bucket is in [0, HASH_SPAN)


def sample_query(columns: list, table: TableClause, dialect: str, rows: int, plan: Plan) -> Select:
    """Select ``columns`` from about ``rows`` rows spread over the whole of a table.

    Every dialect draws more rows than it needs with a seeded filter and keeps the ``rows``
    whose seeded hash is lowest: a LIMIT in physical order would keep only the front of the
    table. PostgreSQL first reads a page sample (TABLESAMPLE SYSTEM ... REPEATABLE) of about two
    pages per wanted row, so rows come from many pages, not a few clusters; views are ordered by
    a hash of the whole row. MySQL/MariaDB: a seeded RAND() filter, ordered by a second seeded
    RAND(). SQLite: a multiplicative hash of the rowid, filtered and ordered. Other dialects and
    SQLite views: the first rows.
    """
    query = select(*columns).select_from(table)
    estimate = max(plan.rows, 1)
    if dialect == "postgresql":
        return _postgresql(columns, table, rows, plan)
    fraction = min(1.0, 3.0 * rows / estimate)
    if dialect in ("mysql", "mariadb"):
        return query.where(func.rand(SEED) < fraction).order_by(func.rand(SEED + 1)).limit(rows)
    if dialect == "sqlite" and not plan.view:
        modulus = 1_000_003
        bucket = (literal_column("_rowid_") * 2_654_435_761 + SEED) % modulus
        return query.where(bucket < int(fraction * modulus)).order_by(bucket).limit(rows)
    return query.limit(rows)


def _postgresql(columns: list, table: TableClause, rows: int, plan: Plan) -> Select:
    if plan.view:  # no pages to sample and no ctid: a hash of the row's text orders it
        quoted = '"' + table.name.replace('"', '""') + '"'
        whole_row = literal_column(quoted)  # a FROM item's name is its whole row, as a value
        return select(*columns).select_from(table).order_by(func.md5(cast(whole_row, Text))).limit(rows)
    pages = plan.pages or max(1, plan.rows // 100)
    share = min(1.0, 2.0 * rows / pages)  # about two sampled pages per row wanted
    sampled = table.tablesample(func.system(share * 100.0), seed=literal(SEED))
    bucket = func.hashtext(cast(literal_column("ctid"), Text)).op("&")(HASH_SPAN - 1)
    expected = max(1.0, share * plan.rows)
    keep = min(1.0, 3.0 * rows / expected)  # thin the sampled pages' rows before sorting them
    query = select(*columns).select_from(sampled)
    if keep < 1.0:
        query = query.where(bucket < int(keep * HASH_SPAN))
    return query.order_by(bucket).limit(rows)
