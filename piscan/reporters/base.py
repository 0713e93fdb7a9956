"""Output formats and the rows every tabular format shares."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import Any, Protocol

from piscan.model import ScanResult, Verdict
from piscan.redact import printable_result

# 2.0: ``declared`` is a boolean and ``confidence`` a number (1.0 wrote the strings "yes"/"no" and
# "0.90"); results and coverage carry ``location_kind`` and ``location_parts``, policies their
# ``categories``, so ``piscan report`` can render a saved JSON report in every format.
SCHEMA_VERSION = "2.0"

# The CSV inventory's columns, in this order: a public contract auditors' tools read. New columns
# are appended at the end, so readers that take columns by position keep working.
CSV_COLUMNS_V1 = (
    "source",
    "location",
    "entity",
    "policy",
    "category",
    "category_name",
    "declared",
    "matches",
    "sampled",
    "confidence",
    "evidence",
    "example",
)
# ``described``: whether the policy's wording names the entity (yes / no; empty when the policy
# file does not say).
CSV_COLUMNS = (*CSV_COLUMNS_V1, "described")
NOT_DESCRIBED = "declared, not described"  # the marker reports show when the words do not name it


class Format(StrEnum):
    """Output formats of ``piscan scan --format``."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    SARIF = "sarif"
    JUNIT = "junit"
    HTML = "html"


@dataclass(frozen=True)
class Review:
    """Why a verdict in the baseline was accepted, and by whom."""

    reason: str
    reviewer: str


@dataclass(frozen=True)
class StaleEntry:
    """A reviewed verdict the scan no longer finds."""

    source: str
    location: str
    entity: str
    policy: str
    category: str
    fingerprint: str


@dataclass(frozen=True)
class BaselineState:
    """A scan measured against a baseline, as reports show it: keyed by fingerprint."""

    reviewed: Mapping[str, Review]  # verdicts found in the baseline; every other one is new
    stale: tuple[StaleEntry, ...] = ()


@dataclass(frozen=True)
class ReportContext:
    """What a report may say beyond the scan itself; every field is optional."""

    baseline: BaselineState | None = None
    root: Path | None = None  # the repository root file URIs are relative to; None: found from cwd
    schema_file: Path | None = None  # SARIF: the file defining the scanned tables (a .sql file)
    verbose: bool = False  # the terminal table: every note, not one per table


class Renderer(Protocol):
    """A format's render function: a finished scan (and its context) to the report's text."""

    def __call__(self, result: ScanResult, *, context: ReportContext | None = None) -> str: ...


def verdict_row(v: Verdict) -> dict[str, object]:
    """One (location, entity, policy) row, as CSV and JSON carry it."""
    f = v.finding
    return {
        "source": f.location.source,
        "location": f.location.path,
        "entity": f.entity,
        "policy": v.policy,
        "category": v.category,
        "category_name": v.category_name,
        "declared": "yes" if v.declared else "no",
        "matches": f.matches,
        "sampled": f.sampled,
        "confidence": f"{f.confidence:.2f}",
        "evidence": f.evidence.value,
        "example": f.example,
        "described": described(v),
    }


def described(v: Verdict) -> str:
    """``yes``/``no`` when the policy says whether its words name the entity, else empty."""
    return "" if v.described is None else "yes" if v.described else "no"


def declared_not_described(v: Verdict) -> bool:
    """Declared under a category whose wording does not name the entity (diagnoses under "age")."""
    return v.declared and v.described is False


def sorted_verdicts(result: ScanResult) -> list[Verdict]:
    """Undeclared first, then by source, location, entity and policy: a stable order for diffs."""
    return sorted(
        result.verdicts,
        key=lambda v: (
            v.declared,
            v.finding.location.source,
            v.finding.location.path,
            v.finding.entity,
            v.policy,
        ),
    )


def renderer(fmt: Format) -> Renderer:
    """The function that renders a format (the table format renders through rich)."""
    from piscan.reporters import csv as csv_reporter
    from piscan.reporters import html as html_reporter
    from piscan.reporters import json as json_reporter
    from piscan.reporters import junit as junit_reporter
    from piscan.reporters import sarif as sarif_reporter
    from piscan.reporters import table as table_reporter

    renderers: dict[Format, Renderer] = {
        Format.TABLE: table_reporter.render,
        Format.JSON: json_reporter.render,
        Format.CSV: csv_reporter.render,
        Format.SARIF: sarif_reporter.render,
        Format.JUNIT: junit_reporter.render,
        Format.HTML: html_reporter.render,
    }
    render = renderers[fmt]
    if fmt in EXACT_NAMES:
        return render

    # names come from whoever wrote the data: no escape code may recolour a terminal or split a row
    @wraps(render)
    def printable_render(result: ScanResult, *args: Any, **kwargs: Any) -> str:
        return render(printable_result(result), *args, **kwargs)

    return printable_render


# JSON formats keep names exactly (their encoding escapes control characters); SARIF's message
# texts are made printable where they are written.
EXACT_NAMES = frozenset({Format.JSON, Format.SARIF})
