"""A unit read by Spark itself (a ``spark-table:`` catalog table): its DataFrame goes through
``mapInArrow``, so each partition's Arrow batches are tallied in an executor's Python worker by
the local scan's pipeline, and only pickled PartialTallies come back (counts, scores, masked
examples: never a raw value), one per part file a partition read.

The driver merges them in the order of the part files' names (Spark packs files into
partitions biggest first), which is the order a ``lake:`` scan of the same files reads them
in: the first example of a location, and so the report, is the same.

Spark retries a failed task; on its last attempt a Python error becomes a skipped entry of the
partition's tally (as in piscan.run.spark.run_units), and a read Spark itself cannot do (a
corrupt part file) fails the job, which the executor reports as a skipped unit with its reason.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial, reduce
from itertools import groupby
from typing import Any

from piscan.model import Location
from piscan.run.tally import PartialTally
from piscan.sources.base import Batch, Container

SCHEMA = "file string, task int, tally binary"  # one row per part file read: its pickled PartialTally
FILE = "__piscan_input_file__"  # the column that says which part file a row came from


def tally_frame(source: Any, job: Any, unit: Any, attempts: int) -> PartialTally:
    """On the driver: the unit's DataFrame tallied by the executors, the partials merged."""
    from pyspark.sql import functions as F

    frame = source.frame(unit.container, F.input_file_name().alias(FILE))
    task = partial(tally_batches, job, unit, source.public, attempts)
    rows = frame.mapInArrow(task, SCHEMA).collect()
    if not rows:  # no partition at all (an empty table): one empty one, so names still count
        rows = frame.sparkSession.range(0, numPartitions=1).mapInArrow(task, SCHEMA).collect()
    partials = [pickle.loads(row[2]) for row in sorted(rows, key=lambda row: (row[0], row[1]))]
    return reduce(PartialTally.merge, partials)


def tally_batches(job: Any, unit: Any, public: str, attempts: int, batches: Iterator[Any]) -> Iterator[Any]:
    """In a Python worker: a partition's Arrow batches through the pipeline, one tally out per
    part file (a partition may pack several; an empty partition gives one empty tally)."""
    import pyarrow as pa
    from pyspark import TaskContext

    context = TaskContext.get()
    last = context is None or context.attemptNumber() >= attempts - 1
    task = context.partitionId() if context is not None else 0
    schema = pa.schema([("file", pa.string()), ("task", pa.int32()), ("tally", pa.binary())])
    runs = groupby(_by_file(batches), key=lambda pair: pair[0])
    sent = False
    for name, group in runs:
        out = tally_batches_here(job, unit, public, (b for _, b in group), raise_errors=not last)
        yield pa.RecordBatch.from_pydict(
            {"file": [name], "task": [task], "tally": [pickle.dumps(out)]}, schema
        )
        sent = True
    if not sent:
        out = tally_batches_here(job, unit, public, iter(()), raise_errors=not last)
        yield pa.RecordBatch.from_pydict({"file": [""], "task": [task], "tally": [pickle.dumps(out)]}, schema)


def _by_file(batches: Iterator[Any]) -> Iterator[tuple[str, Any]]:
    """(part file, the run of a batch's rows read from it), in the order Spark read them."""
    for batch in batches:
        if FILE not in batch.schema.names:
            yield "", batch
            continue
        files = batch.column(FILE).to_pylist()
        start = 0
        for end in range(1, len(files) + 1):
            if end == len(files) or files[end] != files[start]:
                yield files[start] or "", batch.slice(start, end - start)
                start = end


def tally_batches_here(
    job: Any, unit: Any, public: str, batches: Iterator[Any], raise_errors: bool = False
) -> PartialTally:
    """The pipeline over Arrow batches, with this process's scanner (built once, kept)."""
    from piscan.run.pipeline import scan_unit

    scanner, _ = job.opened()  # a spark-table: source opens lazily: no session in a worker
    return scan_unit(scanner, ArrowBatches(public, batches), unit, raise_errors=raise_errors)


@dataclass
class ArrowBatches:
    """A source whose one read is the Arrow batches Spark hands a worker, column by column."""

    public: str
    batches: Iterator[Any]
    notices: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    kind: str = "tables"

    def location(self, container: Container, column: str) -> Location:
        """As the catalog source names it: ``db.table.column``."""
        return Location(self.public, (*container.parts, column))

    def read(self, container: Container, part: Any = None) -> Iterator[Batch]:
        """Each Arrow batch as a Batch of the container's columns (structs as dicts)."""
        wanted = {c.name for c in container.columns}
        for batch in self.batches:
            if batch.num_rows:
                values = {n: batch.column(n).to_pylist() for n in batch.schema.names if n in wanted}
                yield Batch(batch.num_rows, values)

    def close(self) -> None:
        """Nothing to release: Spark owns the read."""
