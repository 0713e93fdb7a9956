"""How each dialect draws a repeatable random sample of rows, cheaply."""

from __future__ import annotations

from sqlalchemy import Select, func, literal, literal_column, select, text
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


def sample_query(columns: list, table: TableClause, dialect: str, rows: int, estimate: int) -> Select:
    """Select ``columns`` from about ``rows`` random rows of a table of ``estimate`` rows.

    PostgreSQL: TABLESAMPLE SYSTEM with REPEATABLE (reads only the sampled pages).
    MySQL/MariaDB: a seeded RAND() filter. SQLite: a multiplicative hash of the rowid.
    Other dialects: the first rows. The fraction is oversized 3x, then LIMIT trims it.
    """
    fraction = min(1.0, 3.0 * rows / max(estimate, 1))
    if dialect == "postgresql":
        sampled = table.tablesample(func.system(fraction * 100.0), seed=literal(SEED))
        return select(*columns).select_from(sampled).limit(rows)
    query = select(*columns).select_from(table)
    if dialect in ("mysql", "mariadb"):
        return query.where(func.rand(SEED) < fraction).limit(rows)
    if dialect == "sqlite":
        modulus = 1_000_003
        bucket = (literal_column("_rowid_") * 2_654_435_761 + SEED) % modulus
        return query.where(bucket < int(fraction * modulus)).limit(rows)
    return query.limit(rows)
