"""Data-lake tables: a folder or S3 prefix of Parquet, ORC, JSON-lines or CSV part files, read
as tables (``lake:PATH``, ``lake:s3://bucket/prefix/``).

Each folder holding part files is one table, named by the folder (Hive-style ``key=value``
folders below it are partitions of the same table); files directly under the root make a table
named by the root. A table's columns come from the files' Arrow schema: the column name and
the Arrow type are the evidence, and a struct column's fields are read as JSON field paths
(``events.user#email``, as piscan.nested names them for JSON columns).

Every part file is read with pyarrow, batch by batch, wherever the unit runs (this process, a
local worker, a Spark executor's Python worker, which reads S3 through s3fs itself), and the
sample is drawn by a seed per file and batch: a lake gives the same findings on every engine.
``--full`` reads every row, and a large table is split into groups of files read in parallel.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from piscan.errors import SkipError, TargetError
from piscan.model import Column, Location, ValueKind
from piscan.sources.base import Batch, Container, Selector
from piscan.sources.fs import Filesystem

PREFIX = "lake:"
FORMATS = {
    ".parquet": "parquet",
    ".parq": "parquet",
    ".orc": "orc",
    ".json": "json",
    ".jsonl": "json",
    ".ndjson": "json",
    ".csv": "csv",
}
BATCH_ROWS = 4096
SEED = 20261202  # the lake sample's seed: the same rows on every engine and every run


@dataclass(frozen=True)
class LakeTable(Container):
    """One lake table: its part files (relative paths under the target's root) and their format."""

    files: tuple[str, ...] = ()
    rows: tuple[int, ...] = ()  # each file's row count where its footer says (-1: unknown)
    format: str = "parquet"

    noun: ClassVar[str] = "lake table"
    says_partial: ClassVar[bool] = True

    @property
    def total(self) -> int | None:
        """Rows in the table, when every file's footer says."""
        return None if any(r < 0 for r in self.rows) else sum(self.rows)


@dataclass(frozen=True)
class FileGroup:
    """Some of a lake table's part files: one unit of a --full scan of a big table."""

    files: tuple[str, ...]
    number: int = 0
    count: int = 1

    def describe(self) -> str:
        """``files 2/8``: which group, never a path with a secret in it."""
        return f"files {self.number + 1}/{self.count}"


def is_lake(target: str) -> bool:
    """``lake:PATH`` or ``lake:s3://...``."""
    return target.lower().startswith(PREFIX)


def open_lake(target: str, sample_rows: int, full: bool, selector: Selector | None = None) -> LakeSource:
    """The lake source of a ``lake:`` target (its folder or S3 prefix opened and checked)."""
    root = target[len(PREFIX) :]
    if root.lower().startswith("s3://"):
        from piscan.sources.s3 import S3Filesystem

        fs: Filesystem = S3Filesystem(root)
    else:
        from pathlib import Path

        from piscan.sources.local import LocalFilesystem

        if not Path(root).expanduser().is_dir():
            raise TargetError(f"lake: not a folder: {root}")
        fs = LocalFilesystem(str(Path(root).expanduser()))
    return LakeSource(fs, sample_rows, full, selector or Selector())


class LakeSource:
    """The tables of a lake folder or prefix, read with pyarrow."""

    kind = "tables"

    def __init__(self, fs: Filesystem, sample_rows: int, full: bool, selector: Selector) -> None:
        self.fs, self.sample_rows, self.full, self.selector = fs, sample_rows, full, selector
        self.public = PREFIX + fs.public
        self.notices: list[tuple[str, str]] = []
        self.notes: list[tuple[str, str]] = []

    def location(self, container: Container, column: str) -> Location:
        """``table.column`` (a struct field: ``table.column#field.path``, added by the pipeline)."""
        return Location(self.public, (*container.parts, column))

    def discover(self) -> Iterator[Container]:
        """One table per folder of part files, in name order; a folder mixing formats, or whose
        files cannot be read, is skipped with its reason."""
        tables: dict[str, list[str]] = {}
        for info in self.fs.walk():
            if info.kind != "file" or _ignored(info.path):
                continue
            if _format(info.path) is None:
                self.notes.append((info.path, "not a lake part file (Parquet, ORC, JSON, CSV): not read"))
                continue
            tables.setdefault(_table_of(info.path, self.fs.public), []).append(info.path)
        for name in sorted(tables):
            if not self.selector.wants((name,)):
                continue
            table = self._table(name, sorted(tables[name]))
            if table is not None:
                yield table

    def _table(self, name: str, files: list[str]) -> LakeTable | None:
        formats = {_format(f) for f in files}
        if len(formats) > 1:
            self.notices.append((name, f"lake table mixes formats ({', '.join(sorted(map(str, formats)))})"))
            return None
        fmt = str(formats.pop())
        try:
            schema, rows = self._schema(files, fmt)
        except (OSError, ValueError, SkipError) as exc:
            self.notices.append((name, f"cannot read the table's schema: {_reason(exc)}"))
            return None
        columns = tuple(_column(f.name, f.type) for f in schema if self.selector.wants((name, f.name)))
        return LakeTable((name,), columns, files=tuple(files), rows=tuple(rows), format=fmt)

    def _schema(self, files: list[str], fmt: str) -> tuple[Any, list[int]]:
        """The table's Arrow schema (the files' schemas unified) and each file's row count."""
        import pyarrow as pa

        schemas, rows = [], []
        for path in files:
            if fmt in ("parquet", "orc"):
                schema, count = _footer(self._open(path), fmt)
            else:
                first = next(_batches(self._open(path), fmt, path), None)
                schema, count = (first.schema if first is not None else pa.schema([])), -1
            schemas.append(schema)
            rows.append(count)
            if fmt not in ("parquet", "orc") and len(schemas) >= 8:  # text formats: a few files say it
                rows += [-1] * (len(files) - len(rows))
                break
        return pa.unify_schemas(schemas, promote_options="permissive"), rows

    def split(self, container: Container, rows: int) -> list[FileGroup] | None:
        """Groups of files of about ``rows`` rows each (full scans of a big table), or None."""
        if not isinstance(container, LakeTable) or len(container.files) < 2:
            return None
        groups: list[list[str]] = [[]]
        size = 0
        for path, count in zip(container.files, container.rows, strict=True):
            if groups[-1] and size + max(count, 0) > rows:
                groups.append([])
                size = 0
            groups[-1].append(path)
            size += max(count, 0)
        if len(groups) < 2:
            return None
        return [FileGroup(tuple(g), n, len(groups)) for n, g in enumerate(groups)]

    def read(self, container: Container, part: Any = None) -> Iterator[Batch]:
        """Batches of the table's (or the group's) files: every row with --full, else a seeded
        sample of about ``sample_rows`` rows spread over every file."""
        if not isinstance(container, LakeTable):
            raise SkipError("not a lake table")
        files = part.files if isinstance(part, FileGroup) else container.files
        wanted = {c.name for c in container.columns}
        fraction = self._fraction(container)
        for path in files:
            try:
                yield from self._read_file(path, container.format, wanted, fraction)
            except (OSError, ValueError) as exc:
                raise SkipError(f"{path}: {_reason(exc)}") from None

    def _fraction(self, table: LakeTable) -> float | None:
        """The share of rows a sampled scan keeps (None: every row)."""
        total = table.total
        if self.full or total is None or total <= self.sample_rows:
            return None
        return min(1.0, self.sample_rows / total)

    def _read_file(self, path: str, fmt: str, wanted: set[str], fraction: float | None) -> Iterator[Batch]:
        import numpy as np

        seed = zlib.crc32(path.encode("utf-8"))
        for number, batch in enumerate(_batches(self._open(path), fmt, path)):
            if fraction is not None:  # the same rows wherever and whenever this file is read
                keep = np.random.default_rng([SEED, seed, number]).random(batch.num_rows) < fraction
                batch = batch.filter(keep)
            if not batch.num_rows:
                continue
            values = {name: batch.column(name).to_pylist() for name in batch.schema.names if name in wanted}
            yield Batch(batch.num_rows, values)

    def _open(self, path: str) -> Any:
        stream = self.fs.open(path)
        if path.lower().endswith(".gz"):
            import gzip

            return gzip.GzipFile(fileobj=stream)
        return stream

    def close(self) -> None:
        """Release the filesystem's connections."""
        self.fs.close()


def _footer(stream: Any, fmt: str) -> tuple[Any, int]:
    """Schema and row count from a Parquet or ORC footer (no data read)."""
    with stream:
        data = stream if stream.seekable() else io.BytesIO(stream.read())
        if fmt == "parquet":
            import pyarrow.parquet as pq

            meta = pq.ParquetFile(data)
            return meta.schema_arrow, meta.metadata.num_rows
        import pyarrow.orc as orc

        orc_file = orc.ORCFile(data)
        return orc_file.schema, orc_file.nrows


def _batches(stream: Any, fmt: str, path: str) -> Iterator[Any]:
    """Arrow record batches of one part file."""
    with stream:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            yield from pq.ParquetFile(stream).iter_batches(batch_size=BATCH_ROWS)
        elif fmt == "orc":
            import pyarrow.orc as orc

            data = stream if stream.seekable() else io.BytesIO(stream.read())
            orc_file = orc.ORCFile(data)
            for stripe in range(orc_file.nstripes):
                yield from orc_file.read_stripe(stripe).to_batches(BATCH_ROWS)
        elif fmt == "json":
            import pyarrow.json as pj

            yield from pj.read_json(stream).to_batches(BATCH_ROWS)
        else:
            import pyarrow.csv as pc

            options = pc.ConvertOptions(strings_can_be_null=True)
            yield from pc.open_csv(stream, convert_options=options)


def _column(name: str, arrow_type: Any) -> Column:
    """A lake column: its Arrow type as the declared type; structs and maps read as JSON."""
    import pyarrow.types as t

    text = str(arrow_type)
    if t.is_struct(arrow_type) or t.is_map(arrow_type):
        return Column(name, f"JSON {text}", ValueKind.OTHER)
    if t.is_string(arrow_type) or t.is_large_string(arrow_type) or t.is_dictionary(arrow_type):
        kind = ValueKind.TEXT
    elif t.is_binary(arrow_type) or t.is_large_binary(arrow_type):
        kind = ValueKind.BINARY
    elif t.is_boolean(arrow_type):
        kind = ValueKind.BOOLEAN
    elif t.is_integer(arrow_type) or t.is_floating(arrow_type) or t.is_decimal(arrow_type):
        kind = ValueKind.NUMBER
    elif t.is_temporal(arrow_type):
        kind = ValueKind.TEMPORAL
    elif t.is_list(arrow_type) and t.is_floating(arrow_type.value_type):
        kind = ValueKind.VECTOR
    else:
        kind = ValueKind.OTHER
    return Column(name, text, kind)


def _format(path: str) -> str | None:
    lower = path.lower().removesuffix(".gz")
    return next((f for ext, f in FORMATS.items() if lower.endswith(ext)), None)


def _ignored(path: str) -> bool:
    """Spark's and Hadoop's markers (_SUCCESS, .crc, _temporary/) are no data."""
    return any(p.startswith(("_", ".")) for p in path.split("/")) or path.endswith(".crc")


def _table_of(path: str, public: str) -> str:
    """The table a part file belongs to: its first folder that is not a ``key=value`` partition,
    or the root's own name for files directly under it."""
    folders = [p for p in path.split("/")[:-1] if "=" not in p]
    if folders:
        return folders[0]
    return public.rstrip("/").rsplit("/", 1)[-1] or "lake"


def _reason(exc: BaseException) -> str:
    from piscan.formats.dispatch import describe

    return describe(exc)
