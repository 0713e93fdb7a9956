"""Rows of fields -> column-major batches, as the scanner reads every source; each value keeps
the line it came from, so findings can name the first line of an occurrence."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from piscan.formats.base import Many, Row
from piscan.model import Column, ValueKind
from piscan.sources.base import Batch

BATCH_ROWS = 1000
BATCH_BYTES = 1 << 20  # spaCy keeps a batch's parsed texts in memory at once
MAX_FIELDS = 256  # distinct field names per file or member; more are not kept apart


@dataclass
class FileBatch(Batch):
    """Values of one file (or archive member: ``unit``) with the line each value came from."""

    unit: str | None = ""


def field_key(unit: str, name: str) -> str:
    """The column name of a field inside a unit (NUL never occurs in paths)."""
    return f"{unit}\x00{name}"


def unit_path(unit: tuple[str, ...]) -> str:
    """``("b.tar", "c.csv")`` -> ``!b.tar!c.csv``."""
    return "".join(f"!{m}" for m in unit)


class Batcher:
    """Collects rows into batches of one unit each, bounded in rows and bytes."""

    def __init__(self) -> None:
        self.rows = 0
        self.last_line: int | None = None
        self.crowded: set[str] = set()  # units with more than MAX_FIELDS field names
        self._known: dict[str, set[str]] = {}
        self._units: dict[tuple[str, ...], str] = {}  # a row's archive members -> its unit path
        self._keys: dict[str, dict[str, str]] = {}  # unit -> field name -> column key
        self._batch: FileBatch | None = None
        self._bytes = 0

    def add(self, row: Row) -> Iterator[FileBatch]:
        """Add a row; yields the previous batch when it is full or the unit changes."""
        unit = self._units.get(row.unit)
        if unit is None:
            unit = self._units[row.unit] = unit_path(row.unit)
        batch = self._batch
        if batch is not None and (
            batch.unit != unit or batch.rows >= BATCH_ROWS or self._bytes >= BATCH_BYTES
        ):
            yield batch
            batch = None
        if batch is None:
            batch = self._batch = FileBatch(0, {}, unit=unit)
            self._bytes = 0
        if not row.cont:
            batch.rows += 1
            self.rows += 1
        line = row.line
        if line is not None:
            self.last_line = line
        keys = self._keys.setdefault(unit, {})
        size = 0
        for name, value in row.fields.items():
            key = keys.get(name)
            if key is None:
                key = keys[name] = field_key(unit, name)
            values = batch.values.get(key)
            if values is None:
                values = self._start(batch, unit, key, name, value, row.fmt)
                if values is None:
                    continue
            lines = batch.lines[key]
            if type(value) is str:  # the common case first: one text value
                values.append(value)
                lines.append(line)
                size += len(value)
                continue
            for item in value if isinstance(value, Many) else (value,):
                values.append(item)
                lines.append(line)
                size += len(item) if isinstance(item, str | bytes) else 16
        self._bytes += size

    def _start(
        self, batch: FileBatch, unit: str, key: str, name: str, value: object, fmt: str
    ) -> list[object] | None:
        """A field's first value in this batch: its lists, or None past MAX_FIELDS names."""
        known = self._known.setdefault(unit, set())
        if key not in known and len(known) >= MAX_FIELDS:
            self.crowded.add(unit)
            return None
        known.add(key)
        kind = ValueKind.BINARY if isinstance(value, bytes) else ValueKind.TEXT
        values: list[object] = []
        batch.values[key], batch.lines[key] = values, []
        batch.columns[key] = Column(name, fmt, kind)
        return values

    def flush(self) -> Iterator[FileBatch]:
        """The last batch, if it holds anything."""
        if self._batch is not None and (self._batch.rows or self._batch.values):
            yield self._batch
        self._batch = None
