"""``piscan explain``: the evidence behind the findings at one location, for a human reader."""

from __future__ import annotations

from piscan.coverage import miss_bound
from piscan.model import ScanResult


def selector_for(location: str) -> list[str]:
    """An include pattern that scans just the location's table or file."""
    if "#" in location or "!" in location or "/" in location:
        return [location.split("#")[0].split("!")[0]]
    return [location]


def explain_text(result: ScanResult, location: str) -> tuple[str, bool]:
    """Text describing each finding at the location; False when the location holds none."""
    findings = [f for f in result.findings if f.location.path == location]
    coverage = [c for c in result.coverage if c.location.path == location]
    lines = []
    if not findings:
        sampled = coverage[0].sampled if coverage else 0
        reason = f"{sampled} values sampled, none matched" if coverage else "location not found"
        bound = f"; share of matching values below {miss_bound(sampled):.4f} (95%)" if coverage else ""
        return f"{location}: no personal data found ({reason}{bound})\n", bool(coverage)
    for f in findings:
        lines.append(f"{f.location.source} {location}: {f.entity}")
        lines.append(f"  evidence   {f.evidence.value}; confidence {f.confidence:.2f}")
        lines.append(f"  matches    {f.matches} of {f.sampled} non-null values sampled ({f.rows} rows)")
        for name, score in f.scores:
            lines.append(f"  detector   {name}: mean score {score:.2f}")
        if f.context:
            lines.append(f"  context    {', '.join(f.context)}")
        if f.example:
            lines.append(f"  example    {f.example} (masked)")
        for v in result.verdicts:
            if v.finding == f:
                status = "declared" if v.declared else "NOT declared"
                category = f"{v.category} {v.category_name}".strip() or "(no category)"
                lines.append(f"  policy     {v.policy}: {category}: {status}")
    return "\n".join(lines) + "\n", True
