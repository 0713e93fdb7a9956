"""Frozen values passed between the stages of a scan; imports nothing from piscan."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ValueKind(StrEnum):
    """What a column's values are, which decides the detectors that look at them."""

    TEXT = "text"
    BINARY = "binary"
    NUMBER = "number"
    VECTOR = "vector"
    TEMPORAL = "temporal"
    BOOLEAN = "boolean"
    OTHER = "other"


class Evidence(StrEnum):
    """What carried a finding: the sampled values, the column's name, or both."""

    VALUE = "value"
    NAME = "name"
    BOTH = "value+name"


@dataclass(frozen=True)
class Location:
    """A place that holds values: for databases ``schema.table.column``."""

    source: str  # the target without credentials
    parts: tuple[str, ...]
    display: str = ""  # set by sources whose locations are not dotted (``path#field``)
    # The source's canonical identity (piscan.identity), set by the scan; fingerprints hash it.
    # Not compared: a location is the same place whether or not its identity was filled in.
    identity: str = field(default="", compare=False)

    @property
    def path(self) -> str:
        """The location string users and auditors read (``schema.table.column``, ``log#user.email``)."""
        return self.display or ".".join(self.parts)

    @property
    def container(self) -> str:
        """The table (or file) the location belongs to."""
        return ".".join(self.parts[:-1])


@dataclass(frozen=True)
class Column:
    """Metadata of one column: name, declared type and comment feed name evidence."""

    name: str
    type_name: str
    kind: ValueKind
    comment: str = ""


@dataclass(frozen=True)
class Record:
    """A batch of sampled values of one location, with the metadata detectors need."""

    location: Location
    column: Column
    values: tuple[object, ...]  # non-null values only
    nulls: int = 0


@dataclass(frozen=True)
class Detection:
    """One detector's verdict on one value (or on the name, when ``value_index`` is None)."""

    entity: str
    recognizer: str
    score: float
    value_index: int | None = None
    example: str = ""  # masked form of the matched text, never the raw value
    digest: str = ""  # keyed hash of the matched text, to count distinct matches
    lift: float = 0.0  # part of ``score`` that context words (the column's name) added


@dataclass(frozen=True)
class Finding:
    """An entity found at a location, aggregated over the whole sample."""

    location: Location
    entity: str
    matches: int  # sampled values in which the entity was found
    sampled: int  # non-null values sampled at the location
    rows: int  # rows sampled, nulls included
    confidence: float
    evidence: Evidence
    recognizers: tuple[str, ...]
    example: str = ""  # masked, never raw
    scores: tuple[tuple[str, float], ...] = ()  # (recognizer, mean score) behind the finding
    context: tuple[str, ...] = ()  # words from names and comments handed to the recognizers
    first_line: int | None = None  # files: the first line (or row) holding the entity, when known
    lines: int = 0  # files: lines (or rows) read at the location

    @property
    def share(self) -> float:
        """Share of sampled non-null values that matched."""
        return self.matches / self.sampled if self.sampled else 0.0


@dataclass(frozen=True)
class Coverage:
    """How much of one location was looked at, clean or not: auditors quote bounds from it."""

    location: Location
    rows: int  # rows sampled, nulls included
    sampled: int  # non-null values sampled
    entities: tuple[str, ...]  # entities reported at the location


@dataclass(frozen=True)
class Verdict:
    """A finding judged against one policy."""

    finding: Finding
    policy: str
    category: str  # empty when the policy puts the entity in none of its categories
    category_name: str
    declared: bool
    # Whether the category's own wording in the notice names this entity (None: the policy file
    # does not say). "Declared, not described" is what an auditor must see: the category covers
    # the entity, the words the user read do not.
    described: bool | None = None


@dataclass(frozen=True)
class Skipped:
    """A table, column or target that was not scanned, with the reason."""

    source: str
    location: str
    reason: str


@dataclass(frozen=True)
class SourceCoverage:
    """What one target asked for and what of it was read: a clean report needs both."""

    source: str  # the public form, as reports show it
    identity: str  # the canonical identity fingerprints use (piscan.identity)
    kind: str  # "tables" or "files"
    asked: int  # tables or files found to scan (after --include / --exclude)
    scanned: int  # read to the end
    opened: bool = True  # False when the target itself could not be opened


@dataclass(frozen=True)
class CategoryInfo:
    """One category of a policy, as reports show it."""

    id: str
    name: str
    declared: bool
    wording: str
    entities: tuple[str, ...]
    described: tuple[str, ...] | None = None  # entities the wording names; None: not stated


@dataclass(frozen=True)
class PolicyInfo:
    """What a report says about a policy it judged against."""

    id: str
    name: str
    file: str
    sha256: str
    categories: tuple[CategoryInfo, ...] = ()


@dataclass(frozen=True)
class ScanResult:
    """Everything one scan produced; reporters render it, the CLI picks the exit code."""

    tool_version: str
    started: str
    finished: str
    targets: tuple[str, ...]
    policies: tuple[PolicyInfo, ...]
    settings: dict[str, object]
    findings: tuple[Finding, ...]
    verdicts: tuple[Verdict, ...]
    skipped: tuple[Skipped, ...]
    notes: tuple[Skipped, ...] = ()  # informational: empty tables, empty databases
    coverage: tuple[Coverage, ...] = ()  # every location scanned, with its sample size
    tables_scanned: int = 0
    interrupted: bool = False
    sources: tuple[SourceCoverage, ...] = ()  # per target: asked, scanned, identity
    rules_digest: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def undeclared(self) -> tuple[Verdict, ...]:
        """Verdicts whose category the policy does not declare."""
        return tuple(v for v in self.verdicts if not v.declared)
