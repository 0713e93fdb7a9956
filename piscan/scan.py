"""Orchestration: targets -> plan of units -> executor -> partial tallies -> merge -> verdicts.

The run layer (piscan.run) reads every kind of source through one pipeline. A failing table or
column becomes a Skipped entry, never a crash; Ctrl-C stops the scan and keeps everything found
so far.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

from piscan import __version__
from piscan.aggregate import ColumnTally
from piscan.detectors.presidio import DEFAULT_MODEL, PresidioDetector, build_engine
from piscan.detectors.shapes import ExpectationDetector
from piscan.detectors.signatures import SignatureDetector
from piscan.detectors.vectors import VectorDetector
from piscan.errors import TargetError
from piscan.model import Column, Detection, Record, ScanResult, Skipped, SourceCoverage
from piscan.outcome import Outcome
from piscan.policy import Policy
from piscan.records import Prepared
from piscan.rules import rules_digest, use_user_rules
from piscan.run.clusterconf import SparkSettings
from piscan.sources.base import Source
from piscan.sources.fileopts import FileOptions
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
    root: str = ""  # the folder relative paths' identities are anchored at (piscan.identity)
    names: tuple[tuple[str, str], ...] = ()  # (canonical identity, user-given name)
    engine: str = "local"  # the executor of the scan's units (piscan.run.engines)
    unit_rows: int = 500_000  # full scans: tables estimated above this many rows are split
    spark: SparkSettings = SparkSettings()  # master and passed-through settings (engine "spark")

    def identity(self, target: str) -> str:
        """The canonical identity of one target, with its user-given name when it has one."""
        from piscan.identity import identity

        return identity(target, self.root or None, dict(self.names))
    rules: tuple[Path, ...] = ()  # users' rules folders (entities, recognizers, policies)

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
            **({"rules": [str(p) for p in self.rules]} if self.rules else {}),
            **({"engine": self.engine, "spark": self.spark.public()} if self.engine != "local" else {}),
        }


class Progress(Protocol):
    """What the scan tells a progress display."""

    def start(self, source: str, total: int) -> None: ...
    def table(self, name: str) -> None: ...
    def rows(self, name: str, count: int) -> None: ...
    def advance(self) -> None: ...
    def stop(self) -> None: ...


class NoProgress:
    """Progress that shows nothing (not a terminal, or --quiet)."""

    def start(self, source: str, total: int) -> None: ...
    def table(self, name: str) -> None: ...
    def rows(self, name: str, count: int) -> None: ...
    def advance(self) -> None: ...
    def stop(self) -> None: ...


@dataclass
class _State(Outcome):
    """The whole scan's outcome so far, and how many tables or files were read to the end."""

    tables: int = 0
    sources: list[SourceCoverage] = field(default_factory=list)


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
        use_user_rules(config.rules)  # the scan's rules, also in a spawned worker process
        engine = build_engine(config.model, config.recognizers)
        self.presidio = PresidioDetector(engine)
        self.signatures = SignatureDetector()

    @cached_property
    def cached(self) -> Any:
        """Presidio with a bounded memory of values already analyzed under the same column words,
        one per process: log fields, status and product vocabularies repeat."""
        from piscan.detectors.cache import CachedPresidio

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
            for index, target in enumerate(self.config.targets):
                publics.append(self._scan_target(index, target, state))
        except KeyboardInterrupt:
            state.interrupted = True
        return self._result(started, publics, state)

    def _scan_target(self, index: int, target: str, state: _State) -> str:
        ident = self.config.identity(target)
        try:
            source = self.opener(target, self.config.sql, self.config.files)
        except TargetError as exc:
            state.skipped.append(Skipped(_public_guess(target), "", str(exc)))
            state.sources.append(SourceCoverage(_public_guess(target), ident, "", 0, 0, opened=False))
            raise_if_only = len(self.config.targets) == 1
            if raise_if_only:
                raise
            return _public_guess(target)
        try:
            self._scan_source(source, state, index, ident)
        finally:
            source.close()
        return source.public

    def _scan_source(self, source: Source, state: _State, index: int, ident: str) -> None:
        """Plan the source's units, run them on the configured engine and merge what they return."""
        from piscan.run.engines import executor_for
        from piscan.run.job import Job
        from piscan.run.merge import finished
        from piscan.run.plan import plan

        kind = getattr(source, "kind", "tables")
        try:
            containers = list(source.discover())
        except TargetError as exc:
            state.skipped.append(Skipped(source.public, "", str(exc)))
            state.sources.append(SourceCoverage(source.public, ident, kind, 0, 0, opened=False))
            return
        finally:
            state.skipped.extend(Skipped(source.public, loc, msg) for loc, msg in source.notices)
            source.notices.clear()
            notes = getattr(source, "notes", [])  # file sources also say what they did not follow
            state.notes.extend(Skipped(source.public, loc, msg) for loc, msg in notes)
            notes.clear()
        if not containers:
            state.notes.append(Skipped(source.public, "", f"no {kind} found: nothing to scan"))
        before = state.tables
        try:
            units = plan(source, containers, self.config, index)
            job = Job(self.config, index, _worker_state(source), self.opener, source.public)
            partials = executor_for(self.config.engine, self, source).run(job, units)
            self._merge(source, finished(partials, self.config), len(containers), state, ident)
        finally:
            read = state.tables - before
            state.sources.append(SourceCoverage(source.public, ident, kind, len(containers), read))

    def detect(
        self, tally: ColumnTally, column: Column, prepared: Prepared, media: bool = False
    ) -> list[Detection]:
        """Detections for one batch of a location's distinct values (``media``: a file's, whose
        binaries go to the media detector when it is installed)."""
        tally.kinds |= prepared.kinds
        record = Record(tally.location, column, tuple(prepared.values))
        context = tally.context
        detections = []
        if any(isinstance(v, str) for v in record.values):
            detections += self.cached.detect(record, context)
        if any(isinstance(v, bytes) for v in record.values):
            # In files, media detection (faces, EXIF, recordings by signature) replaces the bare
            # signatures: a photo is personal data when it shows a face.
            binary = self.media if media and self.media is not None else self.signatures
            detections += binary.detect(record, context)
        vectors = VectorDetector(tuple(h.entity for h in tally.name_hits))
        detections += vectors.detect(record, context)
        expected = {h.entity: h.expect for h in tally.name_hits if h.expect}
        if expected:  # values whose shape contradicts the name, for aggregation to weigh
            detections += ExpectationDetector(expected).detect(record, context)
        return detections

    def _merge(self, source: Source, outcomes: Any, total: int, state: _State, ident: str) -> None:
        """Outcomes of files or tables, in order, into the scan's state (their locations carrying
        the source's identity); stop on Ctrl-C."""
        self.progress.start(source.public, total)
        try:
            for container, outcome in outcomes:
                self.progress.table(container.path)
                state.findings.extend(
                    replace(f, location=replace(f.location, identity=ident)) for f in outcome.findings
                )
                state.coverage.extend(
                    replace(c, location=replace(c.location, identity=ident)) for c in outcome.coverage
                )
                state.skipped.extend(outcome.skipped)
                state.notes.extend(outcome.notes)
                state.tables += outcome.scanned
                self.progress.advance()
                if outcome.interrupted:
                    raise KeyboardInterrupt
        finally:
            self.progress.stop()

    def _result(self, started: str, publics: list[str], state: _State) -> ScanResult:
        verdicts = [v for p in self.config.policies for v in p.evaluate(state.findings)]
        skipped, notes = _scrubbed(state.skipped), _scrubbed(state.notes)
        return ScanResult(
            tool_version=__version__,
            started=started,
            finished=_now(),
            targets=tuple(publics),
            policies=tuple(p.info for p in self.config.policies),
            settings=self.config.settings(),
            findings=tuple(state.findings),
            verdicts=tuple(verdicts),
            skipped=skipped,
            notes=notes,
            coverage=tuple(state.coverage),
            tables_scanned=state.tables,
            interrupted=state.interrupted,
            sources=tuple(state.sources),
            rules_digest=rules_digest(),
        )


def _scrubbed(entries: list[Skipped]) -> tuple[Skipped, ...]:
    """Reasons and notes as every report and the store get them: whatever a driver, parser or
    URL put in them, no quoted value and no password is left (piscan.redact)."""
    from piscan.redact import scrub
    from piscan.sources.credentials import redact_text

    return tuple(replace(s, reason=scrub(redact_text(s.reason))) for s in entries)


def _worker_state(source: Any) -> Any:
    """What the parent's source learned that a worker's own source needs (SqlSource.worker_state)."""
    state = getattr(source, "worker_state", None)
    return state() if state else None


def _media_detector() -> Any:
    """Face, EXIF and audio/video detection for files, when piscan.detectors.media is there."""
    try:
        from piscan.detectors.media import MediaDetector  # type: ignore[import-not-found]
    except ImportError:
        return None
    return MediaDetector()


def _public_guess(target: str) -> str:
    from piscan.sources.credentials import redact_target

    return redact_target(target)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
