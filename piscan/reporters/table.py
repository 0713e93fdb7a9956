"""The terminal report: one table per source and table, undeclared rows highlighted."""

from __future__ import annotations

import io
from itertools import groupby

from rich.console import Console
from rich.table import Table

from piscan.coverage import Unobserved, declared_not_seen
from piscan.model import ScanResult, Verdict
from piscan.reporters.base import NOT_DESCRIBED, declared_not_described, sorted_verdicts


def render(result: ScanResult, width: int = 140, color: bool = False) -> str:
    """Render to a string; the CLI decides whether colors go to a terminal."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, no_color=not color, highlight=False)
    write(console, result)
    return buffer.getvalue()


def write(console: Console, result: ScanResult) -> None:
    """Print grouped tables, then skipped items and a summary line."""
    order = sorted(
        sorted_verdicts(result),
        key=lambda v: (
            v.finding.location.source,
            v.finding.location.container,
            v.finding.location.path,
            v.finding.entity,
            v.policy,
        ),
    )
    group = lambda v: (v.finding.location.source, v.finding.location.container)  # noqa: E731
    for (source, container), rows in groupby(order, key=group):
        console.print(_table(f"{source}  {container}", list(rows)))
    unseen = declared_not_seen(result)
    if unseen:
        console.print(_unseen_table(unseen))
    for s in result.notes:
        console.print(f"note: {_where(s.source, s.location)}: {s.reason}", markup=False, soft_wrap=True)
    for s in result.skipped:
        console.print(f"skipped: {_where(s.source, s.location)}: {s.reason}", markup=False, soft_wrap=True)
    console.print(_summary(result), soft_wrap=True)


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
            f.location.parts[-1],
            f.entity,
            v.policy,
            category,
            declared,
            f"{f.matches}/{f.sampled}",
            f"{f.confidence:.2f}",
            f.evidence.value,
            f.example,
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
