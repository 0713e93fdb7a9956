"""The benchmark database: seeded tables loaded by COPY, and the truth of which columns are personal."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass

import psycopg
from psycopg import sql

from benchmarks.perf.values import ColumnSpec, sparse_spec, spec, words

PERSONAL_TABLE = "customers"
PLAIN_TABLE = "events"
SPARSE_TABLE = "tickets"  # free text with a few planted e-mails and cards (values.planted_rows)
SMALL_SCHEMA = "many"
PERSONAL_COLUMNS = words(
    "public_id full_name email phone client_ip birth_date home_address card_number notes amount "
    "created_at status product content_hash"
)
PLAIN_COLUMNS = words(
    "public_id sku product quantity amount currency order_status warehouse created_at checksum "
    "description score"
)
SMALL_POOL = words(
    "full_name email phone client_ip birth_date home_address card_number notes public_id amount "
    "created_at status product content_hash sku quantity currency order_status warehouse description"
)
SMALL_ROWS = (20, 100, 250, 500, 1000, 2500)  # cycled: tables above --sample (1000) rows get sampled
TOPICS = words("orders users invoices tickets audit shipments leads payments sessions reviews")
CHUNK_ROWS = 5000
MARK = "piscan-bench "


@dataclass(frozen=True)
class Plan:
    """What to build: sizes and seed; stored on the database so a kept database can be reused."""

    rows: int
    tables: int
    small_scale: int  # percent of SMALL_ROWS, so the smoke run stays tiny
    prefixes: tuple[int, ...] = ()  # sizes of the personal table's prefixes (memory check)
    seed: int = 20240605
    version: int = 2

    def doc(self) -> dict[str, object]:
        """The plan as stored on the database (JSON types)."""
        return json.loads(json.dumps(asdict(self)))


@dataclass(frozen=True)
class Table:
    """One generated table: schema, name, row count and its columns after ``id``."""

    schema: str
    name: str
    rows: int
    columns: tuple[ColumnSpec, ...]
    stream: str = ""  # RNG stream name; a prefix table shares the big table's, so its rows repeat

    @property
    def path(self) -> str:
        """``schema.table`` as piscan reports it."""
        return f"{self.schema}.{self.name}"


def main_tables(plan: Plan) -> list[Table]:
    """The personal table, the table with no personal data and the small-table schema."""
    tables = [
        Table("public", PERSONAL_TABLE, plan.rows, tuple(spec(c) for c in PERSONAL_COLUMNS)),
        Table("public", PLAIN_TABLE, plan.rows, tuple(spec(c) for c in PLAIN_COLUMNS)),
        Table("public", SPARSE_TABLE, plan.rows, (sparse_spec(plan.rows),)),
    ]
    pick = random.Random(plan.seed)
    for k in range(plan.tables):
        names = pick.sample(SMALL_POOL, pick.randint(2, 6))
        rows = max(1, SMALL_ROWS[k % len(SMALL_ROWS)] * plan.small_scale // 100)
        tables.append(
            Table(SMALL_SCHEMA, f"t{k:03d}_{TOPICS[k % len(TOPICS)]}", rows, tuple(map(spec, names)))
        )
    return tables


def scale_tables(rows: tuple[int, ...]) -> list[Table]:
    """Prefixes of the personal table (same seed, so the same first rows) for the memory check."""
    cols = tuple(spec(c) for c in PERSONAL_COLUMNS)
    return [Table("public", f"{PERSONAL_TABLE}_{n}", n, cols, PERSONAL_TABLE) for n in rows]


def truth(tables: list[Table]) -> dict[str, bool]:
    """``schema.table.column`` -> whether the generator put personal data there."""
    out: dict[str, bool] = {}
    for t in tables:
        if t.name == SPARSE_TABLE:  # judged by its planted values instead (scenarios.sparse_scan)
            continue
        out[f"{t.path}.id"] = False
        out.update({f"{t.path}.{c.name}": c.personal for c in t.columns})
    return out


def _lines(table: Table, seed: int) -> Iterator[str]:
    """COPY text rows from an RNG seeded per table stream."""
    rng = random.Random(f"{seed}:{table.stream or table.name}")
    makers = [c.make for c in table.columns]
    for i in range(1, table.rows + 1):
        cells = [m(rng, i) for m in makers]
        yield f"{i}\t" + "\t".join("\\N" if v is None else v for v in cells)


def _create(conn: psycopg.Connection, table: Table, seed: int) -> None:
    ident = sql.Identifier(table.schema, table.name)
    cols = [sql.SQL("{} {}").format(sql.Identifier(c.name), sql.SQL(c.sql_type)) for c in table.columns]
    conn.execute(sql.SQL("CREATE TABLE {} (id bigint NOT NULL, {})").format(ident, sql.SQL(", ").join(cols)))
    names = sql.SQL(", ").join(sql.Identifier(n) for n in ["id", *(c.name for c in table.columns)])
    copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(ident, names)
    with conn.cursor() as cur, cur.copy(copy_sql) as copy:
        chunk: list[str] = []
        for line in _lines(table, seed):
            chunk.append(line)
            if len(chunk) >= CHUNK_ROWS:
                copy.write("\n".join(chunk) + "\n")
                chunk.clear()
        if chunk:
            copy.write("\n".join(chunk) + "\n")
    conn.execute(sql.SQL("ALTER TABLE {} ADD PRIMARY KEY (id)").format(ident))
    conn.commit()


def _admin(admin_url: str) -> psycopg.Connection:
    return psycopg.connect(admin_url, autocommit=True)


def stored_plan(admin_url: str, db: str) -> dict[str, object] | None:
    """The plan recorded on an existing benchmark database, or None when there is none."""
    with _admin(admin_url) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", (db,)
        ).fetchone()
    if row is None or not (row[0] or "").startswith(MARK):
        return None
    return json.loads(row[0][len(MARK) :])


def drop(admin_url: str, db: str) -> None:
    """Drop a benchmark database (FORCE: a killed scan may still hold a connection)."""
    with _admin(admin_url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))


def build(admin_url: str, db_url: str, db: str, tables: list[Table], plan: Plan) -> float:
    """Create the database and load every table; returns the load time in seconds."""
    started = time.perf_counter()
    drop(admin_url, db)
    with _admin(admin_url) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db)))
    with psycopg.connect(db_url) as conn:
        for schema in sorted({t.schema for t in tables} - {"public"}):
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        for table in tables:
            _create(conn, table, plan.seed)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("VACUUM (FREEZE, ANALYZE)")  # hint bits and planner estimates before any timing
    with _admin(admin_url) as conn:
        mark = MARK + json.dumps(plan.doc())
        conn.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(db), sql.Literal(mark)))
    return time.perf_counter() - started
