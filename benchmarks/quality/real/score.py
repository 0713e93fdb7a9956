"""Score a unit's scan against its labels, column level, exactly as the generated harness does."""

from __future__ import annotations

from dataclasses import dataclass, field

from benchmarks.quality.evaluate import POLICIES, category_of, undeclared_categories
from benchmarks.quality.metrics import Counts, Tally
from benchmarks.quality.real.labels import Labels
from benchmarks.quality.real.units import UnitScan
from benchmarks.quality.report import total
from piscan.policy import Policy, load_policy


@dataclass
class UnitScore:
    """Figures of one dataset in one engine: per policy, and per entity (policy-free)."""

    dataset: str
    engine: str
    split: str
    labelled: int  # labelled locations
    nothing: int  # of which labelled nothing personal
    entities: Tally = field(default_factory=Tally)
    categories: dict[str, Tally] = field(default_factory=dict)  # policy -> category tally
    undeclared: dict[str, Tally] = field(default_factory=dict)  # policy -> undeclared tally
    flagged_nothing: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    unlabelled: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)  # reported, no label
    unscanned: list[str] = field(default_factory=list)  # labelled, absent from the scan
    unlabelled_clean: list[str] = field(default_factory=list)  # scanned, nothing reported, no label
    skipped: list[str] = field(default_factory=list)

    @property
    def unit(self) -> str:
        """``dataset/engine``, as the report names it."""
        return f"{self.dataset}/{self.engine}"

    def f1(self, policy: str) -> float:
        """Category F1 over every labelled location (micro average)."""
        return total(self.categories[policy]).f1

    def undeclared_recall(self, policy: str) -> float:
        """Share of labelled undeclared categories reported as such."""
        return total(self.undeclared[policy]).recall


def _one(score: UnitScore, policy: Policy, where: str, expected: set[str], found: set[str]) -> None:
    pid = policy.id
    score.categories[pid].score(
        where, {category_of(policy, e) for e in expected}, set(), {category_of(policy, e) for e in found}
    )
    score.undeclared[pid].score(
        where, undeclared_categories(policy, expected), set(), undeclared_categories(policy, found)
    )


def score_unit(labels: Labels, scan: UnitScan) -> UnitScore:
    """Every labelled location scored; a location reported without a label counts as a false alarm."""
    policies = [load_policy(p) for p in POLICIES]
    nothing = sum(not e for e in labels.locations.values())
    score = UnitScore(scan.dataset, scan.engine, labels.split, len(labels.locations), nothing)
    score.categories = {p.id: Tally() for p in policies}
    score.undeclared = {p.id: Tally() for p in policies}
    score.skipped = scan.skipped
    wheres = sorted(set(labels.locations) | set(scan.findings))
    for where in wheres:
        found = {f.entity for f in scan.findings.get(where, [])}
        expected = set(labels.locations.get(where, ()))
        if where not in labels.locations:
            score.unlabelled.append((where, tuple(sorted(found))))
        elif not expected and found:
            score.flagged_nothing.append((where, tuple(sorted(found))))
        if where in labels.locations and where not in scan.scanned:
            score.unscanned.append(where)
        score.entities.score(where, expected, set(), found)
        for policy in policies:
            _one(score, policy, where, expected, found)
    score.unlabelled_clean = sorted(scan.scanned - set(labels.locations) - set(scan.findings))
    return score


def combined(scores: list[UnitScore], policy: str, attr: str) -> Counts:
    """Counts of a policy's category (``categories``) or undeclared tallies summed over units."""
    out = Counts()
    for s in scores:
        c = total(getattr(s, attr)[policy])
        out.tp, out.fp, out.fn = out.tp + c.tp, out.fp + c.fp, out.fn + c.fn
    return out
