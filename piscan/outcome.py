"""What one table or file produced once its units were merged (piscan.run.merge)."""

from __future__ import annotations

from dataclasses import dataclass, field

from piscan.model import Coverage, Finding, Skipped


@dataclass
class Outcome:
    """Findings, coverage and messages of one container, and whether it was read to the end."""

    findings: list[Finding] = field(default_factory=list)
    coverage: list[Coverage] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[Skipped] = field(default_factory=list)
    scanned: bool = False
    interrupted: bool = False
