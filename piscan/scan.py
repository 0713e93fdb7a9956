"""Orchestration: targets -> tables -> batches -> detections -> findings -> verdicts.

A failing table or column becomes a Skipped entry, never a crash; Ctrl-C stops the scan and
keeps everything found so far.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
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
from piscan.model import Column, Detection, Record, ScanResult, Skipped
from piscan.outcome import Outcome
from piscan.policy import Policy
from piscan.records import Prepared
from piscan.rules import rules_digest
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
class _State(Outcome):
    """The whole scan's outcome so far, and how many tables or files were read to the end."""

    tables: int = 0


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


def _media_detector() -> Any:
    """Face, EXIF and audio/video detection for files, when piscan.detectors.media is there."""
    try:
        from piscan.detectors.media import MediaDetector  # type: ignore[import-not-found]
    except ImportError:
        return None
    return MediaDetector()


def _public_guess(target: str) -> str:
    from piscan.sources.credentials import redact_text

    return redact_text(target)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
