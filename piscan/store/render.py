"""Plain-text views of the store for ``piscan history`` and ``piscan diff``; the CLI prints them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict

from piscan.store.diff import Change, ChangeKind, Judgement
from piscan.store.store import ScanSummary

_MARK = {ChangeKind.APPEARED: "+", ChangeKind.VANISHED: "-", ChangeKind.CHANGED: "~"}


def render_history(scans: Sequence[ScanSummary]) -> str:
    """One line per scan, newest first: id, start and end, counts, policies and targets."""
    if not scans:
        return "no scans recorded yet\n"
    width = max(len("policies"), *(len(",".join(s.policies)) for s in scans))
    lines = [
        f"{'id':>5}  {'started':<25}  {'finished':<25}  {'findings':>8}  {'undeclared':>10}  "
        f"{'policies':<{width}}  targets"
    ]
    for s in scans:
        flag = " (interrupted)" if s.interrupted else ""
        lines.append(
            f"{s.id:>5}  {s.started:<25}  {s.finished:<25}  {s.findings:>8}  {s.undeclared:>10}  "
            f"{','.join(s.policies) or '-':<{width}}  {', '.join(s.targets) or '-'}{flag}"
        )
    return "\n".join(lines) + "\n"


def render_history_json(scans: Sequence[ScanSummary]) -> str:
    """``piscan history --format json``: the same scans, newest first, as a JSON document."""
    return json.dumps({"scans": [asdict(s) for s in scans]}, indent=2, ensure_ascii=False) + "\n"


def render_diff(changes: Sequence[Change], a: int | None = None, b: int | None = None) -> str:
    """A summary line, then changes under their source and location: ``+`` appeared, ``-`` vanished,
    ``~`` judged differently, each with policy, entity, category and declared status."""
    counts = {kind: sum(1 for c in changes if c.kind == kind) for kind in ChangeKind}
    scans = f"scan {a} -> scan {b}: " if a is not None and b is not None else ""
    summary = ", ".join(f"{n} {kind.value}" for kind, n in counts.items())
    lines = [f"{scans}{summary}" if changes else f"{scans}no changes"]
    source = location = None
    for c in changes:
        if c.source != source:
            source, location = c.source, None
            lines.append(c.source)
        if c.location != location:
            location = c.location
            lines.append(f"  {c.location}")
        if c.kind == ChangeKind.CHANGED:
            judged = f"{_judgement(c.before)} -> {_judgement(c.after)}"
        else:
            judged = _judgement(c.after if c.kind == ChangeKind.APPEARED else c.before)
        lines.append(f"    {_MARK[c.kind]} {c.policy:<10} {c.entity:<22} {judged}")
    return "\n".join(lines) + "\n"


def _judgement(j: Judgement | None) -> str:
    if j is None:
        return "-"
    category = f"{j.category} {j.category_name}" if j.category else "(no category)"
    return f"{category}, {'declared' if j.declared else 'UNDECLARED'}"
