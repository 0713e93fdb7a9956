"""One table: batches of rows -> per-column tallies -> findings, coverage and notes.

Sampled scans examine every sampled value. Full scans settle column by column (piscan.settle):
every value until the column's verdict is clear, then a thinning sample, gathered into full
batches because detection has a fixed cost per batch.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from piscan import interrupt, nested
from piscan.aggregate import ColumnTally, table_findings
from piscan.detectors.names import context_words, name_hits
from piscan.errors import SkipError
from piscan.model import Column, Skipped
from piscan.outcome import Outcome
from piscan.records import prepare
from piscan.settle import Thinning
from piscan.sources.base import Container, Source

if TYPE_CHECKING:
    from piscan.scan import Scanner


@dataclass
class _Column:
    column: Column
    tally: ColumnTally
    thinning: Thinning | None  # None: examine every value read
    json: bool | None = None  # holds JSON documents (None: not decided before a value was seen)
    fields: dict[str, _Column] = field(default_factory=dict)  # a JSON column's field paths


def _all(columns: dict[str, _Column]) -> Iterator[_Column]:
    """Every column and, after a JSON column, its field paths."""
    for col in columns.values():
        yield col
        yield from col.fields.values()


def scan_table(scanner: Scanner, source: Source, container: Container) -> Outcome:
    """Read one table and tally its columns; a failing table or column becomes a skipped entry,
    and on Ctrl-C what was tallied so far is kept."""
    out = Outcome()
    columns = _columns(scanner, source, container)
    rows = 0
    try:
        for batch in source.read(container):
            interrupt.check()  # a Ctrl-C swallowed by a finalizer is raised here
            if batch.restart:  # the source starts over (a column was dropped): count nothing twice
                columns, rows = _columns(scanner, source, container), 0
            rows += batch.rows
            out.notes += [Skipped(source.public, container.path, text) for text in batch.notes]
            scanner.progress.rows(container.path, rows)  # in this process only; workers show none
            for name, reason in batch.failed.items():
                out.skipped.append(Skipped(source.public, f"{container.path}.{name}", reason))
                columns.pop(name, None)
            for name, raw in batch.values.items():
                if name in columns:
                    _read(scanner, columns[name], batch.rows, raw)
        for col in _all(columns):  # what thinning gathered but had not examined yet
            if col.thinning and col.thinning.pending:
                _examine(scanner, col, 0, col.thinning.flush())
    except SkipError as exc:
        if not rows:
            out.skipped.append(Skipped(source.public, container.path, str(exc)))
            return out
        # failed part-way (a lost connection, twice): what was read is kept, marked partial
        partial = f"partial: {rows:,} rows were read and scanned, then: {exc}"
        out.skipped.append(Skipped(source.public, container.path, partial))
        _collect(scanner, columns, out)
        return out
    except KeyboardInterrupt:
        out.interrupted = True
        _collect(scanner, columns, out)
        return out
    out.scanned = True
    if rows == 0:
        empty = "table is empty: judged by column names only"
        out.notes.append(Skipped(source.public, container.path, empty))
    _collect(scanner, columns, out)
    return out


def _columns(scanner: Scanner, source: Source, container: Container) -> dict[str, _Column]:
    """A fresh tally per column, seeded with its name evidence (its table's and siblings' names
    are context too) and context words."""
    sql = scanner.config.sql
    table = container.parts[-1] if container.parts else ""
    names = tuple(c.name for c in container.columns)
    return {
        c.name: _Column(
            c,
            ColumnTally(
                source.location(container, c.name),
                tuple(name_hits(c, table, tuple(n for n in names if n != c.name))),
                context=context_words(c),
                references=container.references,
            ),
            Thinning(sql.sample_rows, sql.exhaustive) if sql.full_scan else None,
        )
        for c in container.columns
    }


def _read(scanner: Scanner, col: _Column, rows: int, raw: list[object]) -> None:
    if col.json is None and any(v is not None for v in raw):
        col.json = nested.is_json_column(col.column, raw)
    if col.json:  # its field paths, and below the documents whole (a lat/lng pair, prose in a key)
        _read_json(scanner, col, rows, raw)
    values = col.thinning.take(raw) if col.thinning else raw
    if values is None:  # thinned values gathering into a batch: count the rows only
        col.tally.add(rows, 0, [], ())
        return
    _examine(scanner, col, rows, values)


def _read_json(scanner: Scanner, col: _Column, rows: int, raw: list[object]) -> None:
    """A JSON column's field paths, each tallied as its own location (``payload#customer.email``)."""
    fields, _ = nested.split(raw)
    for path, values in fields.items():
        child = col.fields.get(path)
        if child is None and len(col.fields) >= nested.MAX_PATHS:
            continue  # keys beyond the cap are still examined in the whole documents
        if child is None:
            child = _field(scanner, col, path)
            col.fields[path] = child
        _read(scanner, child, rows, values)


def _field(scanner: Scanner, parent: _Column, path: str) -> _Column:
    column = nested.field_column(parent.column, path)
    location = nested.field_location(parent.tally.location, path)
    sql = scanner.config.sql
    return _Column(
        column,
        ColumnTally(location, tuple(name_hits(column)), context=context_words(column)),
        Thinning(sql.sample_rows, sql.exhaustive) if sql.full_scan else None,
        json=False,
    )


def _examine(scanner: Scanner, col: _Column, rows: int, values: list[object]) -> None:
    prepared = prepare(values, col.column.kind, scanner.config.sql.max_cell_chars)
    detections = scanner.detect(col.tally, col.column, prepared)
    col.tally.add(rows, prepared.non_null, prepared.weights, detections)
    if col.thinning:
        col.thinning.update(prepared.non_null, col.tally.sampled, col.tally.settled())


def _collect(scanner: Scanner, columns: dict[str, _Column], out: Outcome) -> None:
    cols = list(_all(columns))
    if not cols:
        return
    judged, held = table_findings([c.tally for c in cols], cols[0].tally.location.parts[-2])
    if held:
        location = cols[0].tally.location
        message = (
            f"no people in this table: {held} finding(s) of a place, group or trait not reported"
            " (a lookup list)"
        )
        out.notes.append(Skipped(location.source, location.container, message))
    judged_of = {id(c): fs for c, fs in zip(cols, judged, strict=True)}
    for col, findings in zip(cols, judged, strict=True):
        if col.fields:  # a JSON column keeps only what no field path shows on its own
            by_path = {f.entity for child in col.fields.values() for f in judged_of[id(child)]}
            findings = [f for f in findings if f.entity not in by_path]
        if not scanner.config.examples:
            findings = [replace(f, example="") for f in findings]
        out.findings.extend(findings)
        out.coverage.append(col.tally.coverage(findings))
        thin = col.thinning
        if thin and thin.thinned_rows:
            examined = col.tally.sampled
            message = (
                f"full scan: verdict settled, {examined:,} of {examined + thin.thinned_rows:,} non-null "
                f"values examined (thinned up to 1 in {thin.widest}; --exhaustive examines all)"
            )
            out.notes.append(Skipped(col.tally.location.source, col.tally.location.path, message))
