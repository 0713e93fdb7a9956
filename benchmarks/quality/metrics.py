"""Precision, recall and F1 from labeled sets; the arithmetic is kept apart from the corpus."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class Counts:
    """True positives, false positives and false negatives of one entity or category."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """Share of reports that were right (1.0 when nothing was reported)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of labeled items that were reported (1.0 when nothing was labeled)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        """How many labeled items there were."""
        return self.tp + self.fn


@dataclass
class Tally:
    """Counts keyed by entity or category, plus the misses behind them."""

    counts: dict[str, Counts] = field(default_factory=dict)
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (key, "FN"/"FP", where)

    def score(
        self, where: str, expected: Iterable[str], allowed: Iterable[str], found: Iterable[str]
    ) -> None:
        """Count one labeled item: ``allowed`` holds labels that are right but not required."""
        expected, allowed, found = set(expected), set(allowed) | set(expected), set(found)
        for key in expected | found:
            counts = self.counts.setdefault(key, Counts())
            if key in expected and key in found:
                counts.tp += 1
            elif key in expected:
                counts.fn += 1
                self.misses.append((key, "FN", where))
            elif key not in allowed:
                counts.fp += 1
                self.misses.append((key, "FP", where))

    def ensure(self, keys: Iterable[str]) -> None:
        """List keys with no labeled item too, so reports show every entity and category."""
        for key in keys:
            self.counts.setdefault(key, Counts())
