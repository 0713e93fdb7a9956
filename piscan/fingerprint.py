"""Stable identities of findings: the same column, entity and policy verdict give the same
fingerprint whatever the sample, the counts or the time of the scan."""

from __future__ import annotations

import hashlib

from piscan.model import Verdict


def fingerprint(verdict: Verdict) -> str:
    """A hex id over (source, location, entity, policy, category); used by baselines and SARIF."""
    f = verdict.finding
    key = "\x1f".join((f.location.source, f.location.path, f.entity, verdict.policy, verdict.category))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
