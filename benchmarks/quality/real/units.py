"""Scan each unit of the real-data set (a dataset in one engine, or a folder) with piscan's Scanner."""

from __future__ import annotations

import logging
import tempfile
import time
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
    seconds: float = 0.0
    cpu_seconds: float = 0.0


def key(location: Location, kind: str) -> str:
    """The label key of a location: ``table.column`` (the schema prefix differs, public vs main)
    for databases, the path relative to the scanned folder for files."""
    return ".".join(location.parts[-2:]) if kind == "database" else location.path


def units(labels: Labels) -> list[str]:
    """The engines a dataset is scanned in."""
    if labels.kind == FILES:
        return [FILES]
    return list(RECIPES[labels.dataset].engines)


def scan_target(target: str) -> ScanResult:
    """A default scan in this process (no worker processes: the CPU figure is all of it)."""
    from piscan.scan import ScanConfig, Scanner
    from piscan.sources.fileopts import FileOptions
    from piscan.sources.sql import SqlOptions

    config = ScanConfig(
        targets=(target,),
        policies=tuple(load_policy(p) for p in POLICIES),
        sql=SqlOptions(),
        files=FileOptions(jobs=1),
    )
    return Scanner(config).run()


def scan_unit(labels: Labels, engine: str, tmp: Path) -> UnitScan:
    """Load (databases), scan and collect one unit; the database is dropped again afterwards."""
    started, cpu = time.perf_counter(), time.process_time()
    out = UnitScan(labels.dataset, engine)
    if engine == FILES:
        result = scan_target(str(corpora_root() / labels.corpus))
    else:
        with loaded(RECIPES[labels.dataset], engine, tmp) as target:
            result = scan_target(target)
            out.database = target.rsplit("/", 1)[1] if engine == "postgresql" else ""
    found: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        found[key(finding.location, labels.kind)].append(finding)
    out.findings = dict(found)
    out.scanned = {key(c.location, labels.kind) for c in result.coverage} | set(found)
    out.skipped = [f"{s.location}: {s.reason}" for s in result.skipped]
    out.seconds, out.cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    return out


def scan_all(datasets: Iterable[Labels]) -> list[UnitScan]:
    """Every unit of every dataset, in a fixed order."""
    with tempfile.TemporaryDirectory(prefix="piscan-real-") as tmp:
        return [scan_unit(lab, engine, Path(tmp)) for lab in datasets for engine in units(lab)]
