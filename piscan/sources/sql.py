"""Databases through any SQLAlchemy URL: read-only, time-limited, sampled."""

from __future__ import annotations

import logging
import sqlite3
import time
import warnings
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Text, cast, column, create_engine, event, func, inspect, select, table, text
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import DBAPIError, NoSuchModuleError, SAWarning, SQLAlchemyError
from sqlalchemy.pool import NullPool

from piscan.errors import SkipError, TargetError
from piscan.model import Column, Location
from piscan.redact import scrub
from piscan.sources import credentials, sampling
from piscan.sources.base import Batch, Container, Selector
from piscan.sources.sqltypes import cut_as_text, kind_of, numeric_array, trimmable, type_name

log = logging.getLogger(__name__)

SYSTEM_SCHEMAS = {
    "information_schema",
    "pg_catalog",
    "pg_toast",
    "mysql",
    "performance_schema",
    "sys",
}
BINARY_HEAD_BYTES = 4096  # signatures and packed float vectors are read from the first bytes
VECTOR_ITEMS = 4096  # items of a numeric array read (embeddings have 128 to 2048)
CANCEL_TIMEOUT = 3.0  # seconds an interrupted scan waits for the server to cancel its query
READ_TIMEOUT_SLACK = 15  # seconds a MariaDB read may wait beyond the statement timeout


_GENERIC_KEYS = {"id", "key", "pk", "uuid", "guid", "rowid", "oid", "code", "name"}
_KEY_SAMPLE = 20  # values of a column checked against another table's primary key


@dataclass(frozen=True)
class SqlOptions:
    """How a database is sampled and guarded."""

    sample_rows: int = 1000
    full_scan: bool = False
    exhaustive: bool = False  # with full_scan: examine every value, never thin (piscan.settle)
    min_non_null: int = 50
    max_cell_chars: int = 4096
    statement_timeout: float = 30.0
    connect_timeout: int = 10
    include_views: bool = False
    batch_rows: int = 1000
    selector: Selector = Selector()


