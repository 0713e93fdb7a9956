"""A JSON report -> the ScanResult it was written from, so ``piscan report`` renders it again.

The round trip is exact for what reports show: rendering the loaded result in any format gives
the text the scan itself would have written. Per-recognizer scores and context words (which
only ``piscan explain`` prints) are not in JSON and come back empty.
"""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path
from typing import Any

from piscan.errors import ConfigError
from piscan.model import (
    CategoryInfo,
    Coverage,
    Evidence,
    Finding,
    Location,
    PolicyInfo,
    ScanResult,
    Skipped,
    Verdict,
)

READABLE_MAJOR = "2"  # 1.0 reports lack the categories and location parts a re-render needs
_VERDICT_FIELDS = {f.name for f in fields(Verdict)} - {"finding"}


def load(path: Path) -> ScanResult:
    """Read a JSON report; a file that is not one gets an error naming the file and the key."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(path), "", "no such report file") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(str(path), "", f"not a piscan JSON report: {exc}") from None
    if not isinstance(doc, dict) or "schema_version" not in doc:
        raise ConfigError(str(path), "schema_version", "not a piscan JSON report")
    version = str(doc["schema_version"])
    if version.split(".")[0] != READABLE_MAJOR:
        raise ConfigError(
            str(path), "schema_version", f"{version} cannot be re-rendered: write it again with --format json"
        )
    try:
        return from_dict(doc)
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(str(path), "", f"broken JSON report: {type(exc).__name__} {exc}") from None


def from_dict(doc: dict[str, Any]) -> ScanResult:
    """The ScanResult behind a schema 2 JSON document."""
    verdicts = tuple(_verdict(row) for row in doc["results"])
    findings = tuple(dict.fromkeys(v.finding for v in verdicts))
    return ScanResult(
        tool_version=doc["tool"]["version"],
        started=doc["started"],
        finished=doc["finished"],
        targets=tuple(doc["targets"]),
        policies=tuple(_policy(p) for p in doc["policies"]),
        settings=doc["settings"],
        findings=findings,
        verdicts=verdicts,
        skipped=tuple(Skipped(s["source"], s["location"], s["reason"]) for s in doc["skipped"]),
        notes=tuple(Skipped(s["source"], s["location"], s["message"]) for s in doc["notes"]),
        coverage=tuple(
            Coverage(_location(c), c["rows"], c["sampled"], tuple(c["entities"])) for c in doc["coverage"]
        ),
        tables_scanned=doc["tables_scanned"],
        interrupted=doc["interrupted"],
        rules_digest=doc["tool"]["rules_digest"],
    )


def _location(row: dict[str, Any]) -> Location:
    parts = tuple(row["location_parts"])
    return Location(row["source"], parts, row["location"] if row["location_kind"] == "file" else "")


def _verdict(row: dict[str, Any]) -> Verdict:
    finding = Finding(
        location=_location(row),
        entity=row["entity"],
        matches=row["matches"],
        sampled=row["sampled"],
        rows=row["rows"],
        confidence=float(row["confidence"]),
        evidence=Evidence(row["evidence"]),
        recognizers=tuple(row["recognizers"]),
        example=row["example"],
        first_line=row.get("first_line"),
        lines=row.get("lines", 0),
    )
    # Verdict fields later versions add travel as JSON keys of the same name.
    extra = {k: row[k] for k in _VERDICT_FIELDS if k in row}
    return Verdict(finding=finding, **extra)


def _policy(p: dict[str, Any]) -> PolicyInfo:
    categories = tuple(
        CategoryInfo(
            c["id"],
            c["name"],
            c["declared"],
            c["wording"],
            tuple(c["entities"]),
            None if c.get("described") is None else tuple(c["described"]),
        )
        for c in p["categories"]
    )
    return PolicyInfo(p["id"], p["name"], p["file"], p["sha256"], categories)
