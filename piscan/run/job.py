"""A job: what a worker anywhere needs to run units of one target (a local process, a Spark
Python worker). The scanner and the source are built once per process and kept."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from piscan.errors import TargetError
from piscan.mask import digest_key, use_digest_key
from piscan.model import Skipped
from piscan.run.pipeline import scan_unit
from piscan.run.tally import PartialTally, unread
from piscan.run.units import Unit

# this process's scanner and open sources, built on a job's first unit
_OPEN: dict[str, Any] = {"config": None, "scanner": None, "sources": {}}
ACTIVE: dict[str, Any] = {}  # the source a unit is being read from, for a worker told to stop


@dataclass(frozen=True)
class Job:
    """Everything a worker needs, picklable. Its config's targets may hold passwords: never put
    a Job in a log, an error or a job description (Unit.describe is what is safe to show)."""

    config: Any  # piscan.scan.ScanConfig
    source: int  # the target this job's units belong to
    worker_state: Any = None  # what the parent's source learned (SqlSource.worker_state)
    opener: Callable[..., Any] | None = None  # target -> source; None: piscan.targets.open_target
    public: str = ""  # the target as reports show it (the parent's Source.public): no password
    # the scan's key for digests of matched texts (piscan.mask): every process of one scan must
    # digest alike, or a text seen by two workers counts as two distinct values; never shown
    digest_key: bytes = field(default_factory=digest_key, repr=False)

    @property
    def target(self) -> str:
        """The target as the user gave it (credentials and all: never show it)."""
        return str(self.config.targets[self.source])

    def run(self, unit: Unit, raise_errors: bool = False) -> PartialTally:
        """Read one unit. A target that will not open, a container that cannot be read or an
        unexpected error becomes a skipped entry of the partial; ``raise_errors`` raises them
        instead (an executor that retries). KeyboardInterrupt is never swallowed here."""
        try:
            scanner, source = self.opened()
        except Exception as exc:  # the target opened in the parent: say why it did not here
            if raise_errors:
                raise
            from piscan.sources.credentials import redact_target, redact_text

            reason = str(exc) if isinstance(exc, TargetError) else f"{type(exc).__name__}: {exc}"
            why = f"cannot open the target in a worker: {redact_text(reason)}"[:300]
            public = self.public or redact_target(self.target)
            return unread(unit, Skipped(public, unit.container.path, why))
        ACTIVE["source"] = source
        try:
            return scan_unit(scanner, source, unit, raise_errors=raise_errors)
        finally:
            ACTIVE.pop("source", None)

    def run_or_raise(self, unit: Unit) -> PartialTally:
        """``run`` for an executor that retries: failures are raised, not skipped."""
        return self.run(unit, raise_errors=True)

    def opened(self) -> tuple[Any, Any]:
        """This process's scanner for the job's config and its source, opened once."""
        use_digest_key(self.digest_key)
        known = _OPEN["config"]
        if _OPEN["scanner"] is None or (known is not self.config and known != self.config):
            from piscan.scan import Scanner

            close()
            _OPEN["scanner"] = Scanner(self.config, opener=self._opener())
            _OPEN["config"] = self.config
        sources = _OPEN["sources"]
        if self.source not in sources:
            source = self._opener()(self.target, self.config.sql, self.config.files)
            if self.worker_state is not None:
                source.adopt_worker_state(self.worker_state)
            sources[self.source] = source
        return _OPEN["scanner"], sources[self.source]

    def _opener(self) -> Callable[..., Any]:
        if self.opener is not None:
            return self.opener
        from piscan.targets import open_target

        return open_target


def close() -> None:
    """Close this process's open sources (a new config, or the end of a worker)."""
    for source in _OPEN["sources"].values():
        with suppress(Exception):  # closing is best effort: the process ends anyway
            source.close()
    _OPEN.update(config=None, scanner=None, sources={})
