"""The CSV inventory: one row per (location, entity, policy), columns as CSV_COLUMNS."""

from __future__ import annotations

import csv
import io

from piscan.model import ScanResult
from piscan.reporters.base import CSV_COLUMNS, ReportContext, sorted_verdicts, verdict_row


def render(result: ScanResult, *, context: ReportContext | None = None) -> str:
    """Header plus rows; skipped tables go to the terminal and JSON, never into these rows."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for verdict in sorted_verdicts(result):
        writer.writerow(verdict_row(verdict))
    if result.interrupted:  # a last row any CSV reader takes: the same columns, the mark in the first
        writer.writerow({"source": PARTIAL_MARK})
    return buffer.getvalue()


PARTIAL_MARK = "# interrupted: partial results"
