"""One column's findings from raw database values, judged the way a table scan judges them."""

from __future__ import annotations

import datetime as dt

from piscan.aggregate import ColumnTally
from piscan.detectors.names import context_words, name_hits
from piscan.detectors.presidio import PresidioDetector
from piscan.detectors.shapes import ExpectationDetector
from piscan.model import Column, Evidence, Location, Record, ValueKind
from piscan.records import prepare


def column_findings(presidio: PresidioDetector, name: str, raw: list[object]) -> dict[str, Evidence]:
    """What a column of these raw database values yields, the way Scanner.detect sees them."""
    kind = _kind(raw)
    column = Column(name, "X", kind)
    location = Location("db", ("s", "t", name))
    tally = ColumnTally(location, tuple(name_hits(column)), context=context_words(column))
    prepared = prepare(raw, kind, 4096)
    tally.kinds |= prepared.kinds
    record = Record(tally.location, column, tuple(prepared.values))
    detections = presidio.detect(record, tally.context)
    expected = {h.entity: h.expect for h in tally.name_hits if h.expect}
    detections += ExpectationDetector(expected).detect(record, tally.context)
    tally.add(len(raw), prepared.non_null, prepared.weights, detections)
    return {f.entity: f.evidence for f in tally.findings()}


def _kind(raw: list[object]) -> ValueKind:
    sample = next((v for v in raw if v is not None), "")
    if isinstance(sample, int | float):
        return ValueKind.NUMBER
    if isinstance(sample, dt.datetime):
        return ValueKind.TEMPORAL
    return ValueKind.TEXT
