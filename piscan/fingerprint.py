"""Stable identities of findings: the same column, entity and policy verdict of the same data give
the same fingerprint whatever the sample, the counts, the time of the scan or how the target was
typed (``piscan.identity``).

Fingerprints are a public contract (baselines, SARIF, the inventory store). Version 1 hashed the
target as typed; version 2 hashes the source's canonical identity. ``fingerprint_v1`` stays so
that old baselines can be read and migrated.
"""

from __future__ import annotations

import hashlib

from piscan.model import Verdict

FINGERPRINT_VERSION = 2


def fingerprint(verdict: Verdict) -> str:
    """A hex id over (source identity, location, entity, policy, category): version 2."""
    f = verdict.finding
    ident = source_identity(verdict)
    return fingerprint_of(ident, f.location.path, f.entity, verdict.policy, verdict.category)


def source_identity(verdict: Verdict) -> str:
    """The identity the scan gave the finding's source, else one derived from its public form."""
    loc = verdict.finding.location
    if loc.identity:
        return loc.identity
    from piscan.identity import canonical

    return canonical(loc.source)


def fingerprint_of(identity: str, location: str, entity: str, policy: str, category: str) -> str:
    """Version 2 from its parts: what a baseline stores is enough to recompute it."""
    key = "\x1f".join(("piscan-fp/2", identity, location, entity, policy, category))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def fingerprint_v1(source: str, location: str, entity: str, policy: str, category: str) -> str:
    """Version 1 (piscan <= 0.x baselines): over the target as typed, frozen here."""
    key = "\x1f".join((source, location, entity, policy, category))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
