"""Reviewed findings: a baseline file lists verdicts a privacy engineer has accepted, so CI fails
only on what nobody has reviewed. Self-describing, like detect-secrets' baseline."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from piscan import __version__
from piscan.errors import ConfigError
from piscan.fingerprint import fingerprint
from piscan.model import ScanResult, Verdict

BASELINE_VERSION = 1


@dataclass(frozen=True)
class Entry:
    """One reviewed verdict."""

    fingerprint: str
    source: str
    location: str
    entity: str
    policy: str
    category: str
    declared: bool
    reason: str = ""
    reviewer: str = ""


@dataclass(frozen=True)
class Comparison:
    """A scan measured against a baseline."""

    new: tuple[Verdict, ...]  # not in the baseline
    known: tuple[Verdict, ...]  # in the baseline
    stale: tuple[Entry, ...]  # in the baseline, no longer found


def entries(result: ScanResult, reason: str = "", reviewer: str = "") -> list[Entry]:
    """Baseline entries for every verdict of a scan (one per location, entity and policy)."""
    out = {}
    for v in result.verdicts:
        fp = fingerprint(v)
        out[fp] = Entry(
            fp,
            v.finding.location.source,
            v.finding.location.path,
            v.finding.entity,
            v.policy,
            v.category,
            v.declared,
            reason,
            reviewer,
        )
    return sorted(out.values(), key=lambda e: (e.source, e.location, e.entity, e.policy))


def write(path: Path, result: ScanResult, reason: str = "", reviewer: str = "") -> int:
    """Write a baseline file; returns the number of entries."""
    rows = entries(result, reason, reviewer)
    doc = {
        "version": BASELINE_VERSION,
        "generated_by": f"piscan {__version__}",
        "policies": [p.id for p in result.policies],
        "targets": list(result.targets),
        "entries": [e.__dict__ for e in rows],
    }
    try:
        path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise ConfigError(str(path), "", f"cannot write: {exc.strerror or exc}") from None
    return len(rows)


def read(path: Path) -> list[Entry]:
    """Read a baseline; a broken file names the file, the entry and the problem."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(path), "", "baseline file not found") from None
    except (OSError, ValueError) as exc:
        raise ConfigError(str(path), "", f"not a piscan baseline: {exc}") from None
    if not isinstance(doc, dict) or doc.get("version") != BASELINE_VERSION:
        raise ConfigError(str(path), "version", f"expected baseline version {BASELINE_VERSION}")
    out = []
    fields = set(Entry.__dataclass_fields__)
    for i, raw in enumerate(doc.get("entries", [])):
        if not isinstance(raw, dict) or "fingerprint" not in raw:
            raise ConfigError(str(path), f"entries.{i}", "an entry needs a fingerprint")
        unknown = set(raw) - fields
        if unknown:
            raise ConfigError(str(path), f"entries.{i}.{sorted(unknown)[0]}", "unknown key")
        out.append(Entry(**{k: raw.get(k, "" if k != "declared" else False) for k in fields}))
    return out


def compare(result: ScanResult, baseline: list[Entry]) -> Comparison:
    """Split a scan's verdicts into new and known ones, and find stale baseline entries."""
    by_fp = {e.fingerprint: e for e in baseline}
    seen = set()
    new, known = [], []
    for v in result.verdicts:
        fp = fingerprint(v)
        if fp in by_fp:
            known.append(v)
            seen.add(fp)
        else:
            new.append(v)
    scanned = set(result.targets)
    policies = {p.id for p in result.policies}
    stale = [e for fp, e in by_fp.items() if fp not in seen and e.source in scanned and e.policy in policies]
    return Comparison(tuple(new), tuple(known), tuple(stale))
