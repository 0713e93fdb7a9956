"""Orchestration: targets -> tables -> batches -> detections -> findings -> verdicts.

A failing table or column becomes a Skipped entry, never a crash; Ctrl-C stops the scan and
keeps everything found so far.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

from piscan import __version__
from piscan.aggregate import ColumnTally
from piscan.detectors.names import context_words, name_hits
from piscan.detectors.presidio import DEFAULT_MODEL, PresidioDetector, build_engine
from piscan.detectors.signatures import SignatureDetector
from piscan.detectors.vectors import VectorDetector
from piscan.errors import SkipError, TargetError
from piscan.model import Column, Coverage, Detection, Finding, Record, ScanResult, Skipped
from piscan.policy import Policy
from piscan.records import Prepared, prepare
from piscan.rules import rules_digest
from piscan.settle import Thinning
from piscan.sources.base import Container, Source
from piscan.sources.fileopts import FileOptions
from piscan.sources.files import FileSource
from piscan.sources.sql import SqlOptions
from piscan.targets import open_target

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScanConfig:
    """Everything a scan needs, already validated."""

    targets: tuple[str, ...]
    policies: tuple[Policy, ...]
    sql: SqlOptions = SqlOptions()
    files: FileOptions = FileOptions()
    model: str = DEFAULT_MODEL
    recognizers: tuple[Path, ...] = ()
    examples: bool = True

    def settings(self) -> dict[str, object]:
        """The effective settings, as reports record them."""
        sql = asdict(self.sql)
        sql["selector"] = {
            "include": list(self.sql.selector.include),
            "exclude": list(self.sql.selector.exclude),
        }
        return {
            "model": self.model,
            "examples": self.examples,
            **sql,
            "files": asdict(self.files),
            "recognizers": [str(p) for p in self.recognizers],
        }


class Progress(Protocol):
    """What the scan tells a progress display."""

    def start(self, source: str, total: int) -> None: ...
    def table(self, name: str) -> None: ...
    def advance(self) -> None: ...
    def stop(self) -> None: ...


class NoProgress:
    """Progress that shows nothing (not a terminal, or --quiet)."""

    def start(self, source: str, total: int) -> None: ...
    def table(self, name: str) -> None: ...
    def advance(self) -> None: ...
    def stop(self) -> None: ...


@dataclass
class _State:
    findings: list[Finding] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[Skipped] = field(default_factory=list)
    coverage: list[Coverage] = field(default_factory=list)
    tables: int = 0
    interrupted: bool = False


class Scanner:
    """Runs one scan; detectors are built once and shared by every table and file."""

    def __init__(
        self,
        config: ScanConfig,
        progress: Progress | None = None,
        opener: Callable[..., Source] = open_target,
    ) -> None:
        self.config = config
        self.progress = progress or NoProgress()
        self.opener = opener  # target -> source; worker processes open their own with it
        engine = build_engine(config.model, config.recognizers)
        self.presidio = PresidioDetector(engine)
        self.signatures = SignatureDetector()

    @cached_property
    def cached(self) -> Any:
        """Presidio with a bounded memory of values already analyzed under the same column words:
        status, product and currency vocabularies repeat from table to table."""
        from piscan.parallel import CachedPresidio

        return CachedPresidio(self.presidio)

    @cached_property
    def media(self) -> Any:
        """The media detector for files (faces, EXIF, recordings), loaded when a file needs it."""
        return _media_detector()

    def run(self) -> ScanResult:
        """Scan every target; returns whatever was found, also when interrupted."""
        started = _now()
        state = _State()
        publics = []
        try:
            for target in self.config.targets:
                publics.append(self._scan_target(target, state))
        except KeyboardInterrupt:
            state.interrupted = True
        return self._result(started, publics, state)

    def _scan_target(self, target: str, state: _State) -> str:
        try:
            source = self.opener(target, self.config.sql, self.config.files)
        except TargetError as exc:
            state.skipped.append(Skipped(_public_guess(target), "", str(exc)))
            raise_if_only = len(self.config.targets) == 1
            if raise_if_only:
                raise
            return _public_guess(target)
        try:
            self._scan_source(source, state, target)
        finally:
            source.close()
        return source.public

    def _scan_source(self, source: Source, state: _State, target: str = "") -> None:
        try:
            containers = list(source.discover())
        except TargetError as exc:
            state.skipped.append(Skipped(source.public, "", str(exc)))
            return
        finally:
            state.skipped.extend(Skipped(source.public, loc, msg) for loc, msg in source.notices)
            source.notices.clear()
            notes = getattr(source, "notes", [])  # file sources also say what they did not follow
            state.notes.extend(Skipped(source.public, loc, msg) for loc, msg in notes)
            notes.clear()
        if isinstance(source, FileSource):
            self._scan_files(source, containers, state, target)
            return
        if not containers:
            state.notes.append(Skipped(source.public, "", "no tables found: nothing to scan"))
        from piscan.parallel import scan_tables

        self._merge(source, scan_tables(self, source, containers, target), len(containers), state)

    def _scan_container(self, source: Source, container: Container, state: _State) -> None:
        tallies, thinning = _tallies(source, container), self._thinning(container)
        columns = {c.name: c for c in container.columns}
        rows = 0
        try:
            for batch in source.read(container):
                if batch.restart:
                    tallies, thinning, rows = _tallies(source, container), self._thinning(container), 0
                rows += batch.rows
                for name, reason in batch.failed.items():
                    state.skipped.append(Skipped(source.public, f"{container.path}.{name}", reason))
                    tallies.pop(name, None)
                for name, raw in batch.values.items():
                    if name in tallies:
                        self._scan_values(tallies[name], columns[name], batch.rows, raw, thinning.get(name))
        except SkipError as exc:
            state.skipped.append(Skipped(source.public, container.path, str(exc)))
            return
        except KeyboardInterrupt:
            self._collect(tallies, state, thinning)
            raise
        self._flush(tallies, columns, thinning)
        state.tables += 1
        if rows == 0:
            state.notes.append(
                Skipped(source.public, container.path, "table is empty: judged by column names only")
            )
        self._collect(tallies, state, thinning)

    def _thinning(self, container: Container) -> dict[str, Thinning]:
        """Full scans settle column by column (piscan.settle); sampled scans examine their sample."""
        sql = self.config.sql
        if not sql.full_scan:
            return {}
        return {c.name: Thinning(sql.sample_rows, sql.exhaustive) for c in container.columns}

    def _scan_values(
        self, tally: ColumnTally, column: Column, rows: int, raw: list[object], thinning: Thinning | None
    ) -> None:
        values = thinning.take(raw) if thinning else raw
        if values is None:  # thinned values gathering into a batch: count the rows only
            tally.add(rows, 0, [], ())
            return
        self._examine(tally, column, rows, values, thinning)

    def _examine(
        self, tally: ColumnTally, column: Column, rows: int, values: list[object], thinning: Thinning | None
    ) -> None:
        prepared = prepare(values, column.kind, self.config.sql.max_cell_chars)
        tally.add(rows, prepared.non_null, prepared.weights, self.detect(tally, column, prepared))
        if thinning:
            thinning.update(prepared.non_null, tally.sampled, tally.settled())

    def _flush(
        self, tallies: dict[str, ColumnTally], columns: dict[str, Column], thinning: dict[str, Thinning]
    ) -> None:
        """Examine what thinning gathered but had not examined yet, at the end of a table."""
        for name, thin in thinning.items():
            if name in tallies and thin.pending:
                self._examine(tallies[name], columns[name], 0, thin.flush(), thin)

    def detect(
        self, tally: ColumnTally, column: Column, prepared: Prepared, files: Any = None
    ) -> list[Detection]:
        """Detections for one batch of a location's distinct values (``files``: the file scan's
        cached Presidio; binaries then go to the media detector when it is installed)."""
        tally.kinds |= prepared.kinds
        record = Record(tally.location, column, tuple(prepared.values))
        context = tally.context
        detections = []
        if any(isinstance(v, str) for v in record.values):
            detections += (files or self.cached).detect(record, context)
        if any(isinstance(v, bytes) for v in record.values):
            # In files, media detection (faces, EXIF, recordings by signature) replaces the bare
            # signatures: a photo is personal data when it shows a face.
            binary = self.media if files is not None and self.media is not None else self.signatures
            detections += binary.detect(record, context)
        vectors = VectorDetector(tuple(h.entity for h in tally.name_hits))
        detections += vectors.detect(record, context)
        return detections

    def _scan_files(
        self, source: FileSource, containers: list[Container], state: _State, target: str
    ) -> None:
        """Files, in worker processes when there are enough of them; results come in path order."""
        from piscan.parallel import scan_files

        if not containers:
            state.notes.append(Skipped(source.public, "", "no files found: nothing to scan"))
        self._merge(source, scan_files(self, source, containers, target), len(containers), state)

    def _merge(self, source: Source, outcomes: Any, total: int, state: _State) -> None:
        """Outcomes of files or tables, in order, into the scan's state; stop on Ctrl-C."""
        self.progress.start(source.public, total)
        try:
            for container, outcome in outcomes:
                self.progress.table(container.path)
                state.findings.extend(outcome.findings)
                state.coverage.extend(outcome.coverage)
                state.skipped.extend(outcome.skipped)
                state.notes.extend(outcome.notes)
                state.tables += outcome.scanned
                self.progress.advance()
                if outcome.interrupted:
                    raise KeyboardInterrupt
        finally:
            self.progress.stop()

    def _collect(
        self, tallies: dict[str, ColumnTally], state: _State, thinning: dict[str, Thinning] | None = None
    ) -> None:
        for name, tally in tallies.items():
            findings = tally.findings()
            if not self.config.examples:
                findings = [_without_example(f) for f in findings]
            state.findings.extend(findings)
            state.coverage.append(tally.coverage(findings))
            thin = (thinning or {}).get(name)
            if thin and thin.thinned_rows:
                examined = tally.sampled
                state.notes.append(
                    Skipped(
                        tally.location.source,
                        tally.location.path,
                        f"full scan: verdict settled, {examined:,} of {examined + thin.thinned_rows:,} "
                        f"non-null values examined (thinned up to 1 in {thin.stride}; --exhaustive "
                        "examines all)",
                    )
                )

    def _result(self, started: str, publics: list[str], state: _State) -> ScanResult:
        verdicts = [v for p in self.config.policies for v in p.evaluate(state.findings)]
        return ScanResult(
            tool_version=__version__,
            started=started,
            finished=_now(),
            targets=tuple(publics),
            policies=tuple(p.info for p in self.config.policies),
            settings=self.config.settings(),
            findings=tuple(state.findings),
            verdicts=tuple(verdicts),
            skipped=tuple(state.skipped),
            notes=tuple(state.notes),
            coverage=tuple(state.coverage),
            tables_scanned=state.tables,
            interrupted=state.interrupted,
            rules_digest=rules_digest(),
        )


def _tallies(source: Source, container: Container) -> dict[str, ColumnTally]:
    """A fresh tally per column, seeded with the column's name evidence and context words."""
    return {
        c.name: ColumnTally(source.location(container, c.name), tuple(name_hits(c)), context=context_words(c))
        for c in container.columns
    }


def _media_detector() -> Any:
    """Face, EXIF and audio/video detection for files, when piscan.detectors.media is there."""
    try:
        from piscan.detectors.media import MediaDetector  # type: ignore[import-not-found]
    except ImportError:
        return None
    return MediaDetector()


def _without_example(finding: Finding) -> Finding:
    from dataclasses import replace

    return replace(finding, example="")


def _public_guess(target: str) -> str:
    from piscan.sources.credentials import redact_text

    return redact_text(target)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
