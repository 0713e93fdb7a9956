"""Sequential settling for full scans: examine every value until a column's verdict is settled,
then a thinning systematic sample of the rest.

A ``--full`` scan reads every row. Detection is what costs (about 0.1 to 1 ms a value against a
microsecond to read it), and on a column of a million emails the millionth email says nothing
the first thousand did not. So each column is examined value by value until, for every entity,
a 99.9 % Wilson interval of its share lies wholly above or below the share that decides a finding
(and the same for the value shapes that weigh names against values). Only then does the scan
thin: one value in 8, then 64, then 512, then one in ``MAX_STRIDE``, evenly spread over the rest of the
table, so a change later in the table (a column that started holding emails in some year) is
still seen. Any sign that the verdict moved (an unsettled entity) goes back to every value.

Thinning is for the verdict only: the values it skips still go through piscan.sweep, which
pattern-checks every one of them for the sparse entities (one e-mail in a million notes).

A sampled scan settles within its sample the same way: once a column's verdict is clear after
at least ``EARLY`` values, the rest of its sample is not examined (``early``); an unsettled
column is examined to the end of its sample.

Never below ``floor`` values: the sample size (``--sample`` / ``--max-miss-rate``), so a full
scan promises at least what a sampled scan promises. ``--exhaustive`` examines every value.
Findings count the values examined (``sampled``), coverage says how many rows were read.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

Z = 3.09  # one-sided 99.9 %
MAX_STRIDE = 1024
BATCH = 1000  # thinned values are examined in batches this large
WAIT = 20_000  # ... or after this many values were read, whichever comes first
GROWTH = 8  # the stride grows this much each time another `floor` values were examined
EARLY = 100  # sampled scans: values examined before a settled column may stop
STOPPED = 0  # the stride of a column that stopped: nothing more is examined


def wilson(k: int, n: int, z: float = Z) -> tuple[float, float]:
    """Wilson score interval for ``k`` successes in ``n`` trials."""
    if n <= 0:
        return 0.0, 1.0
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def decided(k: int, n: int, threshold: float) -> bool:
    """Whether a share of ``k`` in ``n`` is clearly on one side of ``threshold``."""
    low, high = wilson(k, n)
    return low >= threshold or high < threshold


@dataclass
class Thinning:
    """Which values of a column's batches to examine; one per column, carried across batches."""

    floor: int  # values examined before any thinning
    exhaustive: bool = False
    stride: int = 1
    at_stride: int = 0  # values examined since the stride last changed
    phase: int = 0  # position in the stride, so thinning stays even across batch boundaries
    thinned_rows: int = 0  # non-null values read but not examined
    pending: list[object] = field(default_factory=list)  # picked values waiting for a full batch
    waited: int = 0  # values read since the pending ones started gathering
    widest: int = 1  # the widest stride used, for the report
    skipped: list[object] | None = None  # the values thinning skipped, when a sweep wants them
    early: bool = False  # a sampled scan: stop (not thin) once settled, after `floor` values

    def pick(self, raw: Sequence[object]) -> list[object]:
        """The non-null values of this batch to examine."""
        values = list(raw) if None not in raw else [v for v in raw if v is not None]
        if self.stride == 1:
            return values
        if self.stride == STOPPED:
            self.thinned_rows += len(values)
            return []
        start = (-self.phase) % self.stride
        picked = values[start :: self.stride]
        if self.skipped is not None:  # everything but the picks, for piscan.sweep
            rest = values[:]
            del rest[start :: self.stride]
            self.skipped.extend(rest)
        self.phase = (self.phase + len(values)) % self.stride
        self.thinned_rows += len(values) - len(picked)
        return picked

    def take(self, raw: Sequence[object]) -> list[object] | None:
        """The values to examine now, or None while thinned picks gather into a batch of
        ``BATCH`` (detection has a fixed cost per batch: spaCy, the joined-text scans), at most
        for ``WAIT`` values read, so a change in the data is acted on soon."""
        before = self.thinned_rows
        picked = self.pick(raw)
        if self.stride == STOPPED:
            return None
        if self.stride == 1 and not self.pending:
            return picked
        self.pending.extend(picked)
        self.waited += len(picked) + self.thinned_rows - before
        if len(self.pending) < BATCH and self.waited < WAIT:
            return None
        return self.flush()

    def flush(self) -> list[object]:
        """The gathered values, emptying the buffer."""
        out, self.pending, self.waited = self.pending, [], 0
        return out

    def update(self, examined: int, total: int, settled: bool) -> None:
        """After a batch of ``examined`` values (``total`` so far): widen or reset the stride."""
        if self.exhaustive:
            return
        if not settled:
            self.stride, self.at_stride, self.phase = 1, 0, 0
            return
        if total < self.floor:
            return
        if self.early:
            self.stride = STOPPED
            return
        self.at_stride += examined
        if self.stride == 1 or self.at_stride >= self.floor:
            self.stride = min(MAX_STRIDE, self.stride * GROWTH)
            self.widest = max(self.widest, self.stride)
            self.at_stride = 0


def early_stop(exhaustive: bool) -> Thinning | None:
    """The settling of a sampled scan: none with ``--exhaustive`` (every sampled value)."""
    return None if exhaustive else Thinning(EARLY, early=True)
