"""The terminal report: undeclared findings first; one table per source and table when the
terminal is wide, one line per finding when it is narrow (80 columns)."""

from __future__ import annotations

import io
from collections import defaultdict
from itertools import groupby

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from piscan.coverage import Unobserved, declared_not_seen
from piscan.model import ScanResult, Skipped, Verdict
from piscan.reporters.base import NOT_DESCRIBED, ReportContext, declared_not_described, sorted_verdicts

NARROW = 120  # below this many columns the nine-column tables fold; one line per finding reads better
SETTLED = "full scan: verdict settled"  # the per-column note of a settled full scan (run/merge.py)


def render(
    result: ScanResult, width: int = 140, color: bool = False, *, context: ReportContext | None = None
) -> str:
    """Render to a string; the CLI decides whether colors go to a terminal."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, no_color=not color, highlight=False)
    write(console, result, verbose=bool(context and context.verbose))
    return buffer.getvalue()


def write(console: Console, result: ScanResult, verbose: bool = False) -> None:
    """Findings (undeclared first), declared-but-not-seen, notes, skipped items, a summary line."""
    if console.width < NARROW:
        _lines(console, result)
    else:
        _tables(console, result)
    unseen = declared_not_seen(result)
    if unseen and console.width < NARROW:
        for u in unseen:
            text = (
                f"declared, not seen: {u.policy}:{u.category} {u.category_name} "
                f"({u.locations} locations, {u.values} values sampled)"
            )
            console.print(text, markup=False, soft_wrap=True)
    elif unseen:
        console.print(_unseen_table(unseen))
    for s in result.notes if verbose else fold_notes(result.notes):
        console.print(f"note: {_where(s.source, s.location)}: {s.reason}", markup=False, soft_wrap=True)
    for s in result.skipped:
        console.print(f"skipped: {_where(s.source, s.location)}: {s.reason}", markup=False, soft_wrap=True)
    console.print(_summary(result), soft_wrap=True)


def _tables(console: Console, result: ScanResult) -> None:
    """One table per source and table; tables holding undeclared findings first."""
    order = sorted(
        sorted_verdicts(result),
        key=lambda v: (
            v.finding.location.source,
            v.finding.location.container,
            v.declared,
            v.finding.location.path,
            v.finding.entity,
            v.policy,
        ),
    )
    group = lambda v: (v.finding.location.source, v.finding.location.container)  # noqa: E731
    groups = [(key, list(rows)) for key, rows in groupby(order, key=group)]
    groups.sort(key=lambda g: all(v.declared for v in g[1]))  # stable: undeclared tables first
    for (source, container), rows in groups:
        console.print(_table(escape(f"{source}  {container}"), rows))  # names are not markup


def _lines(console: Console, result: ScanResult) -> None:
    """One line per finding under its source, undeclared first: what an 80-column terminal shows."""
    for source, rows in groupby(
        sorted(sorted_verdicts(result), key=lambda v: (v.finding.location.source, v.declared)),
        key=lambda v: v.finding.location.source,
    ):
        console.print(source, style="bold", markup=False, soft_wrap=True)
        for v in rows:
            f = v.finding
            state = "[bold red]NO [/]" if not v.declared else "yes"
            category = f"{v.policy}:{v.category or '-'}"
            text = f"{f.location.path} {f.entity} {category} {f.matches}/{f.sampled} {f.evidence.value}"
            console.print(f"  {state} ", end="")
            console.print(text, markup=False, soft_wrap=True)


def fold_notes(notes: tuple[Skipped, ...]) -> list[Skipped]:
    """Settled-column notes of a full scan folded to one per table (``-v`` shows each column)."""
    groups: dict[tuple[str, str], list[Skipped]] = defaultdict(list)
    for note in notes:
        if note.reason.startswith(SETTLED):
            groups[(note.source, note.location.rsplit(".", 1)[0])].append(note)
    folded = [
        group[0]
        if len(group) == 1
        else Skipped(
            source,
            table,
            f"{SETTLED} in {len(group)} columns, each examined on a thinning sample"
            " after it settled (-v lists each column)",
        )
        for (source, table), group in groups.items()
    ]
    return [n for n in notes if not n.reason.startswith(SETTLED)] + folded


def _unseen_table(unseen: list[Unobserved]) -> Table:
    table = Table(title="Declared but not seen in any scanned location", title_justify="left")
    for name in ("policy", "category", "wording", "locations", "values sampled", "smallest sample"):
        table.add_column(name, overflow="fold")
    for u in unseen:
        table.add_row(
            u.policy,
            f"{u.category} {u.category_name}",
            u.wording,
            str(u.locations),
            str(u.values),
            str(u.smallest_sample),
        )
    return table


def _where(source: str, location: str) -> str:
    return " ".join(part for part in (source, location) if part)


def _table(title: str, verdicts: list[Verdict]) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False, expand=False)
    for name in (
        "column",
        "entity",
        "policy",
        "category",
        "declared",
        "matches",
        "conf",
        "evidence",
        "example",
    ):
        table.add_column(name, overflow="fold")
    for v in verdicts:
        f = v.finding
        declared = "yes" if v.declared else "[bold red]NO[/]"
        if declared_not_described(v):
            declared = f"[yellow]{NOT_DESCRIBED}[/]"
        category = f"{v.category} {v.category_name}".strip() or "(none)"
        table.add_row(
            escape(f.location.parts[-1]),
            f.entity,
            v.policy,
            category,
            declared,
            f"{f.matches}/{f.sampled}",
            f"{f.confidence:.2f}",
            f.evidence.value,
            escape(f.example),
        )
    return table


def _summary(result: ScanResult) -> str:
    locations = {v.finding.location for v in result.verdicts}
    undeclared = result.undeclared
    bad = {(v.policy, v.category or v.finding.entity) for v in undeclared}
    text = (
        f"{result.tables_scanned} tables or files scanned, {len(locations)} locations with personal "
        f"data, {len(undeclared)} undeclared findings"
    )
    if bad:
        text += " (" + ", ".join(f"{p}:{c}" for p, c in sorted(bad)) + ")"
    if result.skipped:
        text += f", {len(result.skipped)} skipped"
    if result.interrupted:
        text += " - INTERRUPTED: partial results"
    return text
