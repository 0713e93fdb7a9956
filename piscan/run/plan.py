"""A source's containers -> units of work: one per table or file, and key ranges of big tables
in full scans.

Sampled scans keep one unit per table: a table's sample is drawn once, seeded, over the whole
table. A ``--full`` scan of a table the planner estimates above ``unit_rows`` rows, with a
single-column integer primary key, is split into key ranges (``Source.split``) so several
workers read it; the merge makes the result independent of the split (piscan.run.merge).
"""

from __future__ import annotations

from typing import Any

from piscan.run.units import Unit
from piscan.sources.base import Container, Source


def plan(source: Source, containers: list[Container], config: Any, source_index: int) -> list[Unit]:
    """The units of one source's containers, in container order (a container's units together)."""
    split = getattr(source, "split", None)  # sources that can read part of a container
    rows = getattr(config, "unit_rows", 0)
    units: list[Unit] = []
    for container in containers:
        parts = split(container, rows) if split and config.sql.full_scan and rows > 0 else None
        for part in parts or [None]:
            units.append(Unit(len(units), source_index, container, part))
    return units
