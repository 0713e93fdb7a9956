"""The real-data part of the harness: labels -> scans -> scores, with its own timing."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from benchmarks.quality.real.datasets import corpora_root
from benchmarks.quality.real.labels import Labels, load_all
from benchmarks.quality.real.score import UnitScore, score_unit
from benchmarks.quality.real.units import scan_all


@dataclass
class RealResults:
    """Every unit's score, in label order, and what the run cost."""

    scores: list[UnitScore] = field(default_factory=list)
    labels: dict[str, Labels] = field(default_factory=dict)
    databases: list[str] = field(default_factory=list)  # PostgreSQL databases loaded and dropped
    seconds: float = 0.0
    cpu_seconds: float = 0.0

    def split(self, name: str) -> list[UnitScore]:
        """The units of one split (tune or heldout)."""
        return [s for s in self.scores if s.split == name]


def available() -> bool:
    """The corpora are beside the clone (or where ``PISCAN_CORPORA`` points)."""
    return (corpora_root() / "README.md").is_file()


def run(datasets: list[str] | None = None) -> RealResults:
    """Scan and score every labelled dataset (or the named ones)."""
    started, cpu = time.perf_counter(), time.process_time()
    labels = load_all()
    chosen = [labels[d] for d in (datasets or sorted(labels))]
    scans, _ = scan_all(chosen)
    by_id = {lab.dataset: lab for lab in chosen}
    scores = [score_unit(by_id[s.dataset], s) for s in scans]
    databases = [s.database for s in scans if s.database]
    return RealResults(scores, by_id, databases, time.perf_counter() - started, time.process_time() - cpu)
