"""Reviewed findings: a baseline file lists verdicts a privacy engineer has accepted, each with who
accepted it, why and when, so CI fails only on what nobody has reviewed. Self-describing, like
detect-secrets' baseline.

File versions (a public contract): version 2 stores each entry's source identity
(``piscan.identity``) and fingerprint version 2; version 1 (fingerprints over the target as
typed) is still read: its entries' identities are re-derived from the source they stored.
Fingerprints are always recomputed on read from what an entry stores, so renaming a source
(``--source-name``, the config's ``sources``) carries over to entries made before the name.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from piscan import __version__
from piscan.errors import ConfigError, UsageError
from piscan.fingerprint import FINGERPRINT_VERSION, fingerprint, fingerprint_of, source_identity
from piscan.identity import canonical
from piscan.model import ScanResult, Verdict

BASELINE_VERSION = 2
READABLE_VERSIONS = (1, 2)


@dataclass(frozen=True)
class Entry:
    """One reviewed verdict, with enough of its parts to recompute its fingerprint."""

    fingerprint: str
    source: str  # the public form the scan showed
    location: str
    entity: str
    policy: str
    category: str
    declared: bool
    reason: str = ""
    reviewer: str = ""
    identity: str = ""  # the canonical source identity (version 2)
    added: str = ""  # the date it was reviewed (version 2; empty for migrated entries)


@dataclass(frozen=True)
class Baseline:
    """A baseline file as read: its entries, and the version it was written in."""

    entries: tuple[Entry, ...]
    version: int = BASELINE_VERSION


@dataclass(frozen=True)
class Comparison:
    """A scan measured against a baseline."""

    new: tuple[Verdict, ...]  # not in the baseline
    known: tuple[Verdict, ...]  # in the baseline
    stale: tuple[Entry, ...]  # in the baseline, no longer found
    unmatched: tuple[tuple[str, str], ...] = ()  # (public, identity) of sources the baseline misses


def require_review(reason: str, reviewer: str) -> None:
    """A reviewed entry says why and who: blank ones are refused."""
    if not reason.strip():
        raise UsageError("--reason is required: say why these findings are accepted")
    if not reviewer.strip():
        raise UsageError("--reviewer is required: say who reviewed these findings")


def entries(result: ScanResult, reason: str = "", reviewer: str = "", added: str = "") -> list[Entry]:
    """Baseline entries for every verdict of a scan (one per location, entity and policy)."""
    added = added or _today()
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
            reason.strip(),
            reviewer.strip(),
            source_identity(v),
            added,
        )
    return _sorted(out.values())


def merge(
    old: Baseline, result: ScanResult, reason: str, reviewer: str, prune: bool = False
) -> tuple[list[Entry], list[Entry], list[Entry]]:
    """Old entries kept as they are (reason, reviewer, date), new verdicts added with their own
    reason; ``prune`` drops stale ones. Returns (all entries, added, removed)."""
    kept = {e.fingerprint: e for e in old.entries}
    removed = list(compare(result, list(old.entries)).stale) if prune else []
    for e in removed:
        kept.pop(e.fingerprint, None)
    added = [e for e in entries(result, reason, reviewer) if e.fingerprint not in kept]
    kept.update((e.fingerprint, e) for e in added)
    return _sorted(kept.values()), added, removed


def write(path: Path, rows: list[Entry], result: ScanResult) -> int:
    """Write a baseline file (version 2); returns the number of entries."""
    doc = {
        "version": BASELINE_VERSION,
        "fingerprint_version": FINGERPRINT_VERSION,
        "generated_by": f"piscan {__version__}",
        "policies": [p.id for p in result.policies],
        "targets": list(result.targets),
        "sources": [{"source": s.source, "identity": s.identity} for s in result.sources],
        "entries": [asdict(e) for e in rows],
    }
    try:
        path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise ConfigError(str(path), "", f"cannot write: {exc.strerror or exc}") from None
    return len(rows)


def read(path: Path, names: Mapping[str, str] | None = None, root: str | None = None) -> Baseline:
    """Read a baseline of any readable version; fingerprints are recomputed from each entry's
    identity (re-derived from its source for version 1, renamed through ``names``: identity ->
    name). A broken file names the file, the entry and the problem."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(path), "", "baseline file not found") from None
    except (OSError, ValueError) as exc:
        raise ConfigError(str(path), "", f"not a piscan baseline: {exc}") from None
    version = doc.get("version") if isinstance(doc, dict) else None
    if version not in READABLE_VERSIONS:
        raise ConfigError(
            str(path), "version", f"expected baseline version 1 or 2, not {version!r} (a newer piscan?)"
        )
    fields = set(Entry.__dataclass_fields__)
    out = []
    for i, raw in enumerate(doc.get("entries", [])):
        if not isinstance(raw, dict) or "fingerprint" not in raw:
            raise ConfigError(str(path), f"entries.{i}", "an entry needs a fingerprint")
        unknown = set(raw) - fields
        if unknown:
            raise ConfigError(str(path), f"entries.{i}.{sorted(unknown)[0]}", "unknown key")
        entry = Entry(**{k: raw.get(k, "" if k != "declared" else False) for k in fields})
        out.append(_rederive(entry, names or {}, root))
    return Baseline(tuple(out), version)


