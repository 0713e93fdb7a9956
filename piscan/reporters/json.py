"""JSON: the CSV rows plus scan metadata, findings with their evidence, and what was skipped."""

from __future__ import annotations

import json

from piscan.coverage import declared_not_seen, miss_bound
from piscan.model import ScanResult
from piscan.reporters.base import SCHEMA_VERSION, sorted_verdicts, verdict_row


def to_dict(result: ScanResult) -> dict[str, object]:
    """The JSON document as a dict (schema_version names its shape)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {
            "name": "piscan",
            "version": result.tool_version,
            "rules_digest": result.rules_digest,
        },
        "started": result.started,
        "finished": result.finished,
        "interrupted": result.interrupted,
        "targets": list(result.targets),
        "policies": [
            {"id": p.id, "name": p.name, "file": p.file, "sha256": p.sha256} for p in result.policies
        ],
        "settings": result.settings,
        "sample_size": result.settings.get("sample_rows"),
        "tables_scanned": result.tables_scanned,
        "summary": {
            "findings": len(result.findings),
            "undeclared": len(result.undeclared),
            "skipped": len(result.skipped),
        },
        "results": [
            {
                **verdict_row(v),
                "recognizers": list(v.finding.recognizers),
                "rows": v.finding.rows,
                "share": round(v.finding.share, 4),
                **({"first_line": v.finding.first_line} if v.finding.first_line else {}),
                **({"lines": v.finding.lines} if v.finding.lines else {}),
            }
            for v in sorted_verdicts(result)
        ],
        "skipped": [{"source": s.source, "location": s.location, "reason": s.reason} for s in result.skipped],
        "notes": [{"source": s.source, "location": s.location, "message": s.reason} for s in result.notes],
        "coverage": [
            {
                "source": c.location.source,
                "location": c.location.path,
                "rows": c.rows,
                "sampled": c.sampled,
                "entities": list(c.entities),
                "miss_bound_95": round(miss_bound(c.sampled), 6),
            }
            for c in result.coverage
        ],
        "declared_not_seen": [u.__dict__ for u in declared_not_seen(result)],
    }


def render(result: ScanResult) -> str:
    """Pretty-printed JSON with a trailing newline."""
    return json.dumps(to_dict(result), indent=2, ensure_ascii=False) + "\n"
