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


def skipped_locations(result: ScanResult) -> int:
    """Tables, files and columns that were found but not read (whole targets are errors)."""
    return sum(1 for s in result.skipped if s.location)


def empty_sources(result: ScanResult) -> list[str]:
    """Targets that opened but where nothing was read: an empty folder, an --include that
    matches nothing, a database whose every table was refused."""
    return [s.source for s in result.sources if s.opened and s.scanned == 0]


def incomplete(result: ScanResult, max_skipped: int | None) -> bool:
    """Whether the scan did not cover what it was asked to: some target read nothing, or more
    locations were skipped than ``max_skipped`` allows (None: no limit)."""
    if empty_sources(result):
        return True
    return max_skipped is not None and skipped_locations(result) > max_skipped


def coverage_line(result: ScanResult) -> str | None:
    """One line on how much was not read ("read 2 of 9 tables; 7 tables skipped"), or None
    when every table and file that was found was read."""
    asked: dict[str, list[int]] = {}
    for s in result.sources:
        if s.opened and s.kind:
            counts = asked.setdefault(s.kind, [0, 0])
            counts[0] += s.asked
            counts[1] += s.scanned
    columns = sum(1 for s in result.skipped if s.location and _is_column(result, s.source, s.location))
    short = any(a > r for a, r in asked.values())
    if not short and not empty_sources(result):
        return None
    read = ", ".join(f"{r} of {a} {kind}" for kind, (a, r) in sorted(asked.items()))
    missed = [_count(a - r, kind) for kind, (a, r) in sorted(asked.items()) if a > r]
    if columns:
        missed.append(_count(columns, "columns"))
    text = f"read {read}" + (f"; not read: {', '.join(missed)}" if missed else "")
    empty = empty_sources(result)
    if empty:
        text += f"; nothing read from {', '.join(empty)}"
    return text


def _count(n: int, plural: str) -> str:
    return f"{n} {plural if n != 1 else plural[:-1]}"


def _is_column(result: ScanResult, source: str, location: str) -> bool:
    """A skipped column (``schema.table.column``) of a table that was otherwise read."""
    kinds = {s.source: s.kind for s in result.sources}
    return kinds.get(source) == "tables" and location.count(".") >= 2
