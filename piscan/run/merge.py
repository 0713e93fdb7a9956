"""Partial tallies -> one container's findings, coverage and notes.

Findings are computed only here, after the merge: a table's columns are judged together
(aggregate.table_findings: a city column is personal data only in a table of people), so no unit
of a split table can judge its part alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import reduce
from typing import Any

from piscan import nested
from piscan.aggregate import table_findings
from piscan.detectors.names import value_vetoed, vetoed_by_siblings
from piscan.model import Evidence, Finding, Skipped
from piscan.outcome import Outcome
from piscan.run.tally import FieldTally, PartialTally
from piscan.sources.base import Container
from piscan.sweep import note as sweep_note
from piscan.sweep import sparse_findings


def finish(partials: Iterable[PartialTally], config: Any) -> Outcome:
    """The outcome of one container from the partials of its units (in unit order)."""
    return judge(reduce(PartialTally.merge, partials), config)


def finished(partials: Iterable[PartialTally], config: Any) -> Iterator[tuple[Container, Outcome]]:
    """(container, outcome) of each container, from partials in unit order (a container's units
    come one after another); only one container's tallies are held at a time."""
    current: PartialTally | None = None
    try:
        for partial in partials:
            if current is not None and _same(current, partial):
                current = current.merge(partial)
                continue
            if current is not None:
                done, current = current, partial
                yield done.container, judge(done, config)
            else:
                current = partial
    except KeyboardInterrupt:  # the executor stopped: what its units had tallied is kept
        if current is not None:
            yield current.container, judge(current, config)
        raise
    if current is not None:
        yield current.container, judge(current, config)


def _same(a: PartialTally, b: PartialTally) -> bool:
    return a.source == b.source and a.container.parts == b.container.parts


def judge(merged: PartialTally, config: Any) -> Outcome:
    """Findings, coverage and notes of one container's merged tallies."""
    split = merged.of > 1  # each part reports the same failing column or table: once is enough
    out = Outcome(
        skipped=_unique(merged.skipped) if split else list(merged.skipped),
        notes=_unique(merged.notes) if split else list(merged.notes),
        scanned=merged.complete,
        interrupted=merged.interrupted,
    )
    fields = _ordered(merged)
    container = merged.container
    if container.columns:
        if out.scanned and merged.rows == 0:
            empty = f"{container.noun} is empty: judged by column names only"
            out.notes.append(Skipped(merged.public, container.path, empty))
    elif out.scanned and not merged.skipped and not fields:
        empty = f"{container.noun} is empty or blank: nothing to scan"
        out.notes.append(Skipped(merged.public, container.path, empty))
    if container.judged_together:
        _together(fields, config, out)
    else:
        _each(fields, config, out)
    return out


def _unique(entries: list[Skipped]) -> list[Skipped]:
    return list(dict.fromkeys(entries))


def _ordered(merged: PartialTally) -> list[tuple[str, FieldTally]]:
    """Every location that was read, each JSON column followed by its field paths (at most
    nested.MAX_PATHS of them, as a single read keeps); failed columns are left out."""
    failed = merged.failed
    children: dict[str, list[tuple[str, FieldTally]]] = {}
    for key, fld in merged.fields.items():
        if fld.parent is not None and fld.parent not in failed:
            children.setdefault(fld.parent, []).append((key, fld))
    out = []
    for key, fld in merged.fields.items():
        if fld.parent is None and key not in failed:
            out.append((key, fld))
            out += children.get(key, [])[: nested.MAX_PATHS]
    return out


def _together(fields: list[tuple[str, FieldTally]], config: Any, out: Outcome) -> None:
    """A table's columns judged with their table."""
    if not fields:
        return
    tallies = [f.tally for _, f in fields]
    judged, held = table_findings(tallies, tallies[0].location.parts[-2])
    if held:
        location = tallies[0].location
        message = (
            f"no people in this table: {held} finding(s) of a place, group or trait not reported"
            " (a lookup list)"
        )
        out.notes.append(Skipped(location.source, location.container, message))
    by_key = {}
    for (key, fld), found in zip(fields, judged, strict=True):
        if config.sql.full_scan:  # a sparse entity found in any value of any unit (piscan.sweep)
            found = found + sparse_findings(fld.tally, fld.sweep, {f.entity for f in found})
        by_key[key] = found
    shown_by_paths: dict[str, set[str]] = {}
    for key, fld in fields:
        if fld.parent is not None:
            shown_by_paths.setdefault(fld.parent, set()).update(f.entity for f in by_key[key])
    for key, fld in fields:
        findings = by_key[key]
        if key in shown_by_paths:  # a JSON column keeps only what no field path shows on its own
            findings = [f for f in findings if f.entity not in shown_by_paths[key]]
        if not config.examples:
            findings = [replace(f, example="") for f in findings]
        out.findings.extend(findings)
        out.coverage.append(fld.tally.coverage(findings))
        if fld.thinned:
            location = fld.tally.location
            out.notes.append(Skipped(location.source, location.path, _settled(fld)))


def _settled(fld: FieldTally) -> str:
    """The note of a location whose settled verdict spared examining some of its values."""
    examined = fld.tally.sampled
    if fld.early:
        return (
            f"sampled scan: verdict settled, {examined:,} of {examined + fld.thinned:,} sampled "
            "non-null values examined (--exhaustive examines all)"
        )
    message = (
        f"full scan: verdict settled, {examined:,} of {examined + fld.thinned:,} non-null "
        f"values examined (thinned up to 1 in {fld.widest}; --exhaustive examines all)"
    )
    swept = sweep_note(fld.tally, fld.sweep)
    return f"{message}; {swept}" if swept else message


def _each(fields: list[tuple[str, FieldTally]], config: Any, out: Outcome) -> None:
    """A file's fields, each judged on its own, with its first line and what its text is about;
    a finding stands unless the field's and the file's other field names veto it (names.yaml
    ``vetoes``, and a name rule's ``unless_siblings``)."""
    siblings = tuple(fld.column.name for _, fld in fields)
    for _, fld in fields:
        tally = fld.tally
        judged = [f for f in tally.findings() if not _vetoed(f, fld.column.name, siblings)]
        if config.sql.full_scan:  # a sparse entity found in any line, examined or swept (piscan.sweep)
            swept = sparse_findings(tally, fld.sweep, {f.entity for f in judged})
            judged += [f for f in swept if not _vetoed(f, fld.column.name, siblings)]
        found = [replace(f, first_line=_first_line(fld, f.entity), lines=tally.rows) for f in judged]
        if fld.topics is not None:
            have = {f.entity for f in found}
            about = fld.topics.findings(tally.location, tally.sampled, tally.rows, have)
            found += [replace(f, lines=tally.rows) for f in about]
        if not config.examples:
            found = [replace(f, example="") for f in found]
        out.findings += found
        out.coverage.append(tally.coverage(found))
        if fld.thinned:
            out.notes.append(Skipped(tally.location.source, tally.location.path, _settled(fld)))


def _first_line(fld: FieldTally, entity: str) -> int | None:
    """The first line of an entity: of an examined value, or of a swept one (full scans)."""
    lines = [fld.first.get(entity)]
    leak = fld.sweep.leaks.get(entity) if fld.sweep is not None else None
    lines.append(leak.first if leak is not None else None)
    known = [n for n in lines if n is not None]
    return min(known) if known else None


def _vetoed(finding: Finding, column: str, siblings: tuple[str, ...]) -> bool:
    if value_vetoed(finding.entity, column, "", siblings):
        return True
    return finding.evidence == Evidence.NAME and vetoed_by_siblings(finding.entity, column, siblings)
