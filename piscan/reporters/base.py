"""Output formats and the rows every tabular format shares."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps

from piscan.model import ScanResult, Verdict
from piscan.redact import printable_result

SCHEMA_VERSION = "1.0"

# The CSV inventory's columns, in this order: a public contract auditors' tools read.
CSV_COLUMNS = (
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


class Format(StrEnum):
    """Output formats of ``piscan scan --format``."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    SARIF = "sarif"
    JUNIT = "junit"
    HTML = "html"


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
    }


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


def renderer(fmt: Format) -> Callable[[ScanResult], str]:
    """The function that renders a format (the table format renders through rich)."""
    from piscan.reporters import csv as csv_reporter
    from piscan.reporters import html as html_reporter
    from piscan.reporters import json as json_reporter
    from piscan.reporters import junit as junit_reporter
    from piscan.reporters import sarif as sarif_reporter
    from piscan.reporters import table as table_reporter

    renderers: dict[Format, Callable[[ScanResult], str]] = {
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
    def printable_render(result: ScanResult) -> str:
        return render(printable_result(result))

    return printable_render


# JSON formats keep names exactly (their encoding escapes control characters); SARIF's message
# texts are made printable where they are written.
EXACT_NAMES = frozenset({Format.JSON, Format.SARIF})