class SqlSource:
    """One database: discovers tables and yields sampled batches, never writing anything."""

    def __init__(self, target: str, options: SqlOptions, public: str | None = None) -> None:
        url = credentials.with_password(credentials.parse(target))
        self.url = url
        # A file target keeps the path the user gave, so reports and baselines do not
        # depend on the folder the scan ran from.
        self.public = public or credentials.public(url)
        self.options = options
        self._secrets = (url.password,) if url.password else ()
        self.engine = self._engine(url)
        self._pk_cache: dict[str, dict[str, tuple[str, ...]]] = {}  # schema -> key name -> tables
        self.kind = "tables"
        self.notices: list[tuple[str, str]] = []  # (location, message) of what was skipped
        self._types: dict[tuple[str, ...], Any] = {}
        self._active: Connection | None = None  # the connection a read is streaming from
        self._check_connection()

    # -- connection ---------------------------------------------------------------------------
    def _engine(self, url: URL) -> Engine:
        backend = url.get_backend_name()
        try:
            if backend == "sqlite":
                engine = _sqlite_engine(url)
            else:
                engine = create_engine(url, connect_args=_connect_args(url, self.options), poolclass=NullPool)
        except NoSuchModuleError:
            raise TargetError(f"unknown database dialect or driver {url.drivername!r}") from None
        except ImportError as exc:
            raise TargetError(
                f"the driver for {url.drivername!r} is not installed ({exc.name or exc})"
            ) from None
        _install_guards(engine, self.options.statement_timeout)
        return engine

    def worker_state(self) -> dict[tuple[str, ...], Any]:
        """What discovery learned that reading needs (declared column types, for the ``substr``
        that trims text and binary cells): worker processes read tables without discovering."""
        return dict(self._types)

    def adopt_worker_state(self, state: dict[tuple[str, ...], Any]) -> None:
        """Take what the parent's discovery learned (``worker_state``)."""
        self._types.update(state)

    def _check_connection(self) -> None:
        try:
            with self.engine.connect() as conn:
                conn.execute(select(1)).scalar()
        except SQLAlchemyError as exc:
            raise TargetError(f"cannot connect to {self.public}: {self.describe(exc)}") from None

    def describe(self, exc: BaseException) -> str:
        """A one-line, password-free description of a database error."""
        orig = getattr(exc, "orig", None) or exc
        args = getattr(orig, "args", ())
        if len(args) == 2 and isinstance(args[0], int):  # PyMySQL: (code, message)
            text = f"({args[0]}) {args[1]}"
        else:
            lines = [ln.strip() for ln in str(orig).splitlines() if ln.strip()]
            text = " ".join(lines[:2]) if lines else type(orig).__name__
        if "(Background on this error" in text:
            text = text.split("(Background on this error")[0].strip()
        # drivers quote the value that failed (a view casting an e-mail to integer): drop it
        return scrub(credentials.redact_text(text, self._secrets))[:300]

    def close(self) -> None:
        """Dispose of pooled connections."""
        self.engine.dispose()

    def location(self, container: Container, column: str) -> Location:
        """``schema.table.column``."""
        return Location(self.public, (*container.parts, column))

    # -- discovery ----------------------------------------------------------------------------
    def discover(self) -> Iterator[Container]:
        """Tables (and views with include_views) of every selected schema."""
        try:
            inspector = inspect(self.engine)
            schemas = self._schemas(inspector)
        except SQLAlchemyError as exc:
            raise TargetError(f"cannot list schemas of {self.public}: {self.describe(exc)}") from None
        for schema in schemas:
            if not self.options.selector.wants((schema,)):
                continue
            self._grant_gaps(schema)
            yield from self._tables(inspector, schema)

    def _grant_gaps(self, schema: str) -> None:
        """MySQL/MariaDB hide every table a role holds no grant on, even from information_schema:
        a role with table-level grants only may see a fraction of the schema, so say so."""
        if self.url.get_backend_name() not in ("mysql", "mariadb"):
            return
        query = text(
            "SELECT (SELECT count(*) FROM information_schema.USER_PRIVILEGES"
            "        WHERE PRIVILEGE_TYPE = 'SELECT')"
            " + (SELECT count(*) FROM information_schema.SCHEMA_PRIVILEGES"
            "    WHERE PRIVILEGE_TYPE = 'SELECT' AND :schema LIKE TABLE_SCHEMA)"
        )
        try:
            with self.engine.connect() as conn:
                broad = conn.execute(query, {"schema": schema}).scalar()
        except SQLAlchemyError as exc:
            self.notices.append((schema, f"cannot check the role's grants: {self.describe(exc)}"))
            return
        if not broad:
            self.notices.append(
                (
                    schema,
                    "the role can read only tables (or columns) granted to it one by one: tables and"
                    " columns without a grant are invisible to it and could not be listed or read",
                )
            )

    def _schemas(self, inspector: Any) -> list[str]:
        backend = self.url.get_backend_name()
        if backend in ("mysql", "mariadb") and self.url.database:
            return [self.url.database]
        if backend == "sqlite":
            return ["main"]
        names = inspector.get_schema_names()
        return [s for s in names if s not in SYSTEM_SCHEMAS and not s.startswith("pg_")]

    def _tables(self, inspector: Any, schema: str) -> Iterator[Container]:
        try:
            names = [(n, False) for n in inspector.get_table_names(schema=schema)]
            if self.options.include_views:
                names += [(n, True) for n in inspector.get_view_names(schema=schema)]
        except SQLAlchemyError as exc:
            self.notices.append((schema, f"cannot list tables: {self.describe(exc)}"))
            return
        for name, is_view in sorted(names):
            parts = (schema, name)
            if not self.options.selector.wants(parts):
                continue
            try:
                with warnings.catch_warnings():  # an unknown type (xml) is read as text: no warning
                    warnings.simplefilter("ignore", SAWarning)
                    reflected = inspector.get_columns(name, schema=schema)
            except SQLAlchemyError as exc:
                self.notices.append((".".join(parts), f"cannot read columns: {self.describe(exc)}"))
                continue
            columns = []
            for col in self._true_names(reflected, schema, name):
                if not self.options.selector.wants((*parts, col["name"])):
                    continue
                columns.append(
                    Column(
                        col["name"],
                        type_name(col["type"]),
                        kind_of(col["type"]),
                        col.get("comment") or "",
                    )
                )
                self._types[(*parts, col["name"])] = col["type"]
            if columns:
                references = self._references(inspector, schema, name, [c.name for c in columns])
                yield Container(parts, tuple(columns), is_view, references)

    def _references(self, inspector: Any, schema: str, name: str, columns: list[str]) -> tuple[str, ...]:
        """The tables this table's foreign keys point to (none where they cannot be read), and
        those an undeclared key points to: a column named like another table's own one-column
        primary key whose sampled values are all keys there (a legislator's ``bioguide_id`` in
        a district office table that declares no foreign key)."""
        try:
            keys = inspector.get_foreign_keys(name, schema=schema)
        except (SQLAlchemyError, NotImplementedError):
            keys = []
        declared = {k["referred_table"] for k in keys if k.get("referred_table")}
        implied = {
            other
            for col in columns
            for other in self._primary_keys(inspector, schema).get(col, ())
            if other != name and other not in declared and self._keys_of(schema, name, col, other)
        }
        return tuple(sorted(declared | implied))

    def _primary_keys(self, inspector: Any, schema: str) -> dict[str, tuple[str, ...]]:
        """Tables by the name of their one-column primary key, when that name is specific
        (``bioguide_id``, not ``id``): what an undeclared foreign key would be named."""
        cache = self._pk_cache
        if schema not in cache:
            out: dict[str, list[str]] = {}
            try:
                for table_name in inspector.get_table_names(schema=schema):
                    pk = (
                        inspector.get_pk_constraint(table_name, schema=schema).get("constrained_columns")
                        or []
                    )
                    if len(pk) == 1 and pk[0].lower() not in _GENERIC_KEYS:
                        out.setdefault(pk[0], []).append(table_name)
            except (SQLAlchemyError, NotImplementedError):
                out = {}
            cache[schema] = {k: tuple(v) for k, v in out.items()}
        return cache[schema]

    def _keys_of(self, schema: str, name: str, col: str, other: str) -> bool:
        """Whether a sample of ``name.col``'s values are all keys of ``other`` (read-only)."""
        sql_schema = schema if schema and schema != "main" else None
        mine = table(name, column(col), schema=sql_schema)
        theirs = table(other, column(col), schema=sql_schema)
        try:
            with self.engine.connect() as conn:
                values = list(
                    conn.execute(
                        select(mine.c[col]).where(mine.c[col].is_not(None)).distinct().limit(_KEY_SAMPLE)
                    ).scalars()
                )
                if not values:
                    return False
                found = conn.execute(
                    select(func.count()).select_from(theirs).where(theirs.c[col].in_(values))
                ).scalar()
        except SQLAlchemyError:
            return False
        return found == len(values)

    def _true_names(self, reflected: list[dict], schema: str, name: str) -> list[dict]:
        """MySQL/MariaDB reflection returns a name holding a backtick with the backtick doubled
        (it parses SHOW CREATE TABLE): take the name information_schema gives."""
        if self.url.get_backend_name() not in ("mysql", "mariadb") or not any(
            "`" in c["name"] for c in reflected
        ):
            return reflected
        query = text(
            "SELECT COLUMN_NAME FROM information_schema.COLUMNS"
            " WHERE TABLE_SCHEMA = :schema AND TABLE_NAME = :name"
        )
        try:
            with self.engine.connect() as conn:
                real = {r[0] for r in conn.execute(query, {"schema": schema, "name": name})}
        except SQLAlchemyError:  # the columns are then read as reflected (and skipped if wrong)
            return reflected
        fixed = []
        for col in reflected:
            undoubled = col["name"].replace("``", "`")
            fixed.append({**col, "name": undoubled} if col["name"] not in real and undoubled in real else col)
        return fixed

    # -- reading ------------------------------------------------------------------------------
    def read(self, container: Container, part: Any = None) -> Iterator[Batch]:
        """Sampled batches of the table (every row of a key range ``part`` when given: a
        piscan.run.units.KeyRange of a full scan); a failing table raises SkipError.

        When the read fails (a value the driver cannot decode, a column the user may not read),
        the table is read again column by column: columns that still fail are reported in
        ``Batch.failed`` and the others are scanned. A timeout skips the table at once.
        """
        started = False
        try:
            for batch in self._read_columns(container, container.columns, part):
                started = True
                yield batch
            return
        except DBAPIError as exc:
            first_error = self._reason(exc)
            if exc.connection_invalidated or _timed_out(exc):
                raise SkipError(first_error) from None
        if started:  # the failure came part-way: what was counted would be counted twice
            yield Batch(0, {}, restart=True)
        yield from self._read_each(container, first_error, part)

    def _read_each(self, container: Container, first_error: str, part: Any = None) -> Iterator[Batch]:
        """Read one column at a time; SkipError when not one column can be read."""
        failed: dict[str, str] = {}
        for col in container.columns:
            try:
                yield from self._read_columns(container, (col,), part)
            except DBAPIError as exc:
                failed[col.name] = self._reason(exc)
        if len(failed) == len(container.columns):
            raise SkipError(first_error)
        if failed:
            yield Batch(0, {}, failed)

    def _reason(self, exc: DBAPIError) -> str:
        """Why a read failed, in one line; timeouts say so plainly."""
        if _timed_out(exc):
            return f"timed out after {self.options.statement_timeout:g}s: {self.describe(exc)}"
        return self.describe(exc)

    def _read_columns(
        self, container: Container, cols: tuple[Column, ...], part: Any = None
    ) -> Iterator[Batch]:
        schema, name = container.parts
        tbl = table(name, schema=None if self.url.get_backend_name() == "sqlite" else schema)
        exprs = [self._select_expr(container, c) for c in cols]
        conn = self._active = self.engine.connect()
        try:
            query, sampled = self._query(conn, tbl, exprs, container, part)
            non_null = dict.fromkeys((c.name for c in cols), 0)
            rows, conn = yield from self._stream_resuming(conn, query, cols, non_null)
            if sampled and rows == 0:  # a page sample of a table with few pages can come back empty
                first = select(*exprs).select_from(tbl).limit(self.options.sample_rows)
                yield from self._stream(conn, first, cols, non_null)
            if sampled:
                yield from self._sparse_top_up(conn, tbl, cols, exprs, non_null)
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt | GeneratorExit):  # Ctrl-C, SIGTERM, a closed reader
                self._cancel(conn)
            _abandon(conn)
            raise
        conn.close()

    def cancel_active(self) -> None:
        """Cancel the query being read, from a signal handler (a worker told to stop)."""
        if self._active is not None:
            self._cancel(self._active)

    def _cancel(self, conn: Connection) -> None:
        """Stop the server's work on an interrupted query now, not at its statement timeout:
        libpq's cancel request on PostgreSQL, ``KILL QUERY`` from a side connection on MariaDB."""
        try:
            if conn.invalidated or conn.closed:
                return
            raw = conn.connection.dbapi_connection
            backend = self.url.get_backend_name()
            if backend == "postgresql" and hasattr(raw, "cancel_safe"):
                raw.cancel_safe(timeout=CANCEL_TIMEOUT)
            elif backend in ("mysql", "mariadb") and hasattr(raw, "thread_id"):
                side = self.engine.raw_connection()
                try:
                    cursor = side.cursor()
                    cursor.execute("KILL QUERY %s", (raw.thread_id(),))
                finally:
                    side.close()
        except Exception:  # best effort: the statement timeout still ends the query
            log.debug("cancelling an interrupted query failed", exc_info=True)

    def _stream_resuming(
        self, conn: Connection, query: Any, cols: tuple[Column, ...], non_null: dict[str, int]
    ) -> Generator[Batch, None, tuple[int, Connection]]:
        """``_stream``, resumed once on a new connection when the first one is lost (a killed
        backend, a restarted server): the rows already read are kept and skipped by OFFSET.
        Returns the rows read and the connection that is still open."""
        done = [0]
        try:
            return (yield from self._stream(conn, query, cols, non_null, done)), conn
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            reason = self._reason(exc)
        _abandon(conn)
        try:
            conn = self._active = self.engine.connect()
        except DBAPIError as again:  # the server is gone: keep what was read (run/pipeline.py)
            raise SkipError(f"{reason}; reconnecting failed: {self.describe(again)}") from None
        try:
            more = yield from self._stream(conn, query.offset(done[0]) if done[0] else query, cols, non_null)
        except BaseException:
            _abandon(conn)
            raise
        note = f"connection lost after {done[0]:,} rows ({reason}): the rest was read on a new connection"
        yield Batch(0, {}, notes=(note,))
        return done[0] + more, conn

    def _stream(
        self,
        conn: Connection,
        query: Any,
        cols: tuple[Column, ...],
        non_null: dict[str, int],
        done: list[int] | None = None,
    ) -> Generator[Batch, None, int]:
        """Batches of a query's rows, counting non-null values per column; returns the rows read
        (and keeps ``done[0]`` up to date, for a caller that must resume after a failure)."""
        size = self.options.batch_rows
        result = conn.execution_options(stream_results=True, yield_per=size).execute(query)
        total = 0
        for rows in result.partitions(size):
            batch = Batch(len(rows), {c.name: [r[i] for r in rows] for i, c in enumerate(cols)})
            for c in cols:
                values = batch.values[c.name]
                non_null[c.name] += len(values) - values.count(None)
            total += len(rows)
            if done is not None:
                done[0] = total
            yield batch
        return total

    def _query(
        self, conn: Connection, tbl: Any, exprs: list, container: Container, part: Any = None
    ) -> tuple[Any, bool]:
        """A full read when asked for or when the table is small, else a dialect sample; a key
        range is read whole (ranges are planned for full scans only)."""
        opts = self.options
        (schema, name), view = container.parts, container.view
        plain = select(*exprs).select_from(tbl)
        if part is not None:
            return plain.where(*_in_range(part)), False
        if opts.full_scan:
            return plain, False
        if sampling.bounded_count(conn, tbl, opts.sample_rows + 1) <= opts.sample_rows:
            return plain, False
        estimate = sampling.estimate_rows(conn, schema, name)
        if estimate is None:
            estimate = sampling.bounded_count(conn, tbl, 100 * opts.sample_rows)
        pages = None if view else sampling.table_pages(conn, schema, name)
        plan = sampling.Plan(estimate, pages, view)
        return sampling.sample_query(exprs, tbl, conn.dialect.name, opts.sample_rows, plan), True

    def _sparse_top_up(
        self,
        conn: Connection,
        tbl: Any,
        cols: tuple[Column, ...],
        exprs: list,
        non_null: dict[str, int],
    ) -> Iterator[Batch]:
        """Sparse columns: fetch up to min_non_null non-null values so they get a fair look."""
        want = self.options.min_non_null
        for col, expr in zip(cols, exprs, strict=True):
            if non_null[col.name] >= want:
                continue
            query = select(expr).select_from(tbl).where(column(col.name).is_not(None)).limit(want)
            values = [r[0] for r in conn.execute(query)]
            extra = values[non_null[col.name] :]  # the first ones may repeat the sample's
            if extra:
                yield Batch(0, {col.name: extra})

    def split(self, container: Container, unit_rows: int) -> list[Any] | None:
        """Key ranges of a table the planner estimates above ``unit_rows`` rows, with a single
        integer primary key, evenly over its keys (the outer ranges open-ended, so no row falls
        between them); None for any other table, or when the database will not say."""
        from piscan.run.units import KeyRange

        if container.view or unit_rows <= 0:
            return None
        (schema, name), sqlite = container.parts, self.url.get_backend_name() == "sqlite"
        try:
            with self.engine.connect() as conn:
                estimate = sampling.estimate_rows(conn, schema, name)
                if estimate is None or estimate <= unit_rows:
                    return None
                key = _integer_key(inspect(conn), name, None if sqlite else schema)
                if key is None:
                    return None
                tbl = table(name, schema=None if sqlite else schema)
                bounds = select(func.min(column(key)), func.max(column(key))).select_from(tbl)
                low, high = conn.execute(bounds).one()
        except SQLAlchemyError as exc:
            log.debug("cannot plan key ranges of %s: %s", container.path, self.describe(exc))
            return None
        if low is None or high is None:
            return None
        count = min(-(-estimate // unit_rows), int(high) - int(low) + 1, MAX_RANGES)
        if count < 2:
            return None
        step = -(-(int(high) - int(low) + 1) // count)
        cuts = [int(low) + i * step for i in range(1, count)]
        edges: list[int | None] = [None, *cuts, None]
        return [KeyRange(key, edges[i], edges[i + 1], i, count) for i in range(count)]

    def _select_expr(self, container: Container, col: Column) -> Any:
        """The column as piscan reads it: every value bounded by the database itself, so one
        50 MB cell costs no more memory than a short one."""
        expr = column(col.name)
        sa_type = self._types.get((*container.parts, col.name))
        if sa_type is None:
            return expr
        if trimmable(sa_type):
            from sqlalchemy import types as sat

            bound = BINARY_HEAD_BYTES if isinstance(sa_type, sat._Binary) else self.options.max_cell_chars
            return func.substr(expr, 1, bound).label(col.name)
        if cut_as_text(sa_type, self.url.get_backend_name()):
            return func.substr(cast(expr, Text), 1, self.options.max_cell_chars).label(col.name)
        if numeric_array(sa_type) and self.url.get_backend_name() == "postgresql":
            return column(col.name, sa_type)[1:VECTOR_ITEMS].label(col.name)
        return expr


MAX_RANGES = 1024  # key ranges of one table, at most


def _in_range(part: Any) -> list[Any]:
    """The WHERE of a key range; the key column is quoted by SQLAlchemy, the bounds are bound
    parameters."""
    key = column(part.key)
    where = []
    if part.low is not None:
        where.append(key >= part.low)
    if part.high is not None:
        where.append(key < part.high)
    return where


def _integer_key(inspector: Any, name: str, schema: str | None) -> str | None:
    """The table's primary key column when it is one integer column."""
    from sqlalchemy import types as sat

    keys = inspector.get_pk_constraint(name, schema=schema).get("constrained_columns") or []
    if len(keys) != 1:
        return None
    for col in inspector.get_columns(name, schema=schema):
        if col["name"] == keys[0]:
            return keys[0] if isinstance(col["type"], sat.Integer) else None
    return None


def _abandon(conn: Connection) -> None:
    """Close a connection that failed or was interrupted without draining what the server still
    sends (an unbuffered MariaDB result would be read to its end first)."""
    try:
        if not conn.invalidated and not conn.closed:
            _forget_unbuffered(conn.connection.dbapi_connection)
            conn.invalidate()
        conn.close()
    except Exception:  # a dead connection may fail to close: it is gone either way
        log.debug("closing a lost connection failed", exc_info=True)


def _forget_unbuffered(dbapi_conn: Any) -> None:
    """PyMySQL drains an unbuffered result before it lets its connection go (on close and when
    the result is collected), reading a whole table after Ctrl-C or failing with a traceback
    on a dead socket: mark the result finished, so the socket is simply closed."""
    result = getattr(dbapi_conn, "_result", None)  # a PyMySQL connection's or SSCursor's
    if result is not None and getattr(result, "unbuffered_active", False):
        result.unbuffered_active = False


def _timed_out(exc: DBAPIError) -> bool:
    """Whether the database cancelled a statement for running past the statement timeout."""
    orig = exc.orig
    if getattr(orig, "sqlstate", None) == "57014":  # PostgreSQL query_canceled
        return True
    args = getattr(orig, "args", ())
    if args and args[0] in (1969, 3024):  # MariaDB max_statement_time, MySQL MAX_EXECUTION_TIME
        return True
    return isinstance(orig, sqlite3.OperationalError) and "interrupted" in str(orig)


def _connect_args(url: URL, options: SqlOptions) -> dict[str, Any]:
    """Read-only from the connection's first byte: the server applies these before any
    statement, so SQLAlchemy's dialect probes (``version()``, ``current_schema()``) already run
    read-only and time-limited."""
    backend = url.get_backend_name()
    args: dict[str, Any] = {}
    if backend in ("postgresql", "mysql", "mariadb"):
        args["connect_timeout"] = options.connect_timeout
    millis = int(options.statement_timeout * 1000)
    if backend == "postgresql" and url.get_driver_name() == "psycopg":
        given = url.query.get("options", "")
        given = given if isinstance(given, str) else " ".join(given)
        guards = f"-c default_transaction_read_only=on -c statement_timeout={millis}"
        args["options"] = f"{given} {guards}".strip()  # the later -c wins over a user's own
    elif backend in ("mysql", "mariadb") and url.get_driver_name() == "pymysql":
        # PyMySQL sends only its SET NAMES before this; no statement of piscan or SQLAlchemy does
        args["init_command"] = "SET SESSION TRANSACTION READ ONLY"
        # a killed connection or a silent network is noticed, not waited on forever
        args["read_timeout"] = int(options.statement_timeout) + READ_TIMEOUT_SLACK
    return args


def _sqlite_engine(url: URL) -> Engine:
    """SQLite opened read-only by URI, so a missing file is an error instead of a new database."""
    database = url.database or ""
    if not database or database == ":memory:":
        raise TargetError("an SQLite target needs a file path, e.g. sqlite:///path/to/db.sqlite")
    path = Path(database).expanduser().resolve()
    if not path.is_file():
        raise TargetError(f"SQLite database not found: {path}")

    def connect() -> sqlite3.Connection:
        conn = sqlite3.connect(
            f"file:{quote(str(path))}?mode=ro", uri=True, timeout=5, check_same_thread=False
        )
        conn.text_factory = lambda raw: raw.decode("utf-8", errors="replace")
        return conn

    return create_engine("sqlite://", creator=connect, poolclass=NullPool)


def _addresses_as_text(dbapi_conn: Any) -> None:
    """inet and cidr values as text: psycopg's ipaddress objects cost more than reading the
    rows (10 of 23 s on a million rows), and piscan reads addresses as text anyway."""
    adapters = getattr(dbapi_conn, "adapters", None)  # psycopg 3; psycopg2 gives text already
    if adapters is None:
        return
    from psycopg.types.string import TextLoader

    for name in ("inet", "cidr"):
        adapters.register_loader(name, TextLoader)


def _read_only_at_connect(dbapi_conn: Any) -> bool:
    """Whether psycopg's startup options already made the session read-only."""
    info = getattr(dbapi_conn, "info", None)
    options = info.get_parameters().get("options") or "" if info is not None else ""
    return "default_transaction_read_only=on" in options


def _install_guards(engine: Engine, timeout: float) -> None:
    """Every connection is read-only and time-limited before piscan sends its first query."""
    dialect = engine.dialect.name
    millis = int(timeout * 1000)

    @event.listens_for(engine, "connect")
    def _guard(dbapi_conn: Any, _record: Any) -> None:
        if dialect == "sqlite":
            dbapi_conn.execute("PRAGMA query_only = ON")
            deadline = [time.monotonic() + timeout]
            dbapi_conn.set_progress_handler(lambda: int(time.monotonic() > deadline[0]), 10_000)
            _record.info["deadline"] = deadline
            return
        cursor = dbapi_conn.cursor()
        try:
            if dialect == "postgresql":
                if not _read_only_at_connect(dbapi_conn):  # another driver than psycopg
                    cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
                    cursor.execute("SELECT set_config('statement_timeout', %s, false)", (str(millis),))
                _addresses_as_text(dbapi_conn)
            elif dialect in ("mysql", "mariadb"):
                if not getattr(dbapi_conn, "init_command", None):  # another driver than PyMySQL
                    cursor.execute("SET SESSION TRANSACTION READ ONLY")
                cursor.execute("SELECT VERSION()")
                version = str(cursor.fetchone()[0])
                if "mariadb" in version.lower():
                    cursor.execute("SET SESSION max_statement_time = %s", (timeout,))
                else:
                    cursor.execute("SET SESSION MAX_EXECUTION_TIME = %s", (millis,))
        finally:
            cursor.close()
        dbapi_conn.commit()

    if dialect in ("mysql", "mariadb"):

        @event.listens_for(engine, "handle_error")
        def _lost(ctx: Any) -> None:
            if not ctx.is_disconnect:
                return
            context = ctx.execution_context  # nothing is left to drain on a dead socket
            cursor = getattr(context, "cursor", None)
            _forget_unbuffered(cursor)
            _forget_unbuffered(getattr(cursor, "connection", None))

    if dialect == "sqlite":

        @event.listens_for(engine, "before_cursor_execute")
        def _reset_deadline(conn: Any, *_args: Any) -> None:
            deadline = conn.connection._connection_record.info.get("deadline")
            if deadline is not None:
                deadline[0] = time.monotonic() + timeout
