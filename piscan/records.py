"""Raw database values -> the forms detectors read: text, bytes or a vector, de-duplicated."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from piscan.detectors.vectors import text_vector, vector_length
from piscan.model import ValueKind


@dataclass
class Prepared:
    """Distinct values of one batch with their row counts, and the kinds seen."""

    values: list[object]
    weights: list[int]
    kinds: set[ValueKind]
    non_null: int


def prepare(raw: Iterable[object], declared: ValueKind, max_chars: int) -> Prepared:
    """Normalize, truncate to ``max_chars`` and de-duplicate one column's batch of values."""
    index: dict[object, int] = {}
    values: list[object] = []
    weights: list[int] = []
    kinds: set[ValueKind] = set()
    non_null = 0
    for value in raw:
        if value is None:
            continue
        non_null += 1
        kind, form = normalize(value, declared, max_chars)
        kinds.add(kind)
        if form is None:
            continue
        slot = index.get(form)
        if slot is None:
            index[form] = len(values)
            values.append(form)
            weights.append(1)
        else:
            weights[slot] += 1
    return Prepared(values, weights, kinds, non_null)


def normalize(value: object, declared: ValueKind, max_chars: int) -> tuple[ValueKind, object]:
    """(kind, form): text as ``str``, binary as ``bytes``, vectors as tuples; booleans carry no form."""
    if isinstance(value, bool):
        return ValueKind.BOOLEAN, None
    if isinstance(value, memoryview | bytearray):
        value = bytes(value)
    if isinstance(value, bytes):
        if declared == ValueKind.TEXT:
            return ValueKind.TEXT, value.decode("utf-8", errors="replace")[:max_chars]
        return ValueKind.BINARY, value
    if isinstance(value, str):
        if vector_length(value):
            return ValueKind.VECTOR, tuple(text_vector(value) or ())
        return ValueKind.TEXT, value[:max_chars]
    if isinstance(value, int | float | Decimal):
        return ValueKind.NUMBER, str(value)
    if isinstance(value, dt.date | dt.time | dt.datetime):
        return ValueKind.TEMPORAL, value.isoformat()
    if isinstance(value, list | tuple):
        if vector_length(value):
            return ValueKind.VECTOR, tuple(value)
        return ValueKind.OTHER, json.dumps(value, default=str)[:max_chars]
    if isinstance(value, dict):
        return ValueKind.OTHER, json.dumps(value, default=str)[:max_chars]
    return ValueKind.OTHER, str(value)[:max_chars]
