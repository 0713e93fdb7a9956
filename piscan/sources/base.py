"""The source seam: a target opens into tables (containers of locations) that yield batches."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any, ClassVar, Protocol

from piscan.model import Column, Location


@dataclass(frozen=True)
class Container:
    """A table (or a file): a group of locations read together.

    The class says how the run layer (piscan.run.pipeline) treats its kind of container, so that
    one pipeline serves every source without asking which source it is.
    """

    parts: tuple[str, ...]
    columns: tuple[Column, ...]
    view: bool = False
    # tables this one's foreign keys point to: a row that references a legislator is the
    # legislator's (its office, its address), so their names are context for its findings
    references: tuple[str, ...] = ()

    noun: ClassVar[str] = "table"  # what reports call one
    judged_together: ClassVar[bool] = True  # findings judged with every column (table_findings)
    media: ClassVar[bool] = False  # binaries go to the media detector (faces, EXIF, recordings)
    says_partial: ClassVar[bool] = True  # a read failing part-way is reported as "partial: ..."

    @property
    def path(self) -> str:
        """``schema.table``."""
        return ".".join(self.parts)


@dataclass
class Batch:
    """Sampled rows of a container, column-major; ``failed`` names columns that could not be read.

    ``restart`` tells the reader to drop what it counted so far: the source reads the container
    again from the start (column by column, after a read failed part-way). ``notes`` say how the
    read went when it matters to the result (a lost connection it recovered from).

    ``unit`` None: ``rows`` count for the columns in ``values`` (a table's read). A string: the
    rows are those of that unit (a file or an archive member), which every field found in it
    counts. ``lines`` gives the line of each value where the source knows it; ``columns``
    describes fields found while reading, which the container did not declare.
    """

    rows: int
    values: dict[str, list[object]]
    failed: dict[str, str] = field(default_factory=dict)
    restart: bool = False
    notes: tuple[str, ...] = ()
    unit: str | None = None
    lines: dict[str, list[int | None]] = field(default_factory=dict)
    columns: dict[str, Column] = field(default_factory=dict)


class Source(Protocol):
    """A scan target."""

    public: str  # the target as reports show it, without credentials
    notices: list[tuple[str, str]]  # (location, reason) of what discovery had to skip
    kind: str  # what its containers are called in coverage: "tables" or "files"

    def location(self, container: Container, column: str) -> Location:
        """The public location of one column (or field) of a container."""
        ...

    def discover(self) -> Iterator[Container]:
        """Containers to scan (skipped ones are reported through ``notices``)."""
        ...

    def read(self, container: Container, part: Any = None) -> Iterator[Batch]:
        """Batches of sampled values (of ``part`` only, a piscan.run.units.KeyRange, when given);
        raises SkipError when the container cannot be read."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


@dataclass(frozen=True)
class Selector:
    """Include/exclude globs over dotted paths (``schema``, ``schema.table``, ``schema.table.column``).

    A pattern with k parts is matched against the first k parts of a path, so ``public``
    selects a schema, ``*.audit_*`` tables and ``*.*.notes`` columns everywhere.
    """

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def wants(self, parts: tuple[str, ...]) -> bool:
        """Whether a full path (or a table path, for a first cut) is selected."""
        if any(_prefix_match(p, parts) for p in self.exclude if _depth(p) <= len(parts)):
            return False
        if not self.include:
            return True
        return any(_prefix_match(p, parts) for p in self.include)


def _depth(pattern: str) -> int:
    return pattern.count(".") + 1


def _prefix_match(pattern: str, parts: tuple[str, ...]) -> bool:
    k = min(_depth(pattern), len(parts))
    pattern_parts = pattern.split(".")[:k]
    return fnmatchcase(".".join(parts[:k]), ".".join(pattern_parts))
