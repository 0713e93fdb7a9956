"""Tables in the Spark session's catalog (the Hive metastore, a spark-warehouse), read by Spark
itself: ``spark-table:`` (every database), ``spark-table:DB`` or ``spark-table:DB.TABLE``.

Discovery lists the catalog on the driver; a table's columns are its Spark schema's top-level
fields, with the Spark type (``bigint``, ``struct<email:string,...>``) and the column comment as
evidence, and a struct or map read as JSON field paths (``default.events.user#email``, as a
``lake:`` table names them). The rows never come to the driver: a unit is a DataFrame (sampled
with Spark's own seeded sampling unless ``--full``) that the executors' Python workers tally
batch by batch (piscan.run.sparkframe); the driver merges the partial tallies.

Only ``--engine spark`` reads these targets, and the catalog is the session's: on a cluster the
spark-defaults (``spark.sql.catalogImplementation=hive``, hive-site.xml); elsewhere
``--spark-conf`` sets it (the warehouse dir, a Derby or remote metastore).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from piscan.errors import SkipError, TargetError
from piscan.model import Column, Location, ValueKind
from piscan.sources.base import Batch, Container, Selector

PREFIX = "spark-table:"
SEED = 20261202  # Spark's sample seed: the same rows on every run over the same partitions
NEEDS_SPARK = f"{PREFIX} targets are read by Spark: add --engine spark"


@dataclass(frozen=True)
class CatalogTable(Container):
    """A table (or, with --views, a view) of the Spark catalog: ``parts`` are (database, table)."""

    noun: ClassVar[str] = "catalog table"

    @property
    def name(self) -> str:
        """The table as Spark SQL names it, every part quoted."""
        return ".".join(quote(p) for p in self.parts)


def quote(name: str) -> str:
    """A Spark SQL identifier in backticks (a backtick in it doubled)."""
    return "`" + name.replace("`", "``") + "`"


def parse(target: str) -> tuple[str | None, str | None]:
    """(database, table) of a target; None where it takes every one."""
    rest = target[len(PREFIX) :].strip()
    if not rest:
        return None, None
    database, _, table = rest.partition(".")
    if not database or (not table and rest.endswith(".")) or "." in table:
        raise TargetError(f"{PREFIX} takes DB or DB.TABLE, not {rest!r}")
    return database, table or None


class SparkTableSource:
    """The catalog's tables selected by a ``spark-table:`` target. Opening starts nothing: the
    session is the scan's (piscan.run.spark.session_for) and starts on discovery."""

    kind = "tables"

    def __init__(self, target: str, sample_rows: int, full: bool, selector: Selector, views: bool) -> None:
        self.database, self.table = parse(target)
        self.sample_rows, self.full, self.selector, self.views = sample_rows, full, selector, views
        self.public = PREFIX + ".".join(p for p in (self.database, self.table) if p)
        self.notices: list[tuple[str, str]] = []
        self.notes: list[tuple[str, str]] = []
        self.session: Any = None

    def _spark(self) -> Any:
        if self.session is None:
            from piscan.run.clusterconf import chosen
            from piscan.run.spark import session_for

            settings = chosen()
            if settings is None:
                raise TargetError(NEEDS_SPARK)
            self.session = session_for(settings)
        return self.session

    def location(self, container: Container, column: str) -> Location:
        """``db.table.column`` (a struct field: ``db.table.column#field.path``)."""
        return Location(self.public, (*container.parts, column))

    def discover(self) -> Iterator[Container]:
        """The selected tables in name order; one whose schema Spark cannot read is skipped
        with its reason, and the rest go on."""
        spark = self._spark()
        for database in self._databases(spark):
            for table in self._tables(spark, database):
                parts = (database, table)
                if not self.selector.wants(parts):
                    continue
                found = self._table(spark, parts)
                if found is not None:
                    yield found

    def _databases(self, spark: Any) -> list[str]:
        if self.database is not None:
            if not _call(lambda: spark.catalog.databaseExists(self.database)):
                raise TargetError(f"{self.public}: no such database in the Spark catalog")
            return [self.database]
        return sorted(d.name for d in _call(spark.catalog.listDatabases))

    def _tables(self, spark: Any, database: str) -> list[str]:
        listed = _call(lambda: spark.catalog.listTables(database))
        tables = [t for t in listed if not t.isTemporary and (self.views or t.tableType != "VIEW")]
        names = sorted(t.name for t in tables)
        if self.table is None:
            return names
        if self.table not in names:
            raise TargetError(f"{self.public}: no such table in the Spark catalog")
        return [self.table]

    def _table(self, spark: Any, parts: tuple[str, str]) -> CatalogTable | None:
        name = ".".join(quote(p) for p in parts)
        try:
            schema = spark.table(name).schema
        except Exception as exc:  # noqa: BLE001 - AnalysisException and the JVM's friends
            self.notices.append((".".join(parts), f"cannot read the table's schema: {first_line(exc)}"))
            return None
        columns = tuple(column(f) for f in schema.fields if self.selector.wants((*parts, f.name)))
        return CatalogTable(parts, columns)

    def frame(self, container: Container, *extra: Any) -> Any:
        """The unit's DataFrame: its columns (and ``extra`` ones), every row with --full, else
        Spark's seeded sample of about ``sample_rows`` rows (the count comes from Spark too)."""
        if not isinstance(container, CatalogTable):
            raise SkipError("not a catalog table")
        spark = self._spark()
        df = spark.table(container.name).select(*[quote(c.name) for c in container.columns], *extra)
        if self.full:
            return df
        total = df.count()
        if total <= self.sample_rows:
            return df
        return df.sample(withReplacement=False, fraction=self.sample_rows / total, seed=SEED)

    def read(self, container: Container, part: Any = None) -> Iterator[Batch]:
        """Rows are read by Spark's executors (piscan.run.sparkframe), never here."""
        raise SkipError(NEEDS_SPARK)

    def close(self) -> None:
        """The session is the scan's, stopped with the process."""


def column(field: Any) -> Column:
    """A catalog column: its Spark type as the declared type, its comment as context; structs
    and maps are read as JSON documents (field paths)."""
    from pyspark.sql import types as t

    dtype = field.dataType
    text = dtype.simpleString()
    comment = str((field.metadata or {}).get("comment", ""))
    if isinstance(dtype, t.StructType | t.MapType):
        return Column(field.name, f"JSON {text}", ValueKind.OTHER, comment)
    kinds: tuple[tuple[Any, ValueKind], ...] = (
        (t.StringType | t.VarcharType | t.CharType, ValueKind.TEXT),
        (t.BinaryType, ValueKind.BINARY),
        (t.BooleanType, ValueKind.BOOLEAN),
        (t.NumericType, ValueKind.NUMBER),
        (t.DateType | t.TimestampType | t.TimestampNTZType, ValueKind.TEMPORAL),
    )
    kind = next((k for types, k in kinds if isinstance(dtype, types)), ValueKind.OTHER)
    if isinstance(dtype, t.ArrayType) and isinstance(dtype.elementType, t.FloatType | t.DoubleType):
        kind = ValueKind.VECTOR
    return Column(field.name, text, kind, comment)


def _call(fn: Any) -> Any:
    """A catalog call; a failing catalog (no metastore, a broken URL) is one line, no secret."""
    try:
        return fn()
    except TargetError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise TargetError(f"the Spark catalog cannot be listed: {first_line(exc)}") from None


def first_line(exc: BaseException) -> str:
    """Spark's error, one line, no password (its messages are pages long)."""
    from piscan.run.spark import _first_line

    return _first_line(exc)
