"""What a scan can say about what it did not see: per-location bounds and declared categories
that no target showed (over-broad notices, the mirror image of undeclared findings)."""

from __future__ import annotations

from dataclasses import dataclass

from piscan.model import Coverage, ScanResult


def miss_bound(n: int, confidence: float = 0.95) -> float:
    """Upper bound on the share of matching values when none of ``n`` sampled values matched.

    Exact binomial (Clopper-Pearson, one-sided): 1 - (1 - confidence) ** (1 / n); about 3 / n
    for large n (the rule of three). 1.0 when nothing was sampled.
    """
    if n <= 0:
        return 1.0
    return 1.0 - (1.0 - confidence) ** (1.0 / n)


def sample_for(max_miss_rate: float, confidence: float = 0.95) -> int:
    """The smallest n whose clean sample bounds the miss rate at ``max_miss_rate``."""
    import math

    if not 0 < max_miss_rate < 1:
        raise ValueError("max_miss_rate must be between 0 and 1")
    return math.ceil(math.log(1.0 - confidence) / math.log(1.0 - max_miss_rate))


@dataclass(frozen=True)
class Unobserved:
    """A declared category that the scan never observed in any target."""

    policy: str
    category: str
    category_name: str
    wording: str
    locations: int  # locations scanned
    values: int  # non-null values sampled over all of them
    smallest_sample: int  # the smallest non-null sample of any location


def declared_not_seen(result: ScanResult) -> list[Unobserved]:
    """Per policy, declared categories with no verdict, with the sample sizes behind the claim."""
    seen = {(v.policy, v.category) for v in result.verdicts}
    scanned: tuple[Coverage, ...] = result.coverage
    values = sum(c.sampled for c in scanned)
    smallest = min((c.sampled for c in scanned), default=0)
    out = []
    for policy in result.policies:
        for cat in policy.categories:
            if cat.declared and (policy.id, cat.id) not in seen:
                out.append(
                    Unobserved(policy.id, cat.id, cat.name, cat.wording, len(scanned), values, smallest)
                )
    return out
