"""What a unit of work returns: mergeable tallies per location, never a raw value."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from piscan.aggregate import ColumnTally
from piscan.detectors.topics import TopicTally
from piscan.model import Column, Skipped
from piscan.run.units import Unit
from piscan.sources.base import Container

if TYPE_CHECKING:  # the sweep's module loads Presidio: a tally need not
    from piscan.sweep import Sweep


@dataclass
class FieldTally:
    """One location's counts in one or more units: a column, a JSON field path or a file's field."""

    tally: ColumnTally
    column: Column
    parent: str | None = None  # the JSON column whose field path this is
    unit: str | None = None  # files: the member whose lines this location counts
    first: dict[str, int] = field(default_factory=dict)  # entity -> first line of a detection
    topics: TopicTally | None = None  # the whole text of a prose file: what it is about
    thinned: int = 0  # full scans: non-null values read but not examined (piscan.settle)
    widest: int = 1  # the widest thinning stride used
    sweep: Sweep | None = None  # full scans: what thinning skipped, pattern-checked (piscan.sweep)
    early: bool = False  # a sampled scan: examining stopped once the verdict was settled

    def merge(self, other: FieldTally) -> FieldTally:
        """This location's counts followed by a later unit's."""
        topics = self.topics
        if topics is not None and other.topics is not None:
            topics = merge_topics(topics, other.topics)
        return FieldTally(
            self.tally.merge(other.tally),
            self.column,
            self.parent,
            self.unit,
            {**other.first, **self.first},
            topics if topics is not None else other.topics,
            self.thinned + other.thinned,
            max(self.widest, other.widest),
            _merged_sweep(self.sweep, other.sweep),
            self.early or other.early,
        )


def _merged_sweep(a: Sweep | None, b: Sweep | None) -> Sweep | None:
    """Two units' sweeps of one location, ``a`` first (either may have examined every value)."""
    if a is None or b is None:
        return a or b
    return a.merge(b)


def merge_topics(a: TopicTally, b: TopicTally) -> TopicTally:
    """Term counts of two parts of one document (``a`` first)."""
    hits = {t: Counter(c) for t, c in a.hits.items()}
    for topic, counts in b.hits.items():
        hits.setdefault(topic, Counter()).update(counts)
    return TopicTally(
        a.words + b.words, a.lines + b.lines, hits, a.lines_with + b.lines_with, {**b.first, **a.first}
    )


@dataclass
class PartialTally:
    """What one unit returns: mergeable tallies per location, never a raw value. Picklable.

    ``fields`` keep the order in which a sequential read would first have met them; ``failed``
    names columns that could not be read (they are dropped from the merged result, as from a
    single read); ``of`` is how many units the container was split into, ``units`` which of
    them this tally holds, so a merge can tell a container read to the end from a part of one.
    """

    unit: int
    source: int
    container: Container
    public: str  # the source as reports show it
    fields: dict[str, FieldTally] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[Skipped] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    scanned: bool = False
    interrupted: bool = False
    of: int = 1
    units: tuple[int, ...] = ()

    def merge(self, other: PartialTally) -> PartialTally:
        """Two parts of one container, in unit order whichever comes first; associative."""
        a, b = (self, other) if self.unit <= other.unit else (other, self)
        fields = dict(a.fields)
        for key, fld in b.fields.items():
            fields[key] = fields[key].merge(fld) if key in fields else fld
        return PartialTally(
            a.unit,
            a.source,
            a.container,
            a.public,
            fields,
            a.skipped + b.skipped,
            a.notes + b.notes,
            {**b.failed, **a.failed},
            a.rows + b.rows,
            a.scanned and b.scanned,
            a.interrupted or b.interrupted,
            a.of,
            a.units + b.units,
        )

    @property
    def complete(self) -> bool:
        """Every unit of the container was read to the end."""
        return self.scanned and len(set(self.units)) == self.of


def unread(unit: Unit, skipped: Skipped) -> PartialTally:
    """The partial of a unit that could not be read at all (its target would not open, its
    worker died)."""
    return PartialTally(
        unit.index,
        unit.source,
        unit.container,
        skipped.source,
        skipped=[skipped],
        of=unit.part.count if unit.part else 1,
        units=(unit.index,),
    )
