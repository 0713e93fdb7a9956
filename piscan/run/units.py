"""Units of work: a whole table or file, or a primary-key range of a big table."""

from __future__ import annotations

from dataclasses import dataclass

from piscan.sources.base import Container


@dataclass(frozen=True)
class KeyRange:
    """Rows of a table whose single-column integer primary key lies in ``[low, high)``; an open
    end (None) takes every key on that side, so no row falls between the ranges of a plan."""

    key: str  # the key column's name (quoted by SQLAlchemy when read)
    low: int | None = None  # inclusive
    high: int | None = None  # exclusive
    number: int = 0  # which range of the table, from 0
    count: int = 1  # how many ranges the table was split into

    def describe(self) -> str:
        """``key range 2/8`` and its bounds: keys are no personal values, but stay out anyway."""
        return f"key range {self.number + 1}/{self.count}"


@dataclass(frozen=True)
class Unit:
    """One unit of work: a table, a key range of a big table, or a file. Picklable."""

    index: int  # position in the plan: partials merge in this order
    source: int  # which target of the scan (index into ScanConfig.targets)
    container: Container  # a table or a file
    part: KeyRange | None = None  # a primary-key range of a big table; None: the whole container

    def describe(self) -> str:
        """Safe to show (a Spark job description): the container's path and the range's number,
        never a password (targets are not named) nor a value."""
        where = f" ({self.part.describe()})" if self.part else ""
        return f"{self.container.noun} {self.container.path}{where}"
