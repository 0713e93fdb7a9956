"""Scan each unit of the real-data set (a dataset in one engine, or a folder) with piscan's Scanner."""

from __future__ import annotations

import contextlib
import logging
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.quality.evaluate import POLICIES
from benchmarks.quality.real.datasets import RECIPES, corpora_root
from benchmarks.quality.real.labels import Labels
from benchmarks.quality.real.load import loaded
from piscan.model import Finding, Location, ScanResult
from piscan.policy import load_policy

log = logging.getLogger(__name__)
FILES = "files"  # the engine name of a folder unit


@dataclass
class UnitScan:
    """What one default scan of a unit reported, keyed the way labels are."""

    dataset: str
    engine: str  # postgresql | sqlite | files
    scanned: set[str] = field(default_factory=set)  # every location in the scan's coverage
    findings: dict[str, list[Finding]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # "location: reason", never a value
    database: str = ""  # the PostgreSQL database loaded for the scan (dropped afterwards)


def key(location: Location, kind: str) -> str:
    """The label key of a location: ``table.column`` (the schema prefix differs, public vs main)
    for databases, the path relative to the scanned folder for files."""
    return ".".join(location.parts[-2:]) if kind == "database" else location.path


def units(labels: Labels) -> list[str]:
    """The engines a dataset is scanned in."""
    if labels.kind == FILES:
        return [FILES]
    return list(RECIPES[labels.dataset].engines)


def scan_targets(targets: list[str]) -> ScanResult:
    """One default scan of every target, in this process (no worker processes: the CPU figure is
    all of it)."""
    from piscan.scan import ScanConfig, Scanner
    from piscan.sources.fileopts import FileOptions
    from piscan.sources.sql import SqlOptions

    config = ScanConfig(
        targets=tuple(targets),
        policies=tuple(load_policy(p) for p in POLICIES),
        sql=SqlOptions(),
        files=FileOptions(jobs=1),
    )
    return Scanner(config).run()


def _target(stack: contextlib.ExitStack, labels: Labels, engine: str, tmp: Path) -> str:
    if engine == FILES:
        return str(corpora_root() / labels.corpus)
    return stack.enter_context(loaded(RECIPES[labels.dataset], engine, tmp))


def collect(labels: Labels, engine: str, target: str, result: ScanResult) -> UnitScan:
    """One unit's part of a multi-target scan, keyed the way its labels are."""
    out = UnitScan(labels.dataset, engine)
    found: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        if finding.location.source == target:
            found[key(finding.location, labels.kind)].append(finding)
    out.findings = dict(found)
    out.scanned = {key(c.location, labels.kind) for c in result.coverage if c.location.source == target}
    out.scanned |= set(found)
    out.skipped = [f"{s.location}: {s.reason}" for s in result.skipped if s.source == target]
    out.database = target.rsplit("/", 1)[1] if engine == "postgresql" else ""
    return out


def scan_all(datasets: Iterable[Labels]) -> tuple[list[UnitScan], ScanResult]:
    """Every unit of every dataset, loaded first and then scanned as one multi-target scan, so that
    values two units share (one database in two engines) are analysed once, as in any such scan;
    the databases are dropped afterwards."""
    plan = [(lab, engine) for lab in datasets for engine in units(lab)]
    with tempfile.TemporaryDirectory(prefix="piscan-real-") as tmp, contextlib.ExitStack() as stack:
        targets = [_target(stack, lab, engine, Path(tmp)) for lab, engine in plan]
        log.info("loaded %d units; scanning", len(targets))
        result = scan_targets(targets)
    known = set(targets)
    strays = {f.location.source for f in result.findings} - known
    if strays:
        raise RuntimeError(f"findings from a source that is no unit: {sorted(strays)}")
    return [collect(lab, e, t, result) for (lab, e), t in zip(plan, targets, strict=True)], result
