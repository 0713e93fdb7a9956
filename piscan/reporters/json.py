"""JSON: the CSV rows with real booleans and numbers, scan metadata, evidence, what was skipped.

``schema_version`` names the shape (see README "JSON reports"); ``piscan report`` reads it back
(``json_load``), so everything another format needs is here.
"""

from __future__ import annotations

import json

from piscan.coverage import declared_not_seen, miss_bound
from piscan.fingerprint import fingerprint
from piscan.model import Location, ScanResult, Verdict
from piscan.reporters.base import SCHEMA_VERSION, ReportContext, sorted_verdicts, verdict_row


def to_dict(result: ScanResult, context: ReportContext | None = None) -> dict[str, object]:
    """The JSON document as a dict (schema_version names its shape)."""
    baseline = context.baseline if context else None
    doc: dict[str, object] = {
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
            {
                "id": p.id,
                "name": p.name,
                "file": p.file,
                "sha256": p.sha256,
                "categories": [
                    {
                        "id": c.id,
                        "name": c.name,
                        "declared": c.declared,
                        "wording": c.wording,
                        "entities": list(c.entities),
                        "described": None if c.described is None else list(c.described),
                    }
                    for c in p.categories
                ],
            }
            for p in result.policies
        ],
        "settings": result.settings,
        "sample_size": result.settings.get("sample_rows"),
        "tables_scanned": result.tables_scanned,
        "summary": {
            "findings": len(result.findings),
            "undeclared": len(result.undeclared),
            "skipped": len(result.skipped),
        },
        "results": [_result(v) for v in sorted_verdicts(result)],
        "skipped": [{"source": s.source, "location": s.location, "reason": s.reason} for s in result.skipped],
        "notes": [{"source": s.source, "location": s.location, "message": s.reason} for s in result.notes],
        "coverage": [
            {
                "source": c.location.source,
                "location": c.location.path,
                **location_fields(c.location),
                "rows": c.rows,
                "sampled": c.sampled,
                "entities": list(c.entities),
                "miss_bound_95": round(miss_bound(c.sampled), 6),
            }
            for c in result.coverage
        ],
        "declared_not_seen": [u.__dict__ for u in declared_not_seen(result)],
    }
    if baseline is not None:
        for row in doc["results"]:  # type: ignore[union-attr]
            review = baseline.reviewed.get(row["fingerprint"])
            row["baseline"] = "new" if review is None else "unchanged"
        doc["baseline_stale"] = [e.__dict__ for e in baseline.stale]
    return doc


def _result(v: Verdict) -> dict[str, object]:
    f = v.finding
    return {
        **verdict_row(v),
        "declared": v.declared,  # 1.0 wrote "yes"/"no"; CSV still does
        "described": v.described,  # true, false, or null when the policy does not say
        "confidence": f.confidence,  # 1.0 wrote "0.90"; full precision so a report reads back the same
        **location_fields(f.location),
        "recognizers": list(f.recognizers),
        "rows": f.rows,
        "share": round(f.share, 4),
        "fingerprint": fingerprint(v),
        **({"first_line": f.first_line} if f.first_line else {}),
        **({"lines": f.lines} if f.lines else {}),
    }


def location_fields(loc: Location) -> dict[str, object]:
    """``location_kind`` (``column`` or ``file``) and ``location_parts``, so readers need not split paths."""
    return {"location_kind": "file" if loc.display else "column", "location_parts": list(loc.parts)}


def render(result: ScanResult, *, context: ReportContext | None = None) -> str:
    """Pretty-printed JSON with a trailing newline."""
    return json.dumps(to_dict(result, context), indent=2, ensure_ascii=False) + "\n"
