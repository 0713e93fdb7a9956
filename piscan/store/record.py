"""A ScanResult -> rows of the store's tables. Only what reports show goes in: masked examples,
never a raw value (ScanResult holds none, and nothing here reads a database)."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import Connection, Table, insert

from piscan.fingerprint import fingerprint
from piscan.model import CategoryInfo, PolicyInfo, ScanResult, Skipped, Verdict
from piscan.sources.credentials import redact_text
from piscan.store import schema as t

SCANNED, PARTIAL, FAILED = "scanned", "partial", "failed"


def insert_scan(conn: Connection, result: ScanResult) -> int:
    """Insert one scan with every verdict, policy, skipped item and coverage row; returns its id."""
    scan_id = conn.execute(insert(t.scans).values(**_scan_row(result))).inserted_primary_key[0]
    _insert(conn, t.targets, [{"scan_id": scan_id, **row} for row in target_rows(result)])
    _insert(conn, t.policies, [_policy_row(scan_id, p) for p in result.policies])
    _insert(
        conn,
        t.categories,
        [_category_row(scan_id, p.id, c) for p in result.policies for c in p.categories],
    )
    _insert(conn, t.verdicts, [verdict_row(scan_id, v) for v in result.verdicts])
    notes = [("skipped", s) for s in result.skipped] + [("note", s) for s in result.notes]
    _insert(conn, t.skipped, [_skipped_row(scan_id, kind, s) for kind, s in notes])
    _insert(
        conn,
        t.coverage,
        [
            {
                "scan_id": scan_id,
                "source": c.location.source,
                "location": c.location.path,
                "rows_sampled": c.rows,
                "sampled": c.sampled,
            }
            for c in result.coverage
        ],
    )
    return int(scan_id)


def target_rows(result: ScanResult) -> list[dict[str, object]]:
    """Each source with its status: only ``scanned`` ones may stand for a source's latest inventory.

    A target that could not be opened is ``failed``; an interrupted scan lists only the targets
    it finished, so a source it left half-read is ``partial``.
    """
    failed = {s.source for s in result.skipped if s.location == ""}
    rows = [{"source": s, "status": FAILED if s in failed else SCANNED} for s in result.targets]
    seen = set(result.targets)
    for source in [v.finding.location.source for v in result.verdicts] + [
        c.location.source for c in result.coverage
    ]:
        if source not in seen:
            seen.add(source)
            rows.append({"source": source, "status": PARTIAL})
    return [{"position": i, **row} for i, row in enumerate(rows)]


def verdict_row(scan_id: int, v: Verdict) -> dict[str, object]:
    """One verdict as the store keeps it."""
    f = v.finding
    return {
        "scan_id": scan_id,
        "source": f.location.source,
        "location": f.location.path,
        "entity": f.entity,
        "policy": v.policy,
        "category": v.category,
        "category_name": v.category_name,
        "declared": v.declared,
        "matches": f.matches,
        "sampled": f.sampled,
        "rows_sampled": f.rows,
        "confidence": round(f.confidence, 4),
        "evidence": f.evidence.value,
        "example": f.example,
        "fingerprint": fingerprint(v),
    }


def _scan_row(result: ScanResult) -> dict[str, object]:
    return {
        "started": result.started,
        "finished": result.finished,
        "recorded": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "tool_version": result.tool_version,
        "rules_digest": result.rules_digest,
        "settings": json.loads(json.dumps(result.settings, default=str)),  # Paths etc. as text
        "interrupted": result.interrupted,
        "tables_scanned": result.tables_scanned,
        "findings": len(result.findings),
        "undeclared": len(result.undeclared),
    }


def _policy_row(scan_id: int, p: PolicyInfo) -> dict[str, object]:
    return {"scan_id": scan_id, "policy": p.id, "name": p.name, "file": p.file, "sha256": p.sha256}


def _category_row(scan_id: int, policy: str, c: CategoryInfo) -> dict[str, object]:
    return {
        "scan_id": scan_id,
        "policy": policy,
        "category": c.id,
        "name": c.name,
        "declared": c.declared,
        "wording": c.wording,
        "entities": list(c.entities),
    }


def _skipped_row(scan_id: int, kind: str, s: Skipped) -> dict[str, object]:
    # Reasons are scrubbed where they are made; scrubbing again costs nothing and they persist.
    return {
        "scan_id": scan_id,
        "kind": kind,
        "source": s.source,
        "location": s.location,
        "reason": redact_text(s.reason),
    }


def _insert(conn: Connection, table: Table, rows: list[dict[str, object]]) -> None:
    if rows:
        conn.execute(insert(table), rows)
