"""Presidio with a memory of values already analyzed: log fields, status and product vocabularies
repeat from batch to batch and table to table, and Presidio's time per value dominates a scan."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from typing import Any

from piscan.model import Detection, Record

CACHE_ENTRIES = 20_000  # distinct short values remembered per process (least recently used go)
CACHE_CHARS = 200  # longer values (notes, documents) rarely repeat: not remembered


class CachedPresidio:
    """Presidio with a bounded (least recently used) memory of short values already analyzed in
    the same context: log fields repeat, and Presidio's time per value dominates a file scan."""

    def __init__(self, presidio: Any) -> None:
        self.presidio = presidio
        self.cache: OrderedDict[tuple[tuple[str, ...], str], tuple[Detection, ...]] = OrderedDict()

    def detect(self, record: Record, context: tuple[str, ...]) -> list[Detection]:
        """Detections in value order, exactly as Presidio gives them."""
        per_value: dict[int, tuple[Detection, ...]] = {}
        misses = []
        for i, value in enumerate(record.values):
            if isinstance(value, str):
                hit = self.cache.get((context, value))
                if hit is None:
                    misses.append(i)
                else:
                    per_value[i] = hit
                    self.cache.move_to_end((context, value))
        if misses:
            sub = replace(record, values=tuple(record.values[i] for i in misses))
            fresh: dict[int, list[Detection]] = {}
            for d in self.presidio.detect(sub, context):
                fresh.setdefault(misses[d.value_index], []).append(d)  # type: ignore[index]
            for i in misses:
                per_value[i] = tuple(fresh.get(i, ()))
                if len(record.values[i]) <= CACHE_CHARS:  # type: ignore[arg-type]
                    self.cache[(context, record.values[i])] = per_value[i]  # type: ignore[index]
            while len(self.cache) > CACHE_ENTRIES:
                self.cache.popitem(last=False)
        return [replace(d, value_index=i) for i in sorted(per_value) for d in per_value[i]]
