"""The baseline commands (create, add, update, show) as steps over a scan: refuse what would
lose a review, scan, write. Returns messages and an exit code; the CLI prints them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from piscan import baseline as bl
from piscan.coverage import coverage_line, empty_sources, incomplete
from piscan.errors import ExitCode, PiscanError, UsageError
from piscan.fingerprint import fingerprint
from piscan.model import ScanResult
from piscan.runner import skip_limit
from piscan.scan import ScanConfig


@dataclass(frozen=True)
class ScanRequest:
    """Resolved settings, a config whose targets open, and the scan to run."""

    settings: dict[str, Any]
    config: ScanConfig
    run: Callable[[], ScanResult]


Messages = tuple[list[str], int]


def create(
    request: Callable[[], ScanRequest], out: Path, reason: str, reviewer: str, force: bool
) -> Messages:
    """A new baseline of every current finding; an existing file is kept unless ``force``."""
    bl.require_review(reason, reviewer)
    if out.exists() and not force:
        raise UsageError(
            f"{out} exists: `piscan baseline add` keeps its reviewed entries and adds new ones;"
            " --force replaces it"
        )
    req = request()
    result = _scanned(req)
    count = bl.write(out, bl.entries(result, reason, reviewer), result)
    return _finish(req, result, [f"wrote {count} reviewed findings to {out}"])


def add(request: Callable[[], ScanRequest], path: Path, reason: str, reviewer: str, prune: bool) -> Messages:
    """Entries of findings not yet in the baseline, with this reason and reviewer; every old entry
    kept with its own (``prune``: minus the stale ones, each named)."""
    bl.require_review(reason, reviewer)
    if not path.exists():
        raise UsageError(f"{path} does not exist: `piscan baseline create` makes it")
    req = request()
    old = bl.read(path, dict(req.config.names), req.config.root)
    result = _scanned(req)
    rows, added, removed = bl.merge(old, result, reason, reviewer, prune)
    bl.write(path, rows, result)
    lines = [f"baseline {path}: {len(added)} added, {len(removed)} removed, {len(rows)} entries"]
    lines += [f"added: {e.location} {e.entity} {e.policy}" for e in added]
    lines += [f"removed (stale): {e.location} {e.entity} {e.policy}" for e in removed]
    if old.version < bl.BASELINE_VERSION:
        lines.append(f"rewrote {path} from version {old.version} as version {bl.BASELINE_VERSION}")
    return _finish(req, result, lines)


def show(
    path: Path, request: Callable[[], ScanRequest] | None, settings: Callable[[], dict[str, Any]]
) -> tuple[str, list[str], int]:
    """The entries as text; with a scan, each marked found, stale, or not looked at."""
    if request is None:
        from piscan.runner import source_names

        resolved = settings()
        root, names = source_names(resolved, tuple(resolved["targets"]))
        base = bl.read(path, dict(names), root)
        return render(path, base), [], ExitCode.OK
    req = request()
    base = bl.read(path, dict(req.config.names), req.config.root)
    result = _scanned(req)
    comparison = bl.compare(result, list(base.entries))
    found = {fingerprint(v) for v in comparison.known}
    stale = {e.fingerprint for e in comparison.stale}
    marks = {fp: "found" for fp in found} | {fp: "stale" for fp in stale}
    summary = f"{len(found)} found, {len(stale)} stale, {len(comparison.new)} findings not in the baseline"
    messages, code = _finish(req, result, [summary])
    return render(path, base, marks), messages, code


def render(path: Path, base: bl.Baseline, marks: dict[str, str] | None = None) -> str:
    """One line per entry, grouped by source identity: (state,) location, entity, policy,
    category, reviewed date, reviewer and reason."""
    out = [f"{path}: baseline version {base.version}, {len(base.entries)} entries"]
    identity = None
    for e in base.entries:
        if e.identity != identity:
            identity = e.identity
            out.append(f"{identity}  ({e.source})")
        state = f"{marks.get(e.fingerprint, '-'):<6}" if marks is not None else ""
        category = e.category or "(none)"
        declared = "declared" if e.declared else "undeclared"
        reviewed = f"{e.added or 'undated'} by {e.reviewer or '(nobody named)'}"
        out.append(
            f"  {state}{e.location}  {e.entity}  {e.policy}/{category} {declared}  {reviewed}:"
            f" {e.reason or '(no reason given)'}"
        )
    return "\n".join(out) + "\n"


def _scanned(req: ScanRequest) -> ScanResult:
    """The scan's result, refused when it could not stand for a review: interrupted, a target
    that did not open, or a target that read nothing."""
    result = req.run()
    if result.interrupted:
        raise PiscanError("interrupted: the baseline was not written")
    failed = [s for s in result.skipped if s.location == ""]
    if failed:
        raise PiscanError(f"{failed[0].source}: {failed[0].reason}: the baseline was not written")
    empty = empty_sources(result)
    if empty:
        err = PiscanError(f"nothing was read from {', '.join(empty)}: the baseline was not written")
        err.exit_code = ExitCode.INCOMPLETE
        raise err
    return result


def _finish(req: ScanRequest, result: ScanResult, lines: list[str]) -> Messages:
    """Messages plus the skipped items and coverage line; exit 3 past --max-skipped."""
    extra = [
        f"skipped {' '.join(p for p in (s.source, s.location) if p)}: {s.reason}" for s in result.skipped
    ]
    line = coverage_line(result)
    if line:
        extra.append(f"coverage: {line}")
    code = ExitCode.INCOMPLETE if incomplete(result, skip_limit(req.settings)) else ExitCode.OK
    return extra + lines, code