def _rederive(entry: Entry, names: Mapping[str, str], root: str | None) -> Entry:
    """The entry with its identity under today's rules and names, and its version-2 fingerprint."""
    ident = entry.identity or canonical(entry.source, root)
    if ident in names:
        ident = f"name:{names[ident]}"
    fp = fingerprint_of(ident, entry.location, entry.entity, entry.policy, entry.category)
    return replace(entry, identity=ident, fingerprint=fp)


def compare(result: ScanResult, baseline: list[Entry]) -> Comparison:
    """Split a scan's verdicts into new and known ones, find stale baseline entries, and name
    the scanned sources with findings that the baseline matches nothing of."""
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
    looked_at = _scope(result)
    stale = [e for fp, e in by_fp.items() if fp not in seen and looked_at(e)]
    return Comparison(tuple(new), tuple(known), tuple(stale), _unmatched(result, known, baseline))


def _scope(result: ScanResult) -> Callable[[Entry], bool]:
    """Whether this scan could have found an entry: its source and policy were scanned, its
    table or file was not skipped, and, with --include/--exclude, it was read."""
    policies = {p.id for p in result.policies}
    opened = {s.identity for s in result.sources if s.opened}
    identity_of = {s.source: s.identity for s in result.sources}
    skipped = {(identity_of.get(s.source, ""), s.location) for s in result.skipped if s.location}
    selector = result.settings.get("selector") or {}
    filtered = isinstance(selector, dict) and bool(selector.get("include") or selector.get("exclude"))
    read = {(c.location.identity, c.location.container or c.location.path) for c in result.coverage}

    def looked_at(entry: Entry) -> bool:
        if result.interrupted or entry.policy not in policies or entry.identity not in opened:
            return False
        if any(ident == entry.identity and _inside(entry.location, w) for ident, w in skipped):
            return False
        return not filtered or any(
            ident == entry.identity and _inside(entry.location, w) for ident, w in read
        )

    return looked_at


def _inside(location: str, where: str) -> bool:
    return location == where or location.startswith((where + ".", where + "#", where + "!"))


def _unmatched(
    result: ScanResult, known: list[Verdict], baseline: list[Entry]
) -> tuple[tuple[str, str], ...]:
    if not baseline:
        return ()
    matched = {source_identity(v) for v in known}
    with_findings = {source_identity(v): v.finding.location.source for v in result.verdicts}
    return tuple(sorted((pub, ident) for ident, pub in with_findings.items() if ident not in matched))


def _sorted(rows) -> list[Entry]:
    return sorted(rows, key=lambda e: (e.identity, e.location, e.entity, e.policy))


def _today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()
