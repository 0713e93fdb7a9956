"""One pipeline for every source: a unit's batches -> per-location tallies -> a PartialTally.

What differs between a table and a file comes from the data, not from asking which source it is:
columns the container declares are seeded with their table's name evidence, split into JSON field
paths and settled (piscan.settle: full scans thin a settled column and sweep what they skip for
the sparse entities, piscan.sweep; sampled scans stop examining it); fields found while reading
(``Batch.columns``) count the rows of their unit (a file or an archive member) and, where the
batch gives lines, the first line of each entity; the container's class says whether binaries go
to the media detector. Findings are not computed here: a table's need every column (piscan.run.merge).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from piscan import interrupt, nested, sweep
from piscan.aggregate import ColumnTally
from piscan.detectors.names import context_words, name_hits
from piscan.detectors.topics import PROSE_FORMATS, TopicTally
from piscan.errors import SkipError
from piscan.formats.base import CONTENT
from piscan.model import Column, Detection, Skipped, ValueKind
from piscan.records import Prepared, normalize, prepare
from piscan.run.tally import FieldTally, PartialTally
from piscan.run.units import Unit
from piscan.settle import EARLY, Thinning, early_stop
from piscan.sources.base import Batch, Container, Source

log = logging.getLogger(__name__)
RowsSeen = Callable[[str, int], None]  # (container path, rows so far): a progress display


class Detects(Protocol):
    """What the pipeline needs of a scanner: its settings and its detectors (piscan.scan.Scanner)."""

    config: Any  # piscan.scan.ScanConfig
    presidio: Any  # piscan.detectors.presidio.PresidioDetector: the sweep's recognizers

    def detect(
        self, tally: ColumnTally, column: Column, prepared: Prepared, media: bool = False
    ) -> list[Detection]: ...


@dataclass
class _Col:
    """A location being read: its mergeable tally and how its values are taken."""

    key: str
    tally: FieldTally
    thinning: Thinning | None  # None: examine every value read (full scans: thin; sampled: stop early)
    json: bool | None = None  # holds JSON documents (None: not decided before a value was seen)
    fields: dict[str, _Col] = field(default_factory=dict)  # a JSON column's field paths
    paired: bool = False  # values travel with their lines: thinning takes (value, line) pairs


def scan_unit(
    scanner: Detects,
    source: Source,
    unit: Unit,
    rows_seen: RowsSeen | None = None,
    raise_errors: bool = False,
) -> PartialTally:
    """Read one unit and tally each of its locations. A failing read becomes a skipped entry
    (``raise_errors``: it is raised, for an executor that retries), and on Ctrl-C what was
    tallied so far is kept, marked interrupted."""
    container = unit.container
    out = PartialTally(
        unit.index,
        unit.source,
        container,
        source.public,
        of=unit.part.count if unit.part else 1,
        units=(unit.index,),
    )
    reader = _Reader(scanner, source, container)
    try:
        for batch in _batches(source, unit):
            interrupt.check()  # a Ctrl-C swallowed by a finalizer is raised here
            reader.add(batch, out)
            if rows_seen is not None:
                rows_seen(container.path, reader.rows)
        reader.flush()
        out.scanned = True
    except SkipError as exc:
        if raise_errors:
            raise
        if not reader.rows:  # nothing was read: nothing is judged (not even by the names)
            reader.columns.clear()
            out.skipped.append(Skipped(source.public, container.path, str(exc)))
        elif container.says_partial:  # failed part-way: what was read is kept, marked partial
            partial = f"partial: {reader.rows:,} rows were read and scanned, then: {exc}"
            out.skipped.append(Skipped(source.public, container.path, partial))
        else:
            out.skipped.append(Skipped(source.public, container.path, str(exc)))
    except KeyboardInterrupt:
        out.interrupted = True
    except Exception as exc:  # a bug met on one container must not lose every other's findings
        if raise_errors:
            raise
        log.info("internal error on %s", container.path, exc_info=True)
        out.skipped.append(
            Skipped(source.public, container.path, f"internal error: {type(exc).__name__}: {exc}"[:300])
        )
    _drain(source, out)
    out.rows = reader.rows
    out.fields = reader.tallies()
    return out


def _batches(source: Source, unit: Unit) -> Iterator[Batch]:
    if unit.part is None:  # sources that read no parts take the container alone
        return source.read(unit.container)
    return source.read(unit.container, unit.part)


def _drain(source: Source, out: PartialTally) -> None:
    """What the source noted while reading (a file's skipped archive members, its notes)."""
    out.skipped += [Skipped(source.public, loc, text) for loc, text in source.notices]
    source.notices.clear()
    notes = getattr(source, "notes", None)  # file sources also say what they did not follow
    if notes:
        out.notes += [Skipped(source.public, loc, text) for loc, text in notes]
        notes.clear()


class _Reader:
    """The locations of one unit as its batches arrive."""

    def __init__(self, scanner: Detects, source: Source, container: Container) -> None:
        self.scanner, self.source, self.container = scanner, source, container
        self.max_chars = scanner.config.sql.max_cell_chars
        self.reset()

    def reset(self) -> None:
        """Fresh tallies (the source starts over: count nothing twice)."""
        self.rows = 0
        self.unit_rows: dict[str, int] = {}
        self.columns = self._declared()

    def _declared(self) -> dict[str, _Col]:
        """A tally per declared column, seeded with its name evidence (its table's and siblings'
        names are context too) and context words."""
        container = self.container
        table = container.parts[-1] if container.parts else ""
        names = tuple(c.name for c in container.columns)
        return {
            c.name: self._settling(
                c.name,
                FieldTally(
                    ColumnTally(
                        self.source.location(container, c.name),
                        tuple(name_hits(c, table, tuple(n for n in names if n != c.name))),
                        context=context_words(c),
                        references=container.references,
                    ),
                    c,
                ),
            )
            for c in container.columns
        }

    def _settling(self, key: str, fld: FieldTally, json: bool | None = None) -> _Col:
        """A declared column or field path: full scans thin it once settled and sweep what thinning
        skips (piscan.sweep); sampled scans stop examining it once settled (piscan.settle)."""
        sql = self.scanner.config.sql
        thinning = Thinning(sql.sample_rows, sql.exhaustive) if sql.full_scan else early_stop(sql.exhaustive)
        fld.sweep = sweep.attach(thinning, self.max_chars, self.scanner.presidio)
        return _Col(key, fld, thinning, json=json)

    def add(self, batch: Batch, out: PartialTally) -> None:
        """Count one batch."""
        if batch.restart:
            self.reset()
        self.rows += batch.rows
        if batch.unit is not None:
            self.unit_rows[batch.unit] = self.unit_rows.get(batch.unit, 0) + batch.rows
        out.notes += [Skipped(self.source.public, self.container.path, text) for text in batch.notes]
        for name, reason in batch.failed.items():
            location = self.source.location(self.container, name).path
            out.skipped.append(Skipped(self.source.public, location, reason))
            out.failed[name] = reason
            self.columns.pop(name, None)
        for key, raw in batch.values.items():
            col = self.columns.get(key)
            if col is None and key in batch.columns:
                col = self.columns[key] = self._found(key, batch)
            if col is not None:
                self._read(col, 0 if col.tally.unit is not None else batch.rows, raw, batch.lines.get(key))

    def _found(self, key: str, batch: Batch) -> _Col:
        """A field found while reading: named by itself, counting its unit's rows."""
        column = batch.columns[key]
        tally = ColumnTally(
            self.source.location(self.container, key), tuple(name_hits(column)), context=context_words(column)
        )
        prose = column.name == CONTENT and column.type_name in PROSE_FORMATS
        fld = FieldTally(tally, column, unit=batch.unit or "", topics=TopicTally() if prose else None)
        sql = self.scanner.config.sql
        if not sql.full_scan or key not in batch.lines:  # sampled: the byte budget bounds the read
            return _Col(key, fld, None, json=False)
        col = self._settling(key, fld, json=False)  # full: settle, thin, sweep what thinning skips
        col.paired = True
        return col

    def _read(self, col: _Col, rows: int, raw: list[object], lines: list[int | None] | None) -> None:
        if col.json is None and any(v is not None for v in raw):
            col.json = nested.is_json_column(col.tally.column, raw)
        if col.json:  # its field paths, and below the documents whole (a lat/lng pair, prose in a key)
            self._read_json(col, rows, raw)
        if lines is not None:
            if col.paired and col.thinning is not None:
                self._take_lines(col, raw, lines)
            else:
                self._examine_lines(col, raw, lines)
            return
        if col.thinning and col.thinning.early and len(raw) > EARLY:  # settle within the sample
            for at in range(0, len(raw), EARLY):
                self._take(col, min(EARLY, rows - at) if at < rows else 0, raw[at : at + EARLY])
            return
        self._take(col, rows, raw)

    def _take(self, col: _Col, rows: int, raw: list[object]) -> None:
        """Examine what settling picks of ``raw``; the sweep gets what thinning skips."""
        values = col.thinning.take(raw) if col.thinning else raw
        if col.tally.sweep is not None and col.thinning is not None:
            sweep.step(self.scanner.presidio, col.tally.sweep, col.thinning, col.tally.tally)
        if values is None:  # thinned values gathering into a batch (or a stopped column): rows only
            col.tally.tally.add(rows, 0, [], ())
            return
        self._examine(col, rows, values)

    def _take_lines(self, col: _Col, raw: list[object], lines: list[int | None]) -> None:
        """``_take`` for values that know their line: thinning takes (value, line) pairs, so the
        examined values and the swept ones both keep the first line of what they find."""
        thinning, fld = col.thinning, col.tally
        assert thinning is not None
        if fld.topics is not None:  # what a prose file is about counts every line, thinned or not
            self._topics(fld, raw, lines)
        pairs = list(zip(raw, lines, strict=True))
        picked = thinning.take(pairs if None not in raw else [p for p in pairs if p[0] is not None])
        if fld.sweep is not None:
            sweep.step(self.scanner.presidio, fld.sweep, thinning, fld.tally, paired=True)
        if picked:
            self._examine_pairs(col, picked)

    def _examine_pairs(self, col: _Col, pairs: list[object]) -> None:
        values, lines = zip(*pairs, strict=True)  # type: ignore[call-overload]
        self._examine_lines(col, list(values), list(lines), topics=False)

    def _read_json(self, col: _Col, rows: int, raw: list[object]) -> None:
        """A JSON column's field paths, each tallied as its own location (``payload#customer.email``)."""
        fields, _ = nested.split(raw)
        for path, values in fields.items():
            child = col.fields.get(path)
            if child is None and len(col.fields) >= nested.MAX_PATHS:
                continue  # keys beyond the cap are still examined in the whole documents
            if child is None:
                child = col.fields[path] = self._path(col, path)
            self._read(child, rows, values, None)

    def _path(self, parent: _Col, path: str) -> _Col:
        column = nested.field_column(parent.tally.column, path)
        location = nested.field_location(parent.tally.tally.location, path)
        tally = ColumnTally(location, tuple(name_hits(column)), context=context_words(column))
        fld = FieldTally(tally, column, parent=parent.key)
        return self._settling(f"{parent.key}#{path}", fld, json=False)

    def _examine(self, col: _Col, rows: int, values: list[object]) -> None:
        fld = col.tally
        prepared = prepare(values, fld.column.kind, self.max_chars)
        detections = self.scanner.detect(fld.tally, fld.column, prepared, media=self.container.media)
        fld.tally.add(rows, prepared.non_null, prepared.weights, detections)
        if col.thinning:
            col.thinning.update(prepared.non_null, fld.tally.sampled, fld.tally.settled())

    def _examine_lines(
        self, col: _Col, raw: list[object], lines: list[int | None], topics: bool = True
    ) -> None:
        """Values that know their line: the first line of each entity is kept."""
        fld = col.tally
        if topics and fld.topics is not None:
            self._topics(fld, raw, lines)
        prepared, firsts = prepare_lines(raw, lines, fld.column.kind, self.max_chars)
        detections = self.scanner.detect(fld.tally, fld.column, prepared, media=self.container.media)
        fld.tally.add(0, prepared.non_null, prepared.weights, detections)
        for d in detections:
            line = firsts[d.value_index] if d.value_index is not None else None
            if line is not None and line < fld.first.get(d.entity, line + 1):
                fld.first[d.entity] = line
        if col.thinning is not None and col.paired:
            col.thinning.update(prepared.non_null, fld.tally.sampled, fld.tally.settled())

    @staticmethod
    def _topics(fld: FieldTally, raw: list[object], lines: list[int | None]) -> None:
        assert fld.topics is not None
        for value, line in zip(raw, lines, strict=True):
            if isinstance(value, str):
                fld.topics.add(value, line)

    def flush(self) -> None:
        """What thinning gathered but had not examined yet, and what the sweep had not checked."""
        for col in self._all():
            if col.thinning and col.thinning.pending and col.paired:
                self._examine_pairs(col, col.thinning.flush())
            elif col.thinning and col.thinning.pending:
                self._examine(col, 0, col.thinning.flush())
            if col.tally.sweep is not None and col.thinning is not None:
                presidio, tally = self.scanner.presidio, col.tally.tally
                sweep.step(presidio, col.tally.sweep, col.thinning, tally, final=True, paired=col.paired)

    def _all(self) -> Iterator[_Col]:
        """Every location and, after a JSON column, its field paths."""
        for col in self.columns.values():
            yield col
            yield from col.fields.values()

    def tallies(self) -> dict[str, FieldTally]:
        """The unit's tallies, in the order a report lists them; a file's fields count the
        rows of their unit."""
        out = {}
        for col in self._all():
            fld = col.tally
            if fld.unit is not None:
                fld.tally.rows = self.unit_rows.get(fld.unit, 0)
            if col.thinning:
                fld.thinned, fld.widest = col.thinning.thinned_rows, col.thinning.widest
                fld.early = col.thinning.early
            if fld.sweep is not None:  # a read that failed part-way: unchecked values never travel
                fld.sweep.pending.clear()
            out[col.key] = fld
        return out


def prepare_lines(
    raw: list[object], lines: list[int | None], declared: ValueKind, max_chars: int
) -> tuple[Prepared, list[int | None]]:
    """Distinct values with their counts (as records.prepare) and the first line of each."""
    index: dict[object, int] = {}
    prepared, firsts = Prepared([], [], set(), 0), []
    for value, line in zip(raw, lines, strict=True):
        prepared.non_null += 1
        kind, form = normalize(value, declared, max_chars)
        prepared.kinds.add(kind)
        if form is None:
            continue
        slot = index.get(form)
        if slot is None:
            index[form] = len(prepared.values)
            prepared.values.append(form)
            prepared.weights.append(1)
            firsts.append(line)
        else:
            prepared.weights[slot] += 1
            firsts[slot] = line if firsts[slot] is None else firsts[slot]
    return prepared, firsts
